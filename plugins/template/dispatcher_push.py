"""A dispatcher channel plugin to copy: each page POSTed to the paged person's push topic.

Copy `plugins/template`, rename the distribution and the entry point (pyproject.toml), this
module, the channel's `name` and the contact kind's, then make `send()` speak your provider.
The contract it follows (`dispatcher.plugins`): a plugin may declare the kinds of contact
method its channels reach (`dispatcher_contact_kinds`, with a validator the roster checks
each address with); a channel has a `name`, the contact kinds it `reaches`, an async
`send(notification) -> Receipt` that never raises for a provider's failure, and may declare
the `settings` it reads and its rate limits; `dispatcher_channels(register, settings)`
registers it, or says why it cannot run.

Each person subscribes to a topic of their own on an ntfy-style server, listed in the roster
as a contact method of kind `push` (`{kind: push, address: csc-li-wei}`); a chain step naming
the channel `push` posts the page to it, and the reports show the topic, not a phone number.
2xx is accepted; 429, 5xx and an unreachable service are transient (the engine retries); any
other refusal is permanent (the engine moves on at once).
"""

import re
from datetime import timedelta

import aiohttp

from dispatcher.plugins import (
    ChannelBase,
    ContactKindSpec,
    DeliveryStatus,
    Failure,
    Health,
    Limit,
    MissingSetting,
    Receipt,
    Setting,
    hookimpl,
    one_line,
    redact,
)

SERVER_URL = Setting("PUSH_SERVER_URL", "the push server, e.g. https://ntfy.sh")
TOKEN = Setting("PUSH_TOKEN", "an access token for the server", secret=True, required=False)
PRIORITY = Setting("PUSH_PRIORITY", "1 (lowest) to 5 (urgent)", default="5")
TOPIC = re.compile(r"[-_A-Za-z0-9]{1,64}")  # the topic names ntfy accepts


def topic(address):
    """A push topic as the roster lists it: 1 to 64 letters, digits, - or _ (ntfy's rule).
    Raises ValueError saying why, which the roster reports with file, line and field."""
    if not TOPIC.fullmatch(address):
        raise ValueError("a push topic is 1 to 64 letters, digits, - or _")
    return address


PUSH = ContactKindSpec(
    "push", topic, example="csc-li-wei", description="a push topic the person subscribes to"
)


class PushChannel(ChannelBase):
    name = "push"
    reaches = frozenset({PUSH.name})  # each person's own topic
    settings = (SERVER_URL, TOKEN, PRIORITY)
    channel_limit = Limit(60, timedelta(minutes=1))  # the service's limit for one client

    def __init__(self, url, token=None, priority="5", timeout=10.0):
        self.url = url.rstrip("/")
        self.headers = {"Priority": priority, "Tags": "rotating_light"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.secrets = [token]
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session = None  # made on first use, inside the engine's event loop

    async def send(self, notification):
        # The engine's short text already holds the code and the drill marker: add neither.
        text = f"{notification.sms_text}\nFor {notification.recipient.display_name}"
        url = f"{self.url}/{notification.contact.address}"  # the person's topic
        try:
            async with self._client().post(
                url, data=text.encode("utf-8"), headers=self.headers
            ) as response:
                answer = await response.text()
                if response.status >= 300:
                    failure = Failure.for_http_status(response.status)
                    detail = f"push refused (HTTP {response.status}): {answer}"
                    return self._failed(failure, detail, response.status)
                message_id = (await response.json(content_type=None) or {}).get("id")
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as error:
            return self._failed(Failure.TRANSIENT, f"cannot reach the push service: {error!r}")
        return Receipt.accepted(self.name, message_id, DeliveryStatus.SENT)

    async def check(self):
        """Does the server answer, with these credentials? (ntfy's health endpoint)"""
        try:
            async with self._client().get(
                f"{self.url}/v1/health", headers=self.headers
            ) as response:
                ok = response.status < 300
                return Health(ok, "server healthy" if ok else f"HTTP {response.status}")
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            return Health(False, self._clean(f"cannot reach the push service: {error!r}"))

    def _client(self):
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    def _clean(self, detail):
        return redact(one_line(detail), self.secrets)  # no token in a receipt

    def _failed(self, failure, detail, code=None):
        return Receipt.failed(self.name, failure, self._clean(detail), error_code=code)

    async def close(self):
        if self._session is not None:
            await self._session.close()
            self._session = None


@hookimpl
def dispatcher_contact_kinds(register):
    register(PUSH)  # whatever the settings: a roster may list topics before the server is set


@hookimpl
def dispatcher_channels(register, settings):
    try:
        url, token, priority = settings.read(*PushChannel.settings)
    except MissingSetting as missing:
        register.disabled(PushChannel, str(missing))  # `dispatcher plugins` shows why
        return
    register(PushChannel(url, token, priority))
