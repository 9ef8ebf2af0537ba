"""The reachability audit: who must prove they answer, and which contact methods have not
been confirmed lately.

Every acknowledgement through a contact method confirms that method (an audit reply or a real
page alike). A method not confirmed within a set number of days is one the desk cannot count on
at 3 a.m.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatcher.domain.roster import PHONE_KINDS, Person, Role

# Those the process requires reachable 24 hours: interface persons and case handlers.
AUDITED_ROLES = frozenset({Role.CASE_HANDLER, Role.OVERALL_INTERFACE, Role.PRODUCT_LINE_INTERFACE})


def audited_people(people: Iterable[Person]) -> list[Person]:
    """The people an audit asks: each interface person and case handler."""
    return [p for p in people if AUDITED_ROLES & set(p.roles)]


@dataclass(frozen=True)
class ContactStanding:
    """One contact method of one person, and when an acknowledgement last came through it."""

    person: str
    name: str
    kind: str
    address: str
    last_confirmed: datetime | None
    via: str  # the channel of that acknowledgement

    def to_dict(self) -> dict:
        return {
            "person": self.person,
            "name": self.name,
            "kind": self.kind,
            "address": self.address,
            "last_confirmed": self.last_confirmed,
            "via": self.via,
        }


def standings(
    people: Iterable[Person], confirmed: Mapping[tuple[str, str, str], datetime]
) -> list[ContactStanding]:
    """Each contact method of each person with its last confirmation (`confirmed` is keyed by
    person, channel, address)."""
    rows = []
    for person in people:
        for contact in person.contacts:
            found = [
                (at, channel)
                for (who, channel, address), at in confirmed.items()
                if who == person.id and address == contact.address
            ]
            at, via = max(found) if found else (None, "")
            rows.append(
                ContactStanding(
                    person.id, person.display_name, contact.kind, contact.address, at, via
                )
            )
    return rows


def unconfirmed(
    rows: Iterable[ContactStanding],
    days: int,
    now: datetime,
    answering: frozenset[str] = PHONE_KINDS,
) -> list[ContactStanding]:
    """The contact methods a person can acknowledge through (`answering`: phones, and the
    plugins' kinds that say so, `Roster.answering_kinds`) with no acknowledgement in the last
    `days` days (or never). A mail cannot be answered with a code, and a night call-out
    reaches people by phone."""
    since = now - timedelta(days=days)
    return [
        r
        for r in rows
        if r.kind in answering and (r.last_confirmed is None or r.last_confirmed < since)
    ]
