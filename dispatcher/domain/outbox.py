"""The rules of the notification outbox, without I/O: states, retries, throttles, duplicates.

Every notification is a record before it is sent. Its state moves

    queued → sending → sent → delivered
       ↘ cancelled   ↘ failed        (permanent, or transient retries used up)

A transient failure goes back to `queued` with a later due time (exponential backoff with
jitter); a permanent one fails at once, and the engine moves to the person's next contact
method. A throttled notification stays queued with a later due time: delayed, never dropped.

Duplicates are defined by an idempotency key (`notification_key`): one trigger (a step of a
round of a run, for one person, through one contact method, for one purpose) makes at most
one notification, whichever process or replay asks for it again. A retry is the same record
sent again; a new round, a new step, a re-page or a resend by hand is a new key.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Protocol, TypeVar

from dispatcher.domain.localtime import local


class Purpose(StrEnum):
    """Why a notification is sent: a channel may treat a page and a notice differently.

    Stored as its value, and a `StrEnum`: each member compares equal to its string
    (`Purpose.PAGE == "page"`), so code written against the strings keeps working.
    """

    PAGE = "page"  # a call-out step pages the person: acknowledge to own the request
    REPAGE = "repage"  # the same, asked for again by a dispatcher
    NOTICE = "notice"  # for information: a Red Flag opened or closed, an SLA near its breach
    AUDIT = "audit"  # "are you reachable": acknowledging confirms the contact method
    TEST = "test"  # `dispatcher notify test`
    DRILL_OVER = "drill_over"  # a drill ended: nothing more to do
    STATUS_UPDATE = "status_update"  # someone else acknowledged: you need not come


class Urgency(StrEnum):
    """How urgent a notification is, for channels that can say so (priority, sound).

    Stored as its value on the outbox record, and a `StrEnum` like `Purpose`.
    """

    EMERGENCY = "emergency"  # a page for an emergency (紧急事件)
    HIGH = "high"  # a page for any other request; an SLA breach
    NORMAL = "normal"  # notices and status updates
    LOW = "low"  # tests, audits, a drill's end


# The purposes of a call-out's pages: those an acknowledgement or a stop makes pointless.
PAGES = frozenset({Purpose.PAGE, Purpose.REPAGE})


class DeliveryState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"  # never sent: its chain ended first (the detail says why)


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

# The built-in channel whose pages a dispatcher phones through by hand: sent to the desk is
# not delivered; a page is delivered when the dispatcher says they relayed it.
RELAY_CHANNEL = "desk"
ON_DESK = "on the desk, to relay"  # how a page sent to the desk and not yet relayed is shown
RELAYED = "relayed"  # its provider status once a dispatcher relayed it


def shown_state(record: NotificationLike) -> str:
    """The state a reader is shown: the record's, except a page sent to the desk and not yet
    relayed, which is `ON_DESK` (nobody has the page yet)."""
    if record.channel == RELAY_CHANNEL and record.state is DeliveryState.SENT:
        return ON_DESK
    return record.state.value


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter for transient failures: about `first`, first×factor,
    … up to `ceiling`, each stretched by a random share of up to `jitter` (so that pages
    failed together do not retry together, the provider's advice for 429s).

    A page retries until its step's wait ends (the engine's rule); any other notification
    retries `attempts` sends in all, the first included.
    """

    first: timedelta = timedelta(seconds=15)
    factor: float = 2.0
    ceiling: timedelta = timedelta(minutes=4)
    attempts: int = 5
    jitter: float = 0.2
    random: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def delay(self, attempt: int) -> timedelta:
        """How long to wait after the `attempt`-th send (1-based) failed transiently:
        `base × (1 + jitter × u)` with u uniform in [0, 1)."""
        base = min(self.ceiling, self.first * (self.factor ** (attempt - 1)))
        return base * (1 + self.jitter * self.random())

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

    def holding(self, keys: list[str], now: datetime) -> str:
        """Which limit holds a send touching `keys` back at `now`, in words."""
        for key in keys:
            limit = self.limit_for(key)
            if limit is None or self.earliest([key], now) <= now:
                continue
            per = f"{limit.per.total_seconds():g} s"
            scope, _, name = key.partition(":")
            if scope == "channel":
                return f"the {name} provider's rate ({limit.count} per {per})"
            return f"the limit of {limit.count} {scope} per {per} to {name}"
        return "no limit"

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


