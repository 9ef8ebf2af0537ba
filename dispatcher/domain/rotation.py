"""Rotations and overrides: who holds a role for a unit at a given instant.

A rotation repeats a pattern of handoffs (daily, weekly, or a cycle of N days) at wall-clock
times in its own time zone, so a handoff stays at 08:00 local time across daylight-saving
changes. Each handoff starts the next shift; shift k goes to `slots[k % len(slots)]`, and a
slot is one person, several people together, or nobody (an off slot).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from dispatcher.domain.roster import Person, Role


class Repeat(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    CYCLE = "cycle"


@dataclass(frozen=True)
class Handoff:
    """A handoff point inside one period: `day` days after the period starts, at `at` local."""

    day: int
    at: time


@dataclass(frozen=True)
class Shift:
    """One shift of a rotation, as UTC instants [start, end)."""

    start: datetime
    end: datetime
    people: tuple[str, ...]
    rotation: str


@dataclass(frozen=True)
class Rotation:
    id: str
    unit: str
    role: Role
    timezone: str
    repeat: Repeat
    start: date  # the anchor: shift 0 starts at the first handoff of this local date
    handoffs: tuple[Handoff, ...]  # sorted, strictly increasing within a period
    slots: tuple[tuple[str, ...], ...]
    period_days: int = 1

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _shift_start(self, period: int, index: int) -> datetime:
        """The UTC instant of handoff `index` of period `period`; a non-existent local time
        (skipped by a spring-forward change) is read with the offset before the change."""
        handoff = self.handoffs[index]
        local_day = self.start + timedelta(days=period * self.period_days + handoff.day)
        return datetime.combine(local_day, handoff.at, tzinfo=self.zone).astimezone(UTC)

    def shifts(self, start: datetime, end: datetime) -> Iterator[Shift]:
        """Every shift that overlaps [start, end), in order, including off slots."""
        zone = self.zone
        local_start = start.astimezone(zone).date()
        period = (local_start - self.start).days // self.period_days - 1
        count = len(self.handoffs)
        index = 0
        current = self._shift_start(period, index)
        while current < end:
            next_period, next_index = (period, index + 1) if index + 1 < count else (period + 1, 0)
            following = self._shift_start(next_period, next_index)
            if following > start and following > current:
                slot = self.slots[(period * count + index) % len(self.slots)]
                yield Shift(current, following, slot, self.id)
            period, index, current = next_period, next_index, max(current, following)

    def holders_at(self, at: datetime) -> tuple[str, ...]:
        for shift in self.shifts(at, at + timedelta(microseconds=1)):
            if shift.start <= at < shift.end:
                return shift.people
        return ()


@dataclass(frozen=True)
class Override:
    """`person` takes over during [start, end): from `covers` wherever they are on call (limited
    to `unit`/`role` when given), or, without `covers`, as an extra holder of `unit`/`role`."""

    id: str
    person: str
    start: datetime
    end: datetime
    covers: str | None = None
    unit: str | None = None
    role: Role | None = None
    reason: str = ""
    created_by: str = ""

    def active_at(self, at: datetime) -> bool:
        return self.start <= at < self.end

    def applies_to(self, unit: str, role: Role) -> bool:
        return (self.unit is None or self.unit == unit) and (self.role is None or self.role == role)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "person": self.person,
            "covers": self.covers,
            "unit": self.unit,
            "role": self.role.value if self.role else None,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "reason": self.reason,
            "created_by": self.created_by,
        }


def override_zone(
    people: Mapping[str, Person], person: str, covers: str | None, csc: tzinfo
) -> tzinfo:
    """The zone in which an override's window is typed without an offset and shown: the
    covered person's (their shifts are what it takes over); the person taking over's when it
    covers nobody; the CSC's `csc` when neither is in `people`. One rule for the desk's form
    and `dispatcher roster override add`."""
    for person_id in (covers, person):
        found = people.get(person_id or "")
        if found is not None:
            return ZoneInfo(found.timezone)
    return csc


def apply_overrides(
    holders: tuple[str, ...], unit: str, role: Role, at: datetime, overrides: tuple[Override, ...]
) -> tuple[str, ...]:
    """The holders once the overrides active at `at` for this unit and role are applied.

    Overrides form a stack, whatever their order and source (the file or the store): an
    override without `covers` adds its person; a holder covered by someone is replaced by the
    coverer, who may be covered in turn (A covered by B, B covered by C: C holds). When two
    overrides cover the same person at once, the innermost wins: the later start, then the
    earlier end, then the smaller id. A cycle of covers stops where it would repeat.
    """
    active = [o for o in overrides if o.active_at(at) and o.applies_to(unit, role)]
    result = list(holders) + [
        o.person for o in active if o.covers is None and o.unit is not None and o.role is not None
    ]
    ordered = sorted(active, key=lambda o: o.id, reverse=True)
    ordered.sort(key=lambda o: (o.start, -o.end.timestamp()))  # the innermost last: it wins
    cover: dict[str, Override] = {}
    for override in ordered:
        if override.covers is not None:
            cover[override.covers] = override
    return tuple(dict.fromkeys(_covered(person, cover) for person in result))


def _covered(person: str, cover: dict[str, Override]) -> str:
    seen = {person}
    while person in cover and cover[person].person not in seen:
        person = cover[person].person
        seen.add(person)
    return person
