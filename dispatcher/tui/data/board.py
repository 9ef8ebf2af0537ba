"""The board's rows: every open SR with its next SLA deadline, read in a worker thread.

Reading 10,000 SRs costs what changed only: the store's live partition has a version that moves
on every commit (ours or another process's), and each SR's event count moves with each of its
changes, so an unchanged SR keeps the row built for it before.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property

from dispatcher.domain.callout import RunState
from dispatcher.domain.lifecycle import Status
from dispatcher.domain.oncall import Roster
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.sla import SlaClock, next_deadline, sla_clocks
from dispatcher.domain.timeline import Event
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRecord, CalloutRepository
from dispatcher.store.codec import decoding_in_bulk
from dispatcher.store.requests import RequestRepository

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
            and self.callout.run.state is RunState.EXHAUSTED
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

    @cached_property
    def late_from(self) -> datetime | None:
        """When the row turns late: the first near-breach moment of a clock still running (a
        breached clock was near breach before). None while no clock runs."""
        return min((c.near_at for c in self.clocks if c.stopped is None), default=None)

    def late(self, now: datetime) -> bool:
        """Near breach or breached: what the "late" filter shows."""
        return self.late_from is not None and self.late_from <= now

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


def _over(sr: ServiceRequest, callout: CalloutRecord | None) -> bool:
    """A drill that is over leaves the board; its report stays."""
    return sr.drill and callout is not None and not callout.running


def next_turning_late(rows: list[BoardRow], now: datetime) -> datetime | None:
    """When the next of `rows` turns late after `now`; None when none will."""
    turning = (r.late_from for r in rows if r.late_from is not None)
    return min((at for at in turning if at > now), default=None)


def board_order(rows: list[BoardRow]) -> list[BoardRow]:
    """Emergencies and Red Flags first, then by time received."""
    return sorted(rows, key=lambda r: (not r.pinned, r.sr.received, r.sr.id))


class BoardReader:
    """Builds board rows; keeps the rows of unchanged SRs between reads. Reads from several
    threads take turns: one that finds the rows already built for its version returns None
    (two at launch would otherwise each build all 10,000 rows)."""

    def __init__(self, store: Store, roster: Roster) -> None:
        self.store = store
        self.roster = roster
        self.requests = RequestRepository(store)
        self._rows: dict[str, tuple[int, BoardRow]] = {}
        self._version = -1
        self._reading = threading.Lock()
        # The rows of the last read that found a change: a screen shows no older ones, which
        # a read held up (a loaded machine) could otherwise hand over after a newer one.
        self.latest: list[BoardRow] | None = None

    def read(self, now: datetime, force: bool = False) -> list[BoardRow] | None:
        """Every open SR's row in board order, or None when nothing changed since last time.
        The cyclic collector is paused meanwhile (`decoding_in_bulk`): a first read builds
        some 100,000 objects, none in a cycle, and its passes over them took as long as the
        read itself, at every desk's launch."""
        with self._reading, decoding_in_bulk():
            rows = self._read(now, force)
            if rows is not None:
                self.latest = rows
            return rows

    def _read(self, now: datetime, force: bool) -> list[BoardRow] | None:
        version = self.requests.live_version()
        if version == self._version and not force:
            return None
        self._version = version
        fresh: dict[str, tuple[int, BoardRow]] = {}
        callouts = {record.sr: record for record in CalloutRepository(self.store).all()}
        open_now = self.requests.open_changes(
            {sr_id: count for sr_id, (count, _) in self._rows.items()}
        )
        for sr_id in open_now.unchanged:
            count, row = kept = self._rows[sr_id]
            callout = callouts.get(sr_id)
            if not _over(row.sr, callout):
                fresh[sr_id] = (
                    kept if row.callout == callout else (count, replace(row, callout=callout))
                )
        for found in open_now.changed:
            sr = found.request()
            callout = callouts.get(sr.id)
            if _over(sr, callout):
                continue
            timeline = found.timeline() if sr.status not in _NO_STOP_YET else []
            fresh[sr.id] = (
                found.event_count,
                BoardRow(sr, self._clocks(sr, timeline, now), callout),
            )
        self._rows = fresh
        return board_order([row for _, row in fresh.values()])

    def _clocks(
        self, sr: ServiceRequest, timeline: list[Event], now: datetime
    ) -> tuple[SlaClock, ...]:
        if sr.drill:  # a drill is never watched: no SLA clock runs for it
            return ()
        targets = self.roster.sla_for(sr.product, sr.severity)
        return () if targets is None else tuple(sla_clocks(sr, timeline, targets, now))
