"""The board's rows: every open SR with its next SLA deadline, read in a worker thread.

Reading 10,000 SRs costs what changed only: the store's live partition has a version that moves
on every commit (ours or another process's), and each SR's event count moves with each of its
changes, so an unchanged SR keeps the row built for it before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property

from dispatcher.domain.callout import RunState
from dispatcher.domain.oncall import Roster
from dispatcher.domain.requests import Event, ServiceRequest, Status
from dispatcher.domain.sla import SlaClock, next_deadline, sla_clocks
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRecord, CalloutRepository
from dispatcher.store.requests import EVENTS, REQUESTS, event_doc_id

# An SR still new or dispatched has no event that stops a clock yet, so its timeline is not read.
_NO_STOP_YET = (Status.NEW, Status.DISPATCHED)


@dataclass(frozen=True)
class BoardRow:
    sr: ServiceRequest
    clocks: tuple[SlaClock, ...]  # empty when the roster gives the product no SLA
    callout: CalloutRecord | None = None

    @property
    def exhausted_unseen(self) -> bool:
        """A chain that ran out flashes until a dispatcher has looked at it."""
        return (
            self.callout is not None
            and self.callout.state is RunState.EXHAUSTED
            and not self.callout.seen
        )

    @property
    def unowned(self) -> bool:
        """Nobody has acknowledged yet: new or dispatched, or its chain still calling."""
        return self.sr.status in _NO_STOP_YET or (self.callout is not None and self.callout.running)

    @property
    def pinned(self) -> bool:
        """Emergencies and open Red Flags stay on top; a drill's made-up emergency does not."""
        if self.sr.drill:
            return False
        return self.sr.is_emergency or bool(self.sr.red_flag and self.sr.red_flag.is_open)

    @property
    def deadline(self) -> SlaClock | None:
        return next_deadline(list(self.clocks))

    def breached(self, now: datetime) -> bool:
        return any(c.stopped is None and c.deadline <= now for c in self.clocks)

    def near(self, now: datetime) -> bool:
        return any(c.stopped is None and c.near_at <= now < c.deadline for c in self.clocks)

    @cached_property
    def search_text(self) -> str:
        sr = self.sr
        return " ".join(
            (
                sr.id,
                sr.customer.name,
                sr.site,
                sr.summary,
                sr.product,
                sr.owner.unit,
                sr.owner.person,
            )
        ).casefold()


def board_order(rows: list[BoardRow]) -> list[BoardRow]:
    """Emergencies and Red Flags first, then by time received."""
    return sorted(rows, key=lambda r: (not r.pinned, r.sr.received, r.sr.id))


class BoardReader:
    """Builds board rows; keeps the rows of unchanged SRs between reads."""

    def __init__(self, store: Store, roster: Roster) -> None:
        self.store = store
        self.roster = roster
        self._rows: dict[str, tuple[int, BoardRow]] = {}
        self._version = -1

    def read(self, now: datetime, force: bool = False) -> list[BoardRow] | None:
        """Every open SR's row in board order, or None when nothing changed since last time."""
        live = self.store.live
        self.store.refresh(live)
        version = live.partition.version
        if version == self._version and not force:
            return None
        self._version = version
        fresh: dict[str, tuple[int, BoardRow]] = {}
        callouts = {record.sr: record for record in CalloutRepository(self.store).all()}
        events = live.table(EVENTS)
        for raw in live.table(REQUESTS).all():
            if raw.get("status") == Status.CLOSED.value:
                continue
            sr_id, count = raw["id"], raw.get("event_count", 0)
            callout = callouts.get(sr_id)
            if raw.get("drill") and callout is not None and not callout.running:
                continue  # a drill that is over leaves the board; its report stays

            known = self._rows.get(sr_id)
            if known is not None and known[0] == count:
                row = known[1]
                fresh[sr_id] = (
                    known if row.callout == callout else (count, replace(row, callout=callout))
                )
                continue
            sr = ServiceRequest.from_dict(raw)
            timeline: list[Event] = []
            if sr.status not in _NO_STOP_YET:
                ids = [event_doc_id(sr_id, seq) for seq in range(1, count + 1)]
                timeline = [Event.from_dict(doc) for doc in events.get(doc_ids=ids) or []]
            fresh[sr_id] = (count, BoardRow(sr, self._clocks(sr, timeline, now), callout))
        self._rows = fresh
        return board_order([row for _, row in fresh.values()])

    def _clocks(
        self, sr: ServiceRequest, timeline: list[Event], now: datetime
    ) -> tuple[SlaClock, ...]:
        if sr.drill:  # a drill is never watched: no SLA clock runs for it
            return ()
        targets = self.roster.sla_for(sr.product, sr.severity)
        return () if targets is None else tuple(sla_clocks(sr, timeline, targets, now))
