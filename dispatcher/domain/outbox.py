"""The rules of the notification outbox, without I/O: states, retries, throttles, duplicates.

Every notification is a record before it is sent. Its state moves

    queued → sending → sent → delivered
       ↘ cancelled   ↘ failed        (permanent, or transient retries used up)

A transient failure goes back to `queued` with a later due time (exponential backoff); a
permanent one fails at once, and the engine moves to the person's next contact method.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class DeliveryState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"  # never sent: its chain ended first, or the same page just went


# Which state may follow which; anything else is a bug in the caller.
NEXT_STATES: dict[DeliveryState, frozenset[DeliveryState]] = {
    DeliveryState.QUEUED: frozenset(
        {DeliveryState.SENDING, DeliveryState.FAILED, DeliveryState.CANCELLED}
    ),
    DeliveryState.SENDING: frozenset(
        {DeliveryState.SENT, DeliveryState.DELIVERED, DeliveryState.QUEUED, DeliveryState.FAILED}
    ),
    DeliveryState.SENT: frozenset({DeliveryState.DELIVERED, DeliveryState.FAILED}),
    DeliveryState.DELIVERED: frozenset(),
    DeliveryState.FAILED: frozenset(),
    DeliveryState.CANCELLED: frozenset(),
}

PENDING = frozenset({DeliveryState.QUEUED, DeliveryState.SENDING})


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff for transient failures: first, first×factor, … up to `ceiling`."""

    first: timedelta = timedelta(seconds=15)
    factor: float = 2.0
    ceiling: timedelta = timedelta(minutes=4)
    attempts: int = 5  # sends in all, the first included

    def delay(self, attempt: int) -> timedelta:
        """How long to wait after the `attempt`-th send (1-based) failed transiently."""
        return min(self.ceiling, self.first * (self.factor ** (attempt - 1)))

    def gives_up_after(self, attempt: int) -> bool:
        return attempt >= self.attempts


@dataclass(frozen=True)
class Limit:
    """At most `count` sends in any window of `per`."""

    count: int
    per: timedelta


class Throttle:
    """Sliding-window limits per key (a channel, or a contact address on a channel).

    `earliest(keys, now)` says when a send touching all those keys may go; `record` notes a
    send. Keeps only the timestamps inside each key's window.
    """

    def __init__(self, limits: dict[str, Limit]) -> None:
        self._limits = limits
        self._sent: dict[str, deque[datetime]] = {}

    def limit_for(self, key: str) -> Limit | None:
        kind = key.split(":", 1)[0]
        return self._limits.get(key) or self._limits.get(kind)

    def earliest(self, keys: list[str], now: datetime) -> datetime:
        soonest = now
        for key in keys:
            limit = self.limit_for(key)
            if limit is None:
                continue
            window = self._window(key, limit, now)
            if len(window) >= limit.count:
                soonest = max(soonest, window[-limit.count] + limit.per)
        return soonest

    def record(self, keys: list[str], at: datetime) -> None:
        for key in keys:
            if self.limit_for(key) is not None:
                self._sent.setdefault(key, deque()).append(at)

    def _window(self, key: str, limit: Limit, now: datetime) -> deque[datetime]:
        window = self._sent.setdefault(key, deque())
        while window and window[0] <= now - limit.per:
            window.popleft()
        return window


def throttle_keys(channel: str, address: str) -> list[str]:
    """The keys one send counts against: its channel, and its address on that channel."""
    return [f"channel:{channel}", f"{channel}:{address}"]


DEFAULT_LIMITS = {
    # A Twilio long code sends about one SMS a second.
    "channel:sms": Limit(1, timedelta(seconds=1)),
    # One person gets at most three calls a quarter hour; a page per SMS or mail per minute.
    "voice": Limit(3, timedelta(minutes=15)),
    "sms": Limit(6, timedelta(minutes=15)),
    "email": Limit(10, timedelta(minutes=15)),
}


@dataclass(frozen=True)
class PageKey:
    """What makes two notifications the same page: same SR, same text, same address."""

    sr: str
    channel: str
    address: str
    purpose: str  # e.g. "page", "drill", "sla:response:near", "audit"


DUPLICATE_WINDOW = timedelta(minutes=5)


def is_duplicate(
    key: PageKey,
    sent_at: dict[PageKey, datetime],
    now: datetime,
    window: timedelta = DUPLICATE_WINDOW,
) -> bool:
    """The same page already went to the same address within the window."""
    last = sent_at.get(key)
    return last is not None and now - last < window
