"""Finding roster people and units by the names a dispatcher types or a timeline records.

Names are compared with case and runs of spaces ignored, so "li na", "Li  Na" and "LI NA"
name the same person; a person is found by id, name, Chinese name, or both as the roster
shows them ("Li Na (李娜)").
"""

from __future__ import annotations

from collections.abc import Mapping

from dispatcher.domain.roster import Person


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def names_of(person: Person) -> tuple[str, ...]:
    """Every form of a person's name the desk accepts, the one it shows first."""
    return tuple(n for n in (person.display_name, person.name, person.name_zh, person.id) if n)


def find_person(people: Mapping[str, Person], name: str) -> Person | None:
    """The roster person `name` names, or None."""
    wanted = _key(name)
    if not wanted:
        return None
    for person in people.values():
        if wanted in {_key(n) for n in names_of(person)}:
            return person
    return None


def person_named(people: Mapping[str, Person], name: str) -> str:
    """The id of the person `name` names, or `name` itself when it names nobody."""
    person = find_person(people, name)
    return person.id if person else name
