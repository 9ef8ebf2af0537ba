"""What every call-out command reads: the store's repositories, the roster and its chains,
the routing of a request, the CSC's zone, run-time overrides, and which contact methods each
channel reaches. `CalloutControl` (`dispatcher.engine.control`) adds the commands; the engine's
pass, the watch and the audits read through the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from dispatcher.domain.callout import MANUAL_CHANNEL, relay_contacts
from dispatcher.domain.chains import ChainSpec
from dispatcher.domain.oncall import Roster
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.roster import BUILT_IN_KINDS, ContactKind, ContactMethod, Person
from dispatcher.domain.rotation import Override
from dispatcher.domain.routing import Routing, route
from dispatcher.engine.codes import CodeBook
from dispatcher.errors import DispatcherError
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.outbox import OutboxRepository
from dispatcher.store.requests import RequestRepository
from dispatcher.store.zone import csc_zone

# What each built-in channel reaches, for commands that run without loading plugins.
DEFAULT_REACHES: dict[str, frozenset[str]] = {
    "voice": frozenset({ContactKind.MOBILE, ContactKind.VOICE}),
    "sms": frozenset({ContactKind.MOBILE}),
    "email": frozenset({ContactKind.EMAIL}),
    MANUAL_CHANNEL: BUILT_IN_KINDS,  # the desk's own relay reaches every kind
}


def default_reaches(roster: Roster | None) -> dict[str, frozenset[str]]:
    """`DEFAULT_REACHES`, the desk's relay reaching every kind `roster` uses (a plugin's kind
    included), as an engine's desk channel reaches every installed kind."""
    used = {c.kind for p in roster.people.values() for c in p.contacts} if roster else set()
    return {**DEFAULT_REACHES, MANUAL_CHANNEL: DEFAULT_REACHES[MANUAL_CHANNEL] | used}


class ControlContext:
    """A store and a roster (None for commands that need none: acknowledging, stopping), and
    `reaches`: per channel, the contact kinds it reaches (`default_reaches` unless given)."""

    def __init__(
        self,
        store: Store,
        roster: Roster | None,
        overrides: tuple[Override, ...] | None = None,
        reaches: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self.store = store
        self._roster = roster
        self._overrides = overrides
        self.reaches = dict(reaches) if reaches is not None else default_reaches(roster)
        self.requests = RequestRepository(store)
        self.callouts = CalloutRepository(store)
        self.outbox = OutboxRepository(store)
        self.codes = CodeBook(self.outbox)

    @property
    def roster(self) -> Roster:
        """The roster, for what pages, routes or names people; `DispatcherError` when the
        command was given none (acknowledging and stopping need none)."""
        if self._roster is None:
            raise DispatcherError("this needs a roster (--roster)")
        return self._roster

    @property
    def has_roster(self) -> bool:
        return self._roster is not None

    @property
    def roster_zone(self) -> ZoneInfo | None:
        """The roster's CSC zone, None without a roster (the store's recorded one then holds:
        `dispatcher.store.zone`)."""
        return self._roster.zone if self._roster is not None else None

    def zone(self) -> ZoneInfo:
        """The CSC's zone of this control's local times: the roster's, else the store's."""
        return csc_zone(self.store, self.roster_zone)

    def overrides(self) -> tuple[Override, ...]:
        """Run-time overrides from the store (the roster's own are part of the roster)."""
        if self._overrides is not None:
            return self._overrides
        return OverrideRepository(self.store).all()

    def chain(self, chain_id: str) -> ChainSpec:
        if not self.has_roster:
            raise DispatcherError(f"running chain '{chain_id}' needs a roster (--roster)")
        try:
            return self.roster.chains[chain_id]
        except KeyError:
            raise DispatcherError(f"{self.roster.source} has no chain '{chain_id}'") from None

    def routing(self, sr: ServiceRequest) -> Routing:
        if not self.has_roster:
            raise DispatcherError(f"routing {sr.id} needs a roster (--roster)")
        return route(
            self.roster, sr.category, sr.level, sr.site, sr.product, sr.is_emergency, sr.severity
        )

    def contact_for(self, person: Person, channel: str) -> ContactMethod:
        """The first of `person`'s contact methods that `channel` reaches (for the desk's relay
        a phone number first, `callout.relay_contacts`, as the engine picks it);
        `DispatcherError` naming the channels known, or saying none of the person's methods
        is reached."""
        reaches = self.reaches.get(channel)
        if reaches is None:
            raise DispatcherError(
                f"no channel '{channel}' (known: {', '.join(sorted(self.reaches))})"
            )
        contacts = relay_contacts(person) if channel == MANUAL_CHANNEL else person.contacts
        for contact in contacts:
            if contact.kind in reaches:
                return contact
        raise DispatcherError(f"{person.display_name} has no contact method that {channel} reaches")
