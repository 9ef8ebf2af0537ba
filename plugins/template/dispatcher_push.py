"""A dispatcher channel plugin to copy: each page POSTed to an ntfy-style push topic.

Copy `plugins/template`, rename the distribution and the entry point (pyproject.toml), this
module and the channel's `name`, then make `send()` speak your provider. The contract it
follows (`dispatcher.plugins`): a channel has a `name`, the contact kinds it `reaches`, an
async `send(notification) -> Receipt` that never raises for a provider's failure, and may
declare the `settings` it reads and its rate limits; `dispatcher_channels(register, settings)`
registers it, or says why it cannot run.

The topic's subscribers (the duty group's phones) see the page, the person it is for and the
code to acknowledge with. 2xx is accepted; 429, 5xx and an unreachable service are transient
(the engine retries); any other refusal is permanent (the engine moves on at once).
"""

from datetime import timedelta

import aiohttp

from dispatcher.plugins import (
    ChannelBase,
    ContactKind,
    DeliveryStatus,
    Failure,
    Health,
    Limit,
    MissingSetting,
    Notification,
    Receipt,
    Register,
    Setting,
    Settings,
    hookimpl,
    one_line,
    redact,
)

TOPIC_URL = Setting("PUSH_TOPIC_URL", "the topic, e.g. https://ntfy.sh/csc-night-duty", secret=True)
TOKEN = Setting("PUSH_TOKEN", "an access token for the topic", secret=True, required=False)
PRIORITY = Setting("PUSH_PRIORITY", "1 (lowest) to 5 (urgent)", default="5")


class PushChannel(ChannelBase):
    name = "push"
    reaches = frozenset({ContactKind.MOBILE})  # the duty group's phones
    settings = (TOPIC_URL, TOKEN, PRIORITY)
    channel_limit = Limit(60, timedelta(minutes=1))  # the service's limit for one topic

    def __init__(
        self, url: str, token: str | None = None, priority: str = "5", timeout: float = 10.0
    ) -> None:
        self.url = url
        self.headers = {"Priority": priority, "Tags": "rotating_light"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.secrets = [url, token]
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = (
            None  # made on first use, inside the engine's event loop
        )

    async def send(self, notification: Notification) -> Receipt:
        # The engine's short text already holds the code and the drill marker: add neither.
        text = f"{notification.sms_text}\nFor {notification.recipient.display_name}"
        try:
            async with self._client().post(
                self.url, data=text.encode("utf-8"), headers=self.headers
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

    async def check(self) -> Health:
        """Can the topic be read with these credentials? (a GET of its recent messages)"""
        try:
            async with self._client().get(
                f"{self.url}/json?poll=1", headers=self.headers
            ) as response:
                ok = response.status < 300
                return Health(ok, "topic readable" if ok else f"HTTP {response.status}")
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            return Health(False, self._clean(f"cannot reach the push service: {error!r}"))

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    def _clean(self, detail: str) -> str:
        return redact(one_line(detail), self.secrets)  # no token or topic in a receipt

    def _failed(self, failure: Failure, detail: str, code: int | None = None) -> Receipt:
        return Receipt.failed(self.name, failure, self._clean(detail), error_code=code)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


@hookimpl
def dispatcher_channels(register: Register, settings: Settings) -> None:
    try:
        url, token, priority = settings.read(*PushChannel.settings)
    except MissingSetting as missing:
        register.disabled(PushChannel, str(missing))  # `dispatcher plugins` shows why
        return
    assert url is not None and priority is not None  # read(): required, and defaulted
    register(PushChannel(url, token, priority))
