"""The plugin contract: the types a channel or observer plugin and the engine share.

A channel only talks to its provider. The engine owns retries, throttling, fallback and the
record; it hands a channel a `Notification`, reads the `Receipt` that `send()` returns to
decide what to do next, and a `PollResult` to learn about acknowledgements and delivery
updates. Every name a plugin uses is importable from here (and from `dispatcher.plugins`):

- defined here: `Notification`, `Channel`, `ChannelBase`, `Register`, `RegisterKind`,
  `CalloutEvent`, `CalloutEventKind`, `parse_ack_code`;
- what came of a send and what came back (`dispatcher.plugins.delivery`): `Receipt`,
  `DeliveryStatus`, `Failure`, `Reply`, `StatusUpdate`, `PollResult`, `Health`;
- configuration and secrets (`dispatcher.plugins.settings`): `Setting`, `Settings`,
  `MissingSetting`, `redact`, `one_line`;
- the domain's words (`dispatcher.domain.outbox`): `Purpose`, `Urgency`, `Limit`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from dispatcher.domain.acks import parse_reply
from dispatcher.domain.contact_kinds import ContactKindSpec
from dispatcher.domain.outbox import Limit, Purpose, Urgency
from dispatcher.domain.roster import ContactMethod, Person
from dispatcher.plugins.delivery import (
    DeliveryStatus,
    Failure,
    Health,
    PollResult,
    Receipt,
    Reply,
    StatusUpdate,
)
from dispatcher.plugins.settings import (
    SECRET_NAME,
    MissingSetting,
    Setting,
    Settings,
    one_line,
    redact,
)

__all__ = [
    "SECRET_NAME",
    "CalloutEvent",
    "CalloutEventKind",
    "Channel",
    "ChannelBase",
    "DeliveryStatus",
    "Failure",
    "Health",
    "Limit",
    "MissingSetting",
    "Notification",
    "PollResult",
    "Purpose",
    "Receipt",
    "Register",
    "RegisterKind",
    "Reply",
    "Setting",
    "Settings",
    "StatusUpdate",
    "Urgency",
    "one_line",
    "parse_ack_code",
    "redact",
]


@dataclass(frozen=True)
class Notification:
    """One message to one contact method of one person, as the engine hands it to a channel.

    The engine composes every text (`dispatcher.engine.compose`) in the recipient's
    `language` ("en" or "zh"), each already holding the acknowledgement code (where the
    purpose takes one) and the drill marker (when `drill`): a channel delivers them as they
    are and adds neither. `sms_text` is the short form (an SMS, a chat line, the desk's
    relay); `subject` and `body` are a mail's; `spoken_text` is read out on a call.

    `purpose` is a `Purpose` and `urgency` an `Urgency`, `StrEnum`s defined in
    `dispatcher.domain.outbox` and importable from here: each compares equal to its string
    (`notification.purpose == "page"`), and `.value` is that string.

    `ack_code` is what the person answers with (an SMS reply "1234" or "ACK 1234", a key
    press on a call), for a channel that reads replies itself; "" for a purpose that takes
    no code (a notice, a status update, a drill's end): offer no way to acknowledge then.
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


def parse_ack_code(text: str) -> str | None:
    """The acknowledgement code of a reply as people type it: "123456", "ACK 123456",
    "ok:123456", "确认１２３４５６" (full-width folded by NFKC); None if it is not a code alone
    or with acknowledging words. The rule is `dispatcher.domain.acks.parse_reply`."""
    return parse_reply(text)


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
