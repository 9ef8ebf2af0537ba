"""Shifts as an iCalendar file, so people can see their duty in their own calendar."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event

from dispatcher.domain.oncall import Roster, Span
from dispatcher.domain.roster import Role
from dispatcher.domain.rotation import Override


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


def shifts_calendar(
    roster: Roster,
    duties: list[tuple[str, Role, Span]],
    title: str,
    generated: datetime,
) -> bytes:
    """One VEVENT per span; the summary names the unit, the role and who is on call."""
    calendar = Calendar()
    calendar.add("prodid", "-//dispatcher//roster//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", title)
    for unit, role, span in duties:
        names = ", ".join(roster.people[p].display_name for p in span.people if p in roster.people)
        unit_name = (
            roster.units[unit].name if unit in roster.units else roster.product_lines[unit].name
        )
        event = Event()
        event.add("uid", f"{unit}.{role.value}.{span.start:%Y%m%dT%H%M%SZ}@dispatcher")
        event.add("dtstamp", generated.astimezone(UTC))
        event.add("dtstart", span.start.astimezone(UTC))
        event.add("dtend", span.end.astimezone(UTC))
        event.add("summary", f"On call: {role.value} for {unit_name} — {names or 'NOBODY'}")
        event.add("description", "\n".join(_contact_lines(roster, span)))
        calendar.add_component(event)
    return calendar.to_ical()


def _contact_lines(roster: Roster, span: Span) -> list[str]:
    lines = []
    for person_id in span.people:
        person = roster.people.get(person_id)
        if person:
            lines.append(f"{person.display_name}: " + ", ".join(c.address for c in person.contacts))
    return lines
