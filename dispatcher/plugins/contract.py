"""The types a channel plugin and the engine share: what to send, what came of it, what came back.

A channel only talks to its provider. The engine owns retries, throttling, fallback and the
record; it reads a `Receipt` to decide what to do next, and a `PollResult` to learn about
acknowledgements (matched by `ack_code`) and delivery updates (matched by `provider_id`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from dispatcher.domain.acks import parse_reply
from dispatcher.domain.contact_kinds import ContactKindSpec
from dispatcher.domain.outbox import Limit
from dispatcher.domain.outbox import Purpose as Purpose  # re-exported for plugins
from dispatcher.domain.roster import ContactMethod, Person


class DeliveryStatus(StrEnum):
    """Where a message or call stands at the provider, in the engine's words."""

    QUEUED = "queued"  # accepted by the provider, not yet handed on
    SENT = "sent"  # handed to the carrier / mail server; a call is ringing
    DELIVERED = "delivered"  # the handset or mailbox has it
    ANSWERED = "answered"  # a call was picked up (in progress or completed)
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    FAILED = "failed"  # never reached the person

    @property
    def is_final(self) -> bool:
        return self in _FINAL_STATUSES


_FINAL_STATUSES = frozenset(
    {
        DeliveryStatus.DELIVERED,
        DeliveryStatus.ANSWERED,
        DeliveryStatus.BUSY,
        DeliveryStatus.NO_ANSWER,
        DeliveryStatus.FAILED,
    }
)


class Failure(StrEnum):
    """Whether trying the same contact method again can help."""

    PERMANENT = "permanent"  # wrong number, refused mailbox, bad credentials: move on at once
    TRANSIENT = "transient"  # provider busy or unreachable: retry with backoff

    @classmethod
    def for_http_status(cls, status: int) -> Failure:
        """Rate limits, timeouts and server errors pass; any other refusal will not
        (RFC 9110 §15: 408 Request Timeout, 425 Too Early, 429 Too Many Requests, 5xx)."""
        return cls.TRANSIENT if status in (408, 425, 429) or status >= 500 else cls.PERMANENT

    @classmethod
    def for_smtp_code(cls, code: int) -> Failure:
        """RFC 5321 §4.2.1: a 4yz reply is a transient negative completion (try later);
        a 5yz reply is permanent."""
        return cls.TRANSIENT if 400 <= code < 500 else cls.PERMANENT


class Urgency(StrEnum):
    """How urgent a notification is, for channels that can say so (priority, sound)."""

    EMERGENCY = "emergency"  # a page for an emergency (紧急事件)
    HIGH = "high"  # a page for any other request; an SLA breach
    NORMAL = "normal"  # notices and status updates
    LOW = "low"  # tests, audits, a drill's end


@dataclass(frozen=True)
class Notification:
    """One message to one contact method of one person, as the engine hands it to a channel.

    The engine composes every text (`dispatcher.engine.compose`) in the recipient's
    `language` ("en" or "zh"), each already holding the acknowledgement code (where the
    purpose takes one) and the drill marker (when `drill`): a channel delivers them as they
    are and adds neither. `sms_text` is the short form (an SMS, a chat line, the desk's
    relay); `subject` and `body` are a mail's; `spoken_text` is read out on a call.

    `purpose` is a `Purpose`, a `StrEnum` defined in `dispatcher.domain.outbox` and importable
    from here: it compares equal to its string (`notification.purpose == "page"`), and
    `.value` is that string.

    `ack_code` is what the person answers with (an SMS reply "1234" or "ACK 1234", a key
    press on a call), for a channel that reads replies itself.
    """

    id: str
    recipient: Person
    contact: ContactMethod
    sr_id: str
    purpose: Purpose
    urgency: Urgency
    ack_code: str
    drill: bool
    language: str
    sms_text: str
    subject: str
    body: str
    spoken_text: str


