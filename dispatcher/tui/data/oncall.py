"""Who holds each role now and next (every rotation's, and every required one, as `dispatcher
roster oncall` lists them), with their phones; the overrides in force or to come; every
reachability gap ahead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatcher.domain.coverage import Gap, check_coverage
from dispatcher.domain.oncall import Span
from dispatcher.domain.reachability import ContactStanding
from dispatcher.domain.roster import Person, Role
from dispatcher.domain.rotation import Override
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
    overrides: tuple[Override, ...] = ()  # run-time overrides not yet ended, soonest first

    def phone(self, person_id: str) -> str:
        """The first number that reaches the person by phone, or "" when none does."""
        person = self.people.get(person_id)
        phones = [c.address for c in person.contacts if c.reaches_by_phone] if person else []
        return phones[0] if phones else ""


def read_on_call(desk: DeskContext) -> OnCallView:
    roster, at = desk.roster, desk.now()
    overrides = desk.overrides()
    duties = []
    pairs = dict.fromkeys((r.unit, r.role) for r in roster.rotations.values())
    pairs.update(dict.fromkeys(roster.required_pairs()))
    for unit, role in pairs:
        current, following = roster.now_and_next(unit, role, at, overrides)
        duties.append(Duty(unit, role, current, following))
    report = check_coverage(roster, at, at + timedelta(days=GAP_DAYS), overrides)
    unconfirmed = unconfirmed_contacts(desk.store, roster, desk.confirm_days, at)
    ahead = tuple(o for o in overrides if o.end > at)
    return OnCallView(
        at, tuple(duties), report.gaps, dict(roster.people), tuple(unconfirmed), ahead
    )
