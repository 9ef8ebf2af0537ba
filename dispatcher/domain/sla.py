"""SLA clocks: response, restore and resolve targets, measured from when an SR was received.

A product line's BD sets the targets per severity. Each clock stops at its own event
(acknowledged; restored, or resolved when there was no separate restore; resolved), is near
breach once `NEAR_BREACH` of its time is used, and breached once its deadline passes unmet.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple, Protocol

from dispatcher.domain.lifecycle import Status
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.timeline import Event, EventKind

NEAR_BREACH = 0.8


class SlaKind(StrEnum):
    RESPONSE = "response"
    RESTORE = "restore"
    RESOLVE = "resolve"


_KINDS = tuple(SlaKind)  # iterating the enumeration itself costs more, 10,000 times a read


class SlaState(StrEnum):
    RUNNING = "running"
    NEAR_BREACH = "near_breach"
    BREACHED = "breached"
    MET = "met"
    MISSED = "missed"  # stopped, but after its deadline


class SlaTargets(Protocol):
    """What the clocks measure against (the roster's `SlaTarget`); read-only, as it is frozen."""

    @property
    def response(self) -> timedelta: ...
    @property
    def restore(self) -> timedelta: ...
    @property
    def resolve(self) -> timedelta: ...


class SlaClock(NamedTuple):
    """One clock of an SR at a moment. A named tuple rather than a frozen dataclass: a board
    read builds 30,000 of them, and a frozen dataclass costs five times as much to build."""

    kind: SlaKind
    started: datetime
    deadline: datetime
    stopped: datetime | None
    state: SlaState
    near_at: datetime  # once NEAR_BREACH of its time is used: worked out once, read often

    def remaining(self, now: datetime) -> timedelta:
        return self.deadline - now


# Which events stop each clock, and in which states the SR must still be for the stop to count
# (a reopened SR has not been resolved, whatever its timeline says).
_STOPS = {
    SlaKind.RESPONSE: ({EventKind.ACKNOWLEDGED}, None),
    SlaKind.RESTORE: (
        {EventKind.RESTORED, EventKind.RESOLVED},
        {Status.RESTORED, Status.RESOLVED, Status.CALLBACK, Status.CLOSED},
    ),
    SlaKind.RESOLVE: ({EventKind.RESOLVED}, {Status.RESOLVED, Status.CALLBACK, Status.CLOSED}),
}


def stopped_at(kind: SlaKind, sr: ServiceRequest, timeline: Iterable[Event]) -> datetime | None:
    """When a clock of the SR stopped (None while it runs): also what the reports measure."""
    kinds, states = _STOPS[kind]
    if states is not None and sr.status not in states:
        return None
    stops = [e for e in timeline if e.kind in kinds]
    if not stops:
        return None
    if states is None:
        return stops[0].at
    # Service restored before the resolution stops the restore clock then, not at resolution.
    restored = [e.at for e in stops if e.kind == EventKind.RESTORED]
    return max(restored) if kind is SlaKind.RESTORE and restored else max(e.at for e in stops)


def sla_clocks(
    sr: ServiceRequest, timeline: list[Event], targets: SlaTargets, now: datetime
) -> list[SlaClock]:
    """The three clocks of an SR at `now`."""
    clocks = []
    started = sr.received
    for kind in _KINDS:
        allowed = getattr(targets, kind.value)
        deadline = started + allowed
        near_at = started + allowed * NEAR_BREACH
        stopped = stopped_at(kind, sr, timeline) if timeline else None
        if stopped is not None:
            state = SlaState.MET if stopped <= deadline else SlaState.MISSED
        elif now >= deadline:
            state = SlaState.BREACHED
        elif now >= near_at:
            state = SlaState.NEAR_BREACH
        else:
            state = SlaState.RUNNING
        clocks.append(SlaClock(kind, started, deadline, stopped, state, near_at))
    return clocks


def next_deadline(clocks: list[SlaClock]) -> SlaClock | None:
    """The running clock that ends first: what the board counts down to."""
    running = [c for c in clocks if c.stopped is None]
    return min(running, key=lambda c: c.deadline) if running else None


def next_wakeup(clocks: list[SlaClock], now: datetime) -> datetime | None:
    """When the engine must look at this SR again: the next near-breach or breach moment."""
    moments = [t for c in clocks if c.stopped is None for t in (c.near_at, c.deadline) if t > now]
    return min(moments) if moments else None
