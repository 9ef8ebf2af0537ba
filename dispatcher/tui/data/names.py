"""What the desk accepts where a dispatcher types a person or a unit: roster names, resolved as
the command line resolves them (`dispatcher.domain.names.resolve_name`), with the lists the
prompts complete from. Errors say what was typed and what to do, in the desk's words."""

from __future__ import annotations

from dispatcher.domain.names import Ambiguous, Unnamed, resolve_name
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
    """The roster person `name` names, found as the command line finds one
    (`dispatcher.domain.names.resolve_name`); a name of several people is refused."""
    try:
        return roster.people[resolve_name(roster, "person", name)]
    except Ambiguous as many:
        raise DispatcherError(
            words["ambiguous.person"].format(name=name, ids=", ".join(many.ids))
        ) from None
    except Unnamed:
        raise DispatcherError(words["unknown.person"].format(name=name)) from None


def check_unit(roster: Roster, typed: str, words: dict[str, str]) -> str:
    """The id of the roster unit or product line `typed` names (by id, name or Chinese name),
    found as the command line finds `--owner-unit` and `--unit`
    (`dispatcher.domain.names.resolve_name`); anything else is refused."""
    try:
        return resolve_name(roster, "unit", typed)
    except (Ambiguous, Unnamed):
        raise DispatcherError(words["unknown.unit"].format(unit=typed)) from None


def check_owner(roster: Roster, answer: str, words: dict[str, str]) -> Owner:
    """ "unit [person]": the unit must be the roster's (by id or name, as the command line
    takes it); the person, if given, one of its people (by any form of their name)."""
    typed, _, name = answer.strip().partition(" ")
    unit = check_unit(roster, typed, words)
    if not name.strip():
        return Owner(unit, "")
    person = check_person(roster, name.strip(), words)
    if person.unit != unit:
        raise DispatcherError(words["unknown.person_of_unit"].format(name=name.strip(), unit=unit))
    return Owner(unit, person.id)