@dataclass(frozen=True)
class Receipt:
    """What a channel's `send()` came to. `detail` is one line, with no secret in it."""

    channel: str
    status: DeliveryStatus
    provider_id: str | None = None
    failure: Failure | None = None
    error_code: str | None = None
    detail: str = ""
    segments: int | None = None  # SMS only: how many parts the carrier bills

    @property
    def ok(self) -> bool:
        return self.failure is None

    @classmethod
    def accepted(
        cls,
        channel: str,
        provider_id: str | None,
        status: DeliveryStatus = DeliveryStatus.QUEUED,
        *,
        detail: str = "",
        segments: int | None = None,
    ) -> Receipt:
        return cls(channel, status, provider_id, detail=detail, segments=segments)

    @classmethod
    def failed(
        cls,
        channel: str,
        failure: Failure,
        detail: str,
        *,
        error_code: str | int | None = None,
        provider_id: str | None = None,
        segments: int | None = None,
    ) -> Receipt:
        code = None if error_code is None else str(error_code)
        return cls(channel, DeliveryStatus.FAILED, provider_id, failure, code, detail, segments)

    def to_dict(self) -> dict[str, str | int | bool | None]:
        return {
            "channel": self.channel,
            "status": self.status.value,
            "ok": self.ok,
            "provider_id": self.provider_id,
            "failure": self.failure.value if self.failure else None,
            "error_code": self.error_code,
            "detail": self.detail,
            "segments": self.segments,
        }


@dataclass(frozen=True)
class Reply:
    """Something a person sent back: an SMS, a key press. `ack_code` is None if it held none.

    `sender` is the address it came from, written as the contact method is (E.164 for a phone,
    the mail address, a plugin kind's address as its validator returns it): a code
    acknowledges only when `sender` is the address that was paged with it, by the rules of
    its contact kind (`dispatcher.domain.addresses`; a plugin's kind exactly, unless it
    declares `ContactKindSpec.canonical`), or when
    `provider_id` is that of the notification that carried it (a key press on the call
    itself). Anything else is recorded as a suspicious reply and acknowledges
    nothing (`dispatcher.engine.replies`).
    """

    channel: str
    ack_code: str | None
    sender: str
    text: str
    provider_id: str
    received_at: datetime | None = None


@dataclass(frozen=True)
class StatusUpdate:
    """A later state of something a channel sent, keyed by the `Receipt.provider_id`."""

    channel: str
    provider_id: str
    status: DeliveryStatus
    error_code: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class PollResult:
    """What one `poll()` found that was not reported before; each item is reported once."""

    replies: tuple[Reply, ...] = ()
    updates: tuple[StatusUpdate, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.replies or self.updates)


@dataclass(frozen=True)
class Health:
    """The answer of `check()`: can this channel reach its provider with its credentials?"""

    ok: bool
    detail: str = ""


@runtime_checkable
class Channel(Protocol):
    """A way to reach people. `ChannelBase` gives the optional methods a do-nothing default.

    `reaches` names the contact kinds whose addresses it sends to: built-in ones
    (`ContactKind.MOBILE`, "voice", "email") or kinds a plugin declares through
    `dispatcher_contact_kinds` ("ntfy"). A chain step naming this channel pages each of the
    person's contact methods of those kinds, and `Notification.contact` is one of them."""

    name: str
    reaches: frozenset[str]

    async def send(self, notification: Notification) -> Receipt:
        """Hand one notification to the provider; never raises for a provider's failure.

        Deliver the engine's ready texts as they are. The engine runs a plugin channel on a
        thread with its own event loop (`poll`, `check` and `close` too) and bounds each send
        in time; a send that raises, returns something else or runs over is recorded as a
        fault of this channel."""
        ...

    async def poll(self) -> PollResult:
        """Fetch replies and delivery updates that arrived since the last poll."""
        ...

    async def check(self) -> Health:
        """Say whether the provider accepts this channel's credentials right now."""
        ...

    async def close(self) -> None:
        """Release connections; the channel may not be used afterwards."""
        ...


@dataclass(frozen=True)
class Setting:
    """One environment variable a channel reads, as `dispatcher plugins` shows it.

    A `secret` one (a token, a password, a URL carrying a token) is shown only as set or
    unset, and a channel keeps it out of every receipt and log line. `default` is used when
    the variable is unset or blank; a `required` one without a default disables the channel.
    """

    name: str
    description: str = ""
    secret: bool = False
    default: str | None = None
    required: bool = True


