"""A dispatcher channel in one file: each notification POSTed as JSON to DISPATCHER_WEBHOOK_URL.

The engine's ready texts go as they are (code and drill mark already in them). 2xx is
accepted; 429, 5xx and an unreachable server are transient; any other refusal is permanent.
The URL often carries a chat robot's token, so it never appears in a receipt.
"""

from urllib.parse import parse_qsl, quote, urlsplit

import aiohttp

from dispatcher.plugins import (
    ChannelBase,
    ContactKind,
    DeliveryStatus,
    Failure,
    MissingSetting,
    Receipt,
    hookimpl,
    one_line,
    redact,
)


class WebhookChannel(ChannelBase):
    name = "webhook"
    reaches = frozenset({ContactKind.MOBILE, ContactKind.EMAIL})  # a robot can @mention either

    def __init__(self, url, timeout=10.0):
        self.url = url
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session = None  # made on first send, inside the engine's event loop

    async def send(self, notification):
        payload = {
            "id": notification.id,
            "sr_id": notification.sr_id,
            "drill": notification.drill,
            "person": {
                "id": notification.recipient.id,
                "name": notification.recipient.display_name,
            },
            "contact": {
                "kind": str(notification.contact.kind),
                "address": notification.contact.address,
            },
            "purpose": notification.purpose.value,
            "urgency": notification.urgency.value,
            "text": notification.sms_text,
            "subject": notification.subject,
            "body": notification.body,
            "ack_code": notification.ack_code,
            "language": notification.language,
        }
        try:
            if self._session is None:
                self._session = aiohttp.ClientSession(timeout=self.timeout)
            async with self._session.post(self.url, json=payload) as response:
                if response.status >= 300:
                    detail = f"webhook refused (HTTP {response.status}): {await response.text()}"
                    return self._failed(
                        Failure.for_http_status(response.status), detail, response.status
                    )
        except (aiohttp.ClientError, OSError) as error:  # refused, reset, timed out
            return self._failed(
                Failure.TRANSIENT, f"cannot reach the webhook: {type(error).__name__} {error}"
            )
        return Receipt.accepted(self.name, None, DeliveryStatus.SENT)

    def _failed(self, failure, detail, code=None):
        return Receipt.failed(
            self.name, failure, redact(one_line(detail), url_secrets(self.url)), error_code=code
        )

    async def close(self):
        if self._session is not None:
            await self._session.close()
            self._session = None


def url_secrets(url):
    """Every part of `url` that may carry its token, longest first: the whole URL, its path
    with and without the query, each path segment and query value of 6 or more characters
    (a server may echo any of them), and a user name and password in it."""
    parts = urlsplit(url)
    pieces = [url, parts.path + ("?" + parts.query if parts.query else ""), parts.path]
    pieces += [segment for segment in parts.path.split("/") if len(segment) >= 6]
    for _name, value in parse_qsl(parts.query, keep_blank_values=True):
        pieces += [value, quote(value, safe="")]
    pieces += [parts.username, parts.password]  # an API key is often the user name
    return sorted({p for p in pieces if p and len(p) >= 6}, key=len, reverse=True)


@hookimpl
def dispatcher_channels(register, settings):
    try:
        (url,) = settings.require("DISPATCHER_WEBHOOK_URL")
    except MissingSetting as missing:
        register.disabled("webhook", str(missing))
        return
    if not url.startswith(("http://", "https://")):
        register.disabled("webhook", "DISPATCHER_WEBHOOK_URL must be an http:// or https:// URL")
        return
    try:  # a bad host or port would fail every send; the reason never quotes the URL
        parts = urlsplit(url)  # .port raises ValueError past 65535
        valid = bool(parts.hostname) and parts.port in (None, *range(1, 65536))
    except ValueError:
        valid = False
    if not valid:
        register.disabled("webhook", "DISPATCHER_WEBHOOK_URL is not a valid URL (host or port)")
        return
    register(WebhookChannel(url))
