"""Shifts as an iCalendar file, so people can see their duty in their own calendar.

A shift that crosses an edge of the window is exported whole, from its real handoff to the
next. Each event's UID is built from the rotation, the person (or people) and the real
start, so exporting again, with any window, gives the same UID and a subscribed calendar
updates the event instead of showing it twice. DTSTART and DTEND carry the rotation's zone
(TZID, with its VTIMEZONE); DTSTAMP is when the file was made; SEQUENCE counts the overrides
that shaped the shift, so an added cover raises it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from dispatcher.domain.oncall import Roster, Span
from dispatcher.domain.roster import Role
from dispatcher.domain.rotation import Override

MAX_WIDENING = 12  # at most this many widenings of the window to find a shift's real edges


@dataclass(frozen=True)
class Duty:
    """One shift as exported: who holds (unit, role) from its real start to its real end."""

    unit: str
    role: Role
    start: datetime
    end: datetime
    people: tuple[str, ...]
    rotation: str  # the rotation it comes from; "" when only an override makes it
    overrides: int  # how many overrides shaped it

    def uid(self, person: str | None) -> str:
        source = self.rotation or f"{self.unit}.{self.role.value}"
        who = person or "+".join(self.people) or "nobody"
        return f"{source}.{who}.{self.start.astimezone(UTC):%Y%m%dT%H%M%SZ}@dispatcher"


def pairs_of_person(
    roster: Roster, person: str, overrides: tuple[Override, ...]
) -> list[tuple[str, Role]]:
    """Every (unit, role) the person may hold: through a rotation or an override."""
    pairs = [
        (r.unit, r.role)
        for r in roster.rotations.values()
        if any(person in slot for slot in r.slots)
    ]
    for override in roster.overrides + overrides:
        if override.person != person:
            continue
        if override.unit and override.role:
            pairs.append((override.unit, override.role))
        else:
            pairs.extend(
                (r.unit, r.role)
                for r in roster.rotations.values()
                if any(override.covers in slot for slot in r.slots)
                and override.applies_to(r.unit, r.role)
            )
    return list(dict.fromkeys(pairs))


def whole_duties(
    roster: Roster,
    unit: str,
    role: Role,
    start: datetime,
    end: datetime,
    overrides: tuple[Override, ...] = (),
    person: str | None = None,
) -> list[Duty]:
    """The shifts of (unit, role) that overlap [start, end), each whole, from its handoff to
    the next (an override's edge inside a shift cuts it): the window widens until the first
    and the last begin and end inside it. With `person`, only that person's shifts."""
    rotations = roster.rotations_for(unit, role)
    step = timedelta(days=max((r.period_days for r in rotations), default=1))
    low, high = start - step, end + step
    every = roster.overrides + overrides
    for _ in range(MAX_WIDENING):
        spans = roster.timeline(unit, role, low, high, overrides)
        handoffs = {s.start for r in rotations for s in r.shifts(low, high)}
        duties = _join(unit, role, _split(spans, handoffs), handoffs, person, every)
        inside = [d for d in duties if d.end > start and d.start < end]
        cut_low = bool(inside) and inside[0].start <= low
        cut_high = bool(inside) and inside[-1].end >= high
        if not (cut_low or cut_high):
            break
        low, high = low - step * cut_low, high + step * cut_high
    return inside


def _split(spans: list[Span], handoffs: set[datetime]) -> list[Span]:
    """The spans cut at every handoff: the timeline joins shifts that have the same people."""
    cut: list[Span] = []
    for span in spans:
        edges = sorted({span.start, span.end} | {h for h in handoffs if span.start < h < span.end})
        cut += [Span(a, b, span.people, span.rotations) for a, b in itertools.pairwise(edges)]
    return cut


def _join(
    unit: str,
    role: Role,
    spans: list[Span],
    handoffs: set[datetime],
    person: str | None,
    overrides: tuple[Override, ...],
) -> list[Duty]:
    """Consecutive spans of one shift as one duty: of the same people, or, with `person`,
    holding that person; a handoff always starts a new duty."""
    duties: list[Duty] = []
    for span in spans:
        if person is not None and person not in span.people:
            continue
        if not span.people:
            continue
        rotation = span.rotations[0] if span.rotations else ""
        last = duties[-1] if duties else None
        if (
            last is not None
            and last.end == span.start
            and span.start not in handoffs
            and (person is not None or last.people == span.people)
        ):
            duties[-1] = Duty(
                unit, role, last.start, span.end, last.people, last.rotation or rotation, 0
            )
        else:
            duties.append(Duty(unit, role, span.start, span.end, span.people, rotation, 0))
    return [
        Duty(
            d.unit,
            d.role,
            d.start,
            d.end,
            d.people,
            d.rotation,
            sum(1 for o in overrides if o.start < d.end and o.end > d.start),
        )
        for d in duties
    ]


def shifts_calendar(
    roster: Roster,
    duties: list[Duty],
    title: str,
    generated: datetime,
    person: str | None = None,
) -> bytes:
    """One VEVENT per duty; the summary names the unit, the role and who is on call."""
    calendar = Calendar()
    calendar.add("prodid", "-//dispatcher//roster//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", title)
    for duty in duties:
        names = ", ".join(roster.people[p].display_name for p in duty.people if p in roster.people)
        unit_name = (
            roster.units[duty.unit].name
            if duty.unit in roster.units
            else roster.product_lines[duty.unit].name
        )
        zone = ZoneInfo(_zone(roster, duty))
        event = Event()
        event.add("uid", duty.uid(person))
        event.add("dtstamp", generated.astimezone(UTC))
        event.add("sequence", duty.overrides)
        event.add("dtstart", duty.start.astimezone(zone))
        event.add("dtend", duty.end.astimezone(zone))
        event.add("summary", f"On call: {duty.role.value} for {unit_name} — {names or 'NOBODY'}")
        event.add("description", "\n".join(_contact_lines(roster, duty.people)))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _zone(roster: Roster, duty: Duty) -> str:
    if duty.rotation in roster.rotations:
        return roster.rotations[duty.rotation].timezone
    return "UTC"


def _contact_lines(roster: Roster, people: tuple[str, ...]) -> list[str]:
    lines = []
    for person_id in people:
        person = roster.people.get(person_id)
        if person:
            lines.append(f"{person.display_name}: " + ", ".join(c.address for c in person.contacts))
    return lines
