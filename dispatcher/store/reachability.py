"""Which contact methods answered lately: the reachability audit's record, read for the desk.

    unconfirmed_contacts(store, roster, days=30, now=clock.now())

lists each contact method of each interface person and case handler that no acknowledgement
came through in the last `days` days (or ever), oldest confirmation first; the on-call screen
shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dispatcher.domain.oncall import Roster
from dispatcher.domain.reachability import ContactStanding, audited_people, standings, unconfirmed
from dispatcher.store import Store
from dispatcher.store.callouts import confirmations
from dispatcher.store.outbox import OutboxRepository


def contact_standings(store: Store, roster: Roster) -> list[ContactStanding]:
    """Each audited person's contact methods with the last acknowledgement through each."""
    return standings(audited_people(roster.people.values()), confirmations(store))


def unconfirmed_contacts(
    store: Store, roster: Roster, days: int, now: datetime
) -> list[ContactStanding]:
    rows = unconfirmed(contact_standings(store, roster), days, now, roster.answering_kinds)
    return sorted(
        rows,
        key=lambda r: (r.last_confirmed is not None, r.last_confirmed or now, r.person, r.address),
    )


@dataclass(frozen=True)
class AuditAnswer:
    """One "are you reachable" message of an audit, and whether an acknowledgement came
    through its contact method since it was sent."""

    person: str
    channel: str
    address: str
    state: str
    error: str
    confirmed_at: datetime | None

    def to_dict(self) -> dict:
        return {
            "person": self.person,
            "channel": self.channel,
            "address": self.address,
            "state": self.state,
            "error": self.error,
            "confirmed_at": self.confirmed_at,
        }


def audit_answers(store: Store, audit_id: str) -> list[AuditAnswer]:
    confirmed = confirmations(store)
    answers = []
    for record in OutboxRepository(store).for_sr(audit_id):
        at = confirmed.get((record.person, record.channel, record.address))
        error = (
            ": ".join(x for x in (record.error_code, record.detail) if x)
            if record.state.value == "failed"
            else ""
        )
        answers.append(
            AuditAnswer(
                record.person,
                record.channel,
                record.address,
                record.state.value,
                error,
                at if at is not None and at >= record.created else None,
            )
        )
    return answers
