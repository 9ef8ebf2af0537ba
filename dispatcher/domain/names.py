"""Finding roster people and units by the names a dispatcher types or a timeline records.

Names are compared with case and runs of spaces ignored, so "li na", "Li  Na" and "LI NA"
name the same person; a person is found by id, name, Chinese name, or both as the roster
shows them ("Li Na (李娜)").
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from dispatcher.domain.oncall import Roster
from dispatcher.domain.roster import Person, ProductLine, Unit


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def names_of(person: Person) -> tuple[str, ...]:
    """Every form of a person's name the desk accepts, the one it shows first."""
    return tuple(n for n in (person.display_name, person.name, person.name_zh, person.id) if n)


def person_named(people: Mapping[str, Person], name: str) -> str:
    """The id of the person `name` names, or `name` itself when it names nobody, or several."""
    try:
        found = find_named([(p.id, names_of(p)) for p in people.values()], name)
    except Ambiguous:
        return name
    return found or name


# -- every kind of name a command line or a prompt takes -----------------------------------


class Ambiguous(ValueError):
    """A name that names more than one roster entry; `ids` are the ones it names."""

    def __init__(self, name: str, ids: list[str]) -> None:
        super().__init__(name)
        self.ids = ids


class Unnamed(LookupError):
    """A name that names no roster entry of its kind: `near` are the closest names as spelt
    (`nearest_names`), `known` the first few ids of the kind, for a hint when none is near."""

    def __init__(self, name: str, near: list[str], known: list[str]) -> None:
        super().__init__(name)
        self.near = near
        self.known = known


def resolve_name(roster: Roster, what: str, name: str) -> str:
    """The id `name` names among the roster's `what` (one of `NAMED`, see `name_table`): what
    the command line and the desk accept alike. Raises `Ambiguous` when it names several,
    `Unnamed` when it names none (a blank name included)."""
    table = name_table(roster, what)
    found = find_named(table, name)
    if found is None:
        raise Unnamed(name, nearest_names(table, name), sorted(i for i, _ in table)[:6])
    return found


def name_table(roster: Roster, what: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each entry of one kind as (the id the roster and the store use, every name that names
    it, the one shown first). `what` is one of `NAMED`:

    - `person`: by id, name, Chinese name, or "Name (中文名)";
    - `unit`: units and product lines (one namespace), by id, name or Chinese name;
    - `branch`: branches and overseas sites, by id, name, Chinese name or a site they cover;
    - `site`: the sites branches and overseas sites cover, as the roster spells them;
    - `product`: products, by id or name.
    """
    if what == "person":
        return [(p.id, names_of(p)) for p in roster.people.values()]
    if what == "unit":
        named: list[Unit | ProductLine] = [*roster.units.values(), *roster.product_lines.values()]
        return [(u.id, _names(u.id, u.name, u.name_zh)) for u in named]
    branches = [u for u in roster.units.values() if u.kind.value in ("branch", "overseas_site")]
    if what == "branch":
        return [(u.id, _names(u.id, u.name, u.name_zh, *u.sites)) for u in branches]
    if what == "site":
        return [(site, (site,)) for u in branches for site in u.sites]
    if what == "product":
        return [(p.id, _names(p.id, p.name)) for p in roster.products.values()]
    raise ValueError(f"no table of {what!r} names (one of {', '.join(NAMED)})")


NAMED = ("person", "unit", "branch", "site", "product")


def _names(*names: str) -> tuple[str, ...]:
    return tuple(n for n in names if n)


def find_named(table: list[tuple[str, tuple[str, ...]]], name: str) -> str | None:
    """The id `name` names in `table` (case and runs of spaces ignored), or None. Raises
    `Ambiguous` when it names several (two people of one name: give the id)."""
    wanted = _key(name)
    if not wanted:
        return None
    found = list(dict.fromkeys(i for i, names in table if wanted in {_key(n) for n in names}))
    if len(found) > 1:
        exact = [i for i in found if _key(i) == wanted]
        if len(exact) == 1:
            return exact[0]
        raise Ambiguous(name, found)
    return found[0] if found else None


def nearest_names(table: list[tuple[str, tuple[str, ...]]], name: str, count: int = 3) -> list[str]:
    """The names in `table` closest to `name` as spelt (difflib's ratio, at most `count`),
    each as "id" or "first name (id)"."""
    by_key = {_key(n): (i, names[0]) for i, names in table for n in names}
    close = difflib.get_close_matches(_key(name), list(by_key), n=count * 3, cutoff=0.5)
    shown = [
        by_key[k][1] if by_key[k][1] == by_key[k][0] else f"{by_key[k][1]} ({by_key[k][0]})"
        for k in close
    ]
    return list(dict.fromkeys(shown))[:count]