class ChannelBase:
    """Defaults for the optional parts of `Channel`: nothing to poll, healthy, nothing to close.

    Optional declarations, read by `dispatcher plugins` and the engine:
    `settings` (the `Setting`s the channel reads), `channel_limit` (at most so many sends
    through the whole channel in a window: the provider's rate limit) and `address_limit`
    (at most so many to one address in a window). The engine holds a send back until its
    limits allow it; a held page waits, it is never dropped.
    """

    name: str = ""
    reaches: frozenset[str] = frozenset()
    settings: tuple[Setting, ...] = ()
    channel_limit: Limit | None = None
    address_limit: Limit | None = None

    async def send(self, notification: Notification) -> Receipt:  # pragma: no cover - abstract
        raise NotImplementedError

    async def poll(self) -> PollResult:
        return PollResult()

    async def check(self) -> Health:
        return Health(True, "no check needed")

    async def close(self) -> None:
        return None


class MissingSetting(Exception):
    """A setting a plugin needs is not configured; its message is the reason shown to users."""


SECRET_NAME = re.compile(r"TOKEN|PASSWORD|PASSWD|SECRET|_KEY|CREDENTIAL|WEBHOOK_URL", re.I)


@dataclass(frozen=True, repr=False)
class Settings:
    """Configuration read from the environment, handed to `dispatcher_channels`.

    `require` names what is missing in one line, so a plugin can pass it to
    `register.disabled(...)` and `dispatcher plugins` shows why the channel is off.
    """

    values: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # the environment holds tokens and passwords: never show values
        return f"Settings(<{len(self.values)} values, not shown>)"

    def secrets(self) -> tuple[str, ...]:
        """The values whose names say they are secret (`SECRET_NAME`: ...TOKEN, ...PASSWORD,
        ...SECRET, ...KEY, a webhook URL), for `redact`."""
        return tuple(
            value
            for name, value in self.values.items()
            if SECRET_NAME.search(name) and value.strip()
        )

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name, "")
        return value if value.strip() else default

    def read(self, *declared: Setting) -> tuple[str | None, ...]:
        """The values of `declared` settings in order, defaults applied; `MissingSetting`
        names every required one that is unset."""
        values = tuple(self.get(setting.name, setting.default) for setting in declared)
        missing = [
            s.name for s, value in zip(declared, values, strict=True) if s.required and not value
        ]
        if missing:
            raise MissingSetting(
                f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set"
            )
        return tuple(value.strip() if value else value for value in values)

    def require(self, *names: str) -> tuple[str, ...]:
        missing = [name for name in names if self.get(name) is None]
        if missing:
            raise MissingSetting(
                f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set"
            )
        return tuple(self.values[name].strip() for name in names)


def parse_ack_code(text: str) -> str | None:
    """The acknowledgement code of a reply as people type it: "123456", "ACK 123456",
    "ok:123456", "确认１２３４５６" (full-width folded by NFKC); None if it is not a code alone
    or with acknowledging words. The rule is `dispatcher.domain.acks.parse_reply`."""
    return parse_reply(text)


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every secret value replaced, for anything that may reach a log or screen."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def one_line(text: str, limit: int = 200) -> str:
    """A provider's message squeezed to one short line for a `Receipt.detail`."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class Register(Protocol):
    """What `dispatcher_channels` receives to announce its channels."""

    def __call__(self, channel: Channel) -> None:
        """Make `channel` available to the engine and the `notify` command."""
        ...

    def disabled(self, name: str | type, reason: str) -> None:
        """Announce a channel that cannot run here, and the one-line reason why. Given the
        channel's class instead of its name, `dispatcher plugins` also shows the settings
        and limits the class declares."""
        ...


class RegisterKind(Protocol):
    """What `dispatcher_contact_kinds` receives to declare its kinds."""

    def __call__(self, kind: ContactKindSpec) -> None:
        """Let rosters hold contact methods of `kind`, checked with its validator."""
        ...


class CalloutEventKind(StrEnum):
    CHAIN_STARTED = "chain_started"
    STEP_REACHED = "step_reached"
    NOTIFICATION_SENT = "notification_sent"
    NOTIFICATION_FAILED = "notification_failed"
    ACKNOWLEDGED = "acknowledged"
    EXHAUSTED = "exhausted"  # the chain ran out of steps and repeats without an acknowledgement
    DRILL_FINISHED = "drill_finished"


@dataclass(frozen=True)
class CalloutEvent:
    """Something that happened in a call-out, as observers see it (ids, not live objects)."""

    kind: CalloutEventKind
    sr_id: str
    at: datetime
    drill: bool = False
    step: int | None = None
    person_id: str | None = None
    channel: str | None = None
    notification_id: str | None = None
    detail: str = ""
