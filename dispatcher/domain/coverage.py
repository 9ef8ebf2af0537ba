"""24×7 reachability: when a required (unit, role) cannot be reached by phone.

A gap is a stretch with no one on call, or with on-call people none of whom has a phone
number. A gap at a handoff between rotations in two time zones whose offset difference moves
with daylight saving is marked with the zone that moves, because it comes and goes with
the season. People on call without a mobile (no SMS) are listed as warnings, not gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dispatcher.domain.oncall import Roster, Span
from dispatcher.domain.roster import ContactKind, Role
from dispatcher.domain.rotation import Override

NOBODY = "no one on call"
NO_PHONE = "no one on call has a phone number"
SEASONS = tuple(timedelta(days=30 * month) for month in range(1, 12))  # samples across a year


@dataclass(frozen=True)
class Gap:
    unit: str
    role: Role
    start: datetime
    end: datetime
    reason: str
    dst_zone: str | None = None  # the zone whose daylight-saving change opens this gap

    def to_dict(self) -> dict:
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

    def to_dict(self) -> dict:
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

    def to_dict(self) -> dict:
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
        for index, span in enumerate(spans):
            reason = _unreachable_reason(roster, span)
            if reason:
                gap = Gap(unit, role, span.start, span.end, reason)
                gaps.append(_with_dst_zone(roster, gap, spans, index))
            for person_id in span.people:
                person = roster.people.get(person_id)
                if person and not person.contacts_of(ContactKind.MOBILE):
                    no_mobile.setdefault(
                        (person_id, unit, role), NoMobile(person_id, unit, role, span.start)
                    )
    return CoverageReport(start, end, pairs, tuple(_merge(gaps)), tuple(no_mobile.values()))


def _unreachable_reason(roster: Roster, span: Span) -> str | None:
    people = [roster.people[p] for p in span.people if p in roster.people]
    if not people:
        return NOBODY
    if not any(c.reaches_by_phone for person in people for c in person.contacts):
        return NO_PHONE
    return None


def _with_dst_zone(roster: Roster, gap: Gap, spans: list[Span], index: int) -> Gap:
    """Name the zone if the rotations on either side of the gap drift apart with the seasons."""
    before = spans[index - 1].rotations if index > 0 else ()
    after = spans[index + 1].rotations if index + 1 < len(spans) else ()
    for left in before:
        for right in after:
            left_zone = ZoneInfo(roster.rotations[left].timezone)
            right_zone = ZoneInfo(roster.rotations[right].timezone)
            if left_zone == right_zone:
                continue
            now = _offset_difference(left_zone, right_zone, gap.start)
            if any(
                _offset_difference(left_zone, right_zone, gap.start + s) != now for s in SEASONS
            ):
                moving = left_zone if _observes_dst(left_zone, gap.start) else right_zone
                return Gap(gap.unit, gap.role, gap.start, gap.end, gap.reason, str(moving))
    return gap


def _observes_dst(zone: ZoneInfo, at: datetime) -> bool:
    offset = at.astimezone(zone).utcoffset()
    return any((at + s).astimezone(zone).utcoffset() != offset for s in SEASONS)


def _offset_difference(a: ZoneInfo, b: ZoneInfo, at: datetime) -> timedelta:
    return at.astimezone(a).utcoffset() - at.astimezone(b).utcoffset()


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
            merged[-1] = Gap(
                last.unit,
                last.role,
                last.start,
                gap.end,
                last.reason,
                last.dst_zone or gap.dst_zone,
            )
        else:
            merged.append(gap)
    return merged
