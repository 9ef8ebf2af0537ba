"""24×7 reachability: when a required (unit, role) cannot be reached by phone.

A gap is a stretch with no one on call, or with on-call people none of whom has a phone
number. A gap at a handoff between rotations in two time zones whose offset difference moves
with daylight saving is marked with the zone that moves, because it comes and goes with
the season. People on call without a mobile (no SMS) are listed as warnings, not gaps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dispatcher.domain.oncall import INSTANT, Roster, Span
from dispatcher.domain.recurrence import runs
from dispatcher.domain.roster import ContactKind, Role
from dispatcher.domain.rotation import Override, Rotation

NOBODY = "no one on call"
NO_PHONE = "no one on call has a phone number"
SEASONS = tuple(timedelta(days=30 * month) for month in range(-11, 12) if month)  # a year around


@dataclass(frozen=True)
class Gap:
    unit: str
    role: Role
    start: datetime
    end: datetime
    reason: str
    dst_zone: str | None = None  # the zones whose daylight-saving change opens it (", ")

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "role": self.role.value,
            "from": self.start,
            "to": self.end,
            "reason": self.reason,
            "dst_zone": self.dst_zone,
        }


@dataclass(frozen=True)
class NoMobile:
    person: str
    unit: str
    role: Role
    first_on_call: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "unit": self.unit,
            "role": self.role.value,
            "first_on_call": self.first_on_call,
        }


@dataclass(frozen=True)
class CoverageReport:
    start: datetime
    end: datetime
    pairs: tuple[tuple[str, Role], ...]
    gaps: tuple[Gap, ...]
    no_mobile: tuple[NoMobile, ...]

    @property
    def reachable(self) -> bool:
        return not self.gaps

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.start,
            "to": self.end,
            "reachable": self.reachable,
            "required": [{"unit": u, "role": r.value} for u, r in self.pairs],
            "gaps": [g.to_dict() for g in self.gaps],
            "no_mobile": [n.to_dict() for n in self.no_mobile],
        }


def check_coverage(
    roster: Roster, start: datetime, end: datetime, overrides: tuple[Override, ...] = ()
) -> CoverageReport:
    """Gaps in [start, end) for every required pair, and on-call people without a mobile."""
    pairs = tuple(roster.required_pairs())
    gaps: list[Gap] = []
    no_mobile: dict[tuple[str, str, Role], NoMobile] = {}
    for unit, role in pairs:
        spans = roster.timeline(unit, role, start, end, overrides)
        for span in spans:
            reason = _unreachable_reason(roster, span)
            if reason:
                gaps.append(Gap(unit, role, span.start, span.end, reason))
            for person_id in span.people:
                person = roster.people.get(person_id)
                if person and not person.contacts_of(ContactKind.MOBILE):
                    no_mobile.setdefault(
                        (person_id, unit, role), NoMobile(person_id, unit, role, span.start)
                    )
    gaps = [_with_dst_zone(roster, gap, gap.unit, gap.role) for gap in _merge(gaps)]
    return CoverageReport(start, end, pairs, tuple(gaps), tuple(no_mobile.values()))


def _unreachable_reason(roster: Roster, span: Span) -> str | None:
    people = [roster.people[p] for p in span.people if p in roster.people]
    if not people:
        return NOBODY
    if not any(c.reaches_by_phone for person in people for c in person.contacts):
        return NO_PHONE
    return None


def _with_dst_zone(roster: Roster, gap: Gap, unit: str, role: Role) -> Gap:
    """Name the zones whose daylight-saving change opens the gap: the shift that ends at the
    gap and the one that starts after it (looked up beyond the horizon when need be) belong to
    rotations in zones whose offset difference moves with the seasons."""
    before = {
        r.timezone
        for r in roster.rotations_for(unit, role)
        for s in r.shifts(gap.start - INSTANT, gap.start)
        if s.end == gap.start and s.people
    }
    after = {
        r.timezone
        for r in roster.rotations_for(unit, role)
        for s in r.shifts(gap.end, gap.end + INSTANT)
        if s.start == gap.end and s.people
    }
    zones = sorted({z for a in before for b in after for z in seasonal_zones(a, b, gap.start)})
    return replace(gap, dst_zone=", ".join(zones) or None)


def seasonal_zones(first: str, second: str, at: datetime) -> tuple[str, ...]:
    """The zones, of two, whose daylight-saving change makes their offset difference at `at`
    differ from another time of the year; () when the difference never moves."""
    a, b = ZoneInfo(first), ZoneInfo(second)
    if a == b:
        return ()
    now = _offset_difference(a, b, at)
    if all(_offset_difference(a, b, at + s) == now for s in SEASONS):
        return ()
    return tuple(z for z in (first, second) if _observes_dst(ZoneInfo(z), at))


def _observes_dst(zone: ZoneInfo, at: datetime) -> bool:
    offset = at.astimezone(zone).utcoffset()
    return any((at + s).astimezone(zone).utcoffset() != offset for s in SEASONS)


def _offset_difference(a: ZoneInfo, b: ZoneInfo, at: datetime) -> timedelta:
    return _utc_offset(at, a) - _utc_offset(at, b)


def _utc_offset(at: datetime, zone: ZoneInfo) -> timedelta:
    offset = at.astimezone(zone).utcoffset()
    assert offset is not None  # astimezone() always gives an aware time
    return offset


def _merge(gaps: list[Gap]) -> list[Gap]:
    merged: list[Gap] = []
    for gap in gaps:
        last = merged[-1] if merged else None
        if last and (last.unit, last.role, last.reason, last.end) == (
            gap.unit,
            gap.role,
            gap.reason,
            gap.start,
        ):
            merged[-1] = replace(last, end=gap.end)
        else:
            merged.append(gap)
    return merged


@dataclass(frozen=True)
class Overlap:
    """Two rotations for the same unit and role with someone on call at once."""

    unit: str
    role: Role
    first: Rotation
    second: Rotation
    intervals: tuple[tuple[datetime, datetime], ...]

    def describe(self, start: datetime, end: datetime) -> list[str]:
        """One line per recurrence, a daylight-saving one naming the zones that cause it."""
        lines = []
        for run in runs(list(self.intervals), self.first.timezone, start, end):
            zones = seasonal_zones(self.first.timezone, self.second.timezone, run.intervals[0][0])
            dst = f" (daylight-saving change in {', '.join(zones)})" if zones else ""
            lines.append(f"{run.describe()}{dst}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "role": self.role.value,
            "rotations": [self.first.id, self.second.id],
            "intervals": [{"from": a, "to": b} for a, b in self.intervals],
        }


def rotation_overlaps(
    rotations: Iterable[Rotation], start: datetime, end: datetime
) -> list[Overlap]:
    """Every stretch of [start, end) in which two rotations for the same unit and role both
    have someone on call; a check over a whole year sees both daylight-saving seasons, so the
    verdict does not depend on the rotations' anchor dates."""
    groups: dict[tuple[str, Role], list[Rotation]] = defaultdict(list)
    for rotation in rotations:
        groups[(rotation.unit, rotation.role)].append(rotation)
    found: list[Overlap] = []
    for (unit, role), group in groups.items():
        if len(group) < 2:
            continue
        busy = {r.id: [(s.start, s.end) for s in r.shifts(start, end) if s.people] for r in group}
        for later_index, later in enumerate(group):
            for earlier in group[:later_index]:
                clashes = _clashes(busy[earlier.id], busy[later.id], start, end)
                if clashes:
                    found.append(Overlap(unit, role, earlier, later, tuple(clashes)))
    return found


def _clashes(
    a: list[tuple[datetime, datetime]],
    b: list[tuple[datetime, datetime]],
    start: datetime,
    end: datetime,
) -> list[tuple[datetime, datetime]]:
    found: list[tuple[datetime, datetime]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        left, right = max(a[i][0], b[j][0], start), min(a[i][1], b[j][1], end)
        if left < right:
            if found and found[-1][1] == left:
                found[-1] = (found[-1][0], right)
            else:
                found.append((left, right))
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return found
