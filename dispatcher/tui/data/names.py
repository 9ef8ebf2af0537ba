"""What the desk accepts where a dispatcher types a person or a unit: roster names only, with
the lists the prompts complete from. Errors say what was typed and what to do."""

from __future__ import annotations

from dispatcher.domain.names import find_person
from dispatcher.domain.oncall import Roster
from dispatcher.domain.request_parts import Owner
from dispatcher.domain.roster import Person
from dispatcher.errors import DispatcherError


def person_choices(roster: Roster) -> list[str]:
    """Every roster person as the desk shows them ("Li Na (李娜)"), then their ids."""
    people = sorted(roster.people.values(), key=lambda p: p.name.casefold())
    return [p.display_name for p in people] + [p.id for p in people]


def unit_ids(roster: Roster) -> list[str]:
    """Units and product lines: what a request's owner unit may be."""
    return sorted(set(roster.units) | set(roster.product_lines))


def owner_choices(roster: Roster) -> list[str]:
    """ "unit" and "unit person-id" for every unit and each of its people."""
    choices = unit_ids(roster)
    choices += sorted(f"{p.unit} {p.id}" for p in roster.people.values())
    return choices


def check_person(roster: Roster, name: str, words: dict[str, str]) -> Person:
    person = find_person(roster.people, name)
    if person is None:
        raise DispatcherError(words["unknown.person"].format(name=name))
    return person


def check_owner(roster: Roster, answer: str, words: dict[str, str]) -> Owner:
    """ "unit [person]": the unit must be the roster's; the person, if given, one of its
    people (by any form of their name)."""
    unit, _, name = answer.strip().partition(" ")
    if unit not in unit_ids(roster):
        raise DispatcherError(words["unknown.unit"].format(unit=unit))
    if not name.strip():
        return Owner(unit, "")
    person = check_person(roster, name.strip(), words)
    if person.unit != unit:
        raise DispatcherError(words["unknown.person_of_unit"].format(name=name.strip(), unit=unit))
    return Owner(unit, person.id)