def notification_key(
    sr: str,
    run: str,
    round_: int,
    step: int,
    instance: str,
    person: str,
    channel: str,
    address: str,
    purpose: str,
) -> str:
    """The idempotency key of a notification: request, run, round, step (and its instance:
    a re-page, a resend by hand), person, contact method (channel and address), purpose.
    Two notifications with one key are one page; anything else is a page of its own."""
    return "|".join(
        (sr, run, str(round_), f"{step}{instance}", person, f"{channel}:{address}", purpose)
    )


class NotificationLike(Protocol):
    """What the chain log reads of a notification (the store's frozen `OutboxRecord`)."""

    @property
    def state(self) -> DeliveryState: ...
    @property
    def channel(self) -> str: ...
    @property
    def purpose(self) -> Purpose: ...
    @property
    def round(self) -> int: ...
    @property
    def step(self) -> int: ...
    @property
    def created(self) -> datetime: ...
    @property
    def due(self) -> datetime: ...
    @property
    def updated(self) -> datetime | None: ...
    @property
    def attempt(self) -> int: ...
    @property
    def detail(self) -> str: ...
    @property
    def error_code(self) -> str: ...
    @property
    def provider_status(self) -> str: ...


class StepLike(Protocol):
    """What the chain log reads of a step (the store's frozen `StepLog`)."""

    @property
    def round(self) -> int: ...
    @property
    def step(self) -> int: ...
    @property
    def at(self) -> datetime: ...


N = TypeVar("N", bound=NotificationLike)


DELAYED = "delayed until "  # how a held-back record's detail begins (`OutboxRepository.delay`)


def shown_detail(record: NotificationLike, zone: tzinfo) -> str:
    """The record's detail for a reader: a "delayed until" time, stored in UTC, is given as
    the CSC's wall clock in `zone` (the moment it is due, `record.due`)."""
    if not record.detail.startswith(DELAYED):
        return record.detail
    why = record.detail.partition(" by ")[2]
    return f"{DELAYED}{local(record.due, zone):%H:%M:%S} by {why}"


def describe(record: NotificationLike, zone: tzinfo) -> str:
    """What became of a notification, in one line for the chain log: sent or delivered
    (when), on the desk to relay (since when) or relayed by a dispatcher (when), delayed
    (until when, by what), waiting to retry (when, after what), failed (why), cancelled
    (why). Times are the CSC's wall clock in `zone`, HH:MM:SS, as the chain's step lines
    are."""
    when = f"{local(record.updated, zone):%H:%M:%S}" if record.updated else ""
    why = " ".join(x for x in (record.error_code, record.detail) if x)
    if record.state is DeliveryState.DELIVERED:
        if record.provider_status == RELAYED:  # the detail names the dispatcher
            return f"{record.detail} at {when}"
        return f"delivered {when}"
    if record.channel == RELAY_CHANNEL and record.state is DeliveryState.SENT:
        return f"{ON_DESK} since {when}"
    if record.state is DeliveryState.SENT:
        status = record.provider_status
        return f"sent {when}" + (f" ({status})" if status and status != "sent" else "")
    if record.state is DeliveryState.SENDING:
        return "being handed to the provider"
    if record.state is DeliveryState.QUEUED:
        due = f"{local(record.due, zone):%H:%M:%S}"
        if record.attempt:
            return f"retry at {due} after: {why}"
        if record.detail.startswith(DELAYED):
            return shown_detail(record, zone)
        return f"queued for {due}"
    return f"{record.state.value} {when}: {why or 'no reason given'}"


def pages_by_step(steps: Sequence[StepLike], records: Sequence[N]) -> list[list[N]]:
    """Each logged step's pages (a re-paged step is logged again: its pages go to the newest
    log of that step made before they were queued; a fallback goes with the step it stands in)."""
    found: list[list[N]] = [[] for _ in steps]
    for record in records:
        if record.purpose not in PAGES:
            continue
        logs = [
            i
            for i, s in enumerate(steps)
            if (s.round, s.step) == (record.round, record.step) and s.at <= record.created
        ]
        if logs:
            found[logs[-1]].append(record)
    return found
