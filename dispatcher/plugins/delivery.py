"""What came of a send, and what came back: a channel's answers to the engine.

A `Receipt` is what `send()` came to; the engine reads it to decide what to do next (a
`Failure` says whether trying again can help). A `PollResult` holds the replies (matched by
their acknowledgement code and sender) and delivery updates (matched by `provider_id`) that a
`poll()` found. Import them from `dispatcher.plugins` or `dispatcher.plugins.contract`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


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
    acknowledges only when `sender` is the address that was paged with it, or when
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
