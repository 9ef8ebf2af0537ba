"""Who holds each required role now and next, and every reachability gap ahead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatcher.domain.coverage import Gap, check_coverage
from dispatcher.domain.oncall import Span
from dispatcher.domain.reachability import ContactStanding
from dispatcher.domain.roster import Person, Role
from dispatcher.store.reachability import unconfirmed_contacts
from dispatcher.tui.context import DeskContext

GAP_DAYS = 7


@dataclass(frozen=True)
class Duty:
    unit: str
    role: Role
    now: Span
    next: Span | None


@dataclass(frozen=True)
class OnCallView:
    at: datetime
    duties: tuple[Duty, ...]
    gaps: tuple[Gap, ...]
    people: dict[str, Person]
    unconfirmed: tuple[ContactStanding, ...] = ()  # phones no acknowledgement came through lately


def read_on_call(desk: DeskContext) -> OnCallView:
    roster, at = desk.roster, desk.now()
    overrides = desk.overrides()
    duties = []
    for unit, role in roster.required_pairs():
        current, following = roster.now_and_next(unit, role, at, overrides)
        duties.append(Duty(unit, role, current, following))
    report = check_coverage(roster, at, at + timedelta(days=GAP_DAYS), overrides)
    unconfirmed = unconfirmed_contacts(desk.store, roster, desk.confirm_days, at)
    return OnCallView(at, tuple(duties), report.gaps, dict(roster.people), tuple(unconfirmed))
