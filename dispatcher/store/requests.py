"""Service requests and their timelines in the store: reading, registering and changing them.

Where their documents are is `request_layout`'s: open SRs in the live partition, closed ones
(moved by `request_archive`) in the archive month their id names, so opening the store reads
only what is live.

The day counters that number SRs live in the store's small `counters` partition, so `sr new`
never reads the live partition: it allocates a number there, then appends the SR and its
events to live with `Store.append_new`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tinydb import TinyDB
from tinydb.table import Document

from dispatcher.domain.lifecycle import Status
from dispatcher.domain.localtime import local_day
from dispatcher.domain.request_ids import LAST_NUMBER, doc_id, format_id
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.timeline import Event
from dispatcher.errors import NotFound, StoreError
from dispatcher.store import SequenceEnd, Store
from dispatcher.store.request_archive import archive, archive_stranded_closed, note_archive_change
from dispatcher.store.request_filter import RequestFilter
from dispatcher.store.request_layout import (
    ARCHIVE_CHANGES,
    EVENTS,
    REQUESTS,
    at_of,
    day_key,
    event_doc_id,
    period_of,
    request_from,
)
from dispatcher.store.sequences import guard_day, numbered
from dispatcher.store.zone import csc_zone, recorded_zone

if TYPE_CHECKING:
    from dispatcher.store.open_requests import OpenChanges


OPEN = RequestFilter()  # every open request but drills


class RequestRepository:
    """Reads and changes SRs; every change and its events are one commit."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._swept = False  # closed SRs stranded in live are moved by the first read of live

    # -- reading ------------------------------------------------------------------------

    def get(self, sr_id: str) -> ServiceRequest:
        self.sweep()
        found = self._find(sr_id)
        if found is None:
            raise NotFound(f"no request {sr_id}")
        return request_from(found[1], found[0].partition.label)

    def status(self, sr_id: str) -> Status:
        """An SR's status alone, without reading the whole request: the engine asks it of
        every running chain on each pass. NotFound as `get`."""
        self.sweep()
        found = self._find(sr_id)
        if found is None:
            raise NotFound(f"no request {sr_id}")
        return Status(found[1]["status"])

    def timeline(self, sr_id: str) -> list[Event]:
        self.sweep()
        found = self._find(sr_id)
        if found is None:
            raise NotFound(f"no request {sr_id}")
        db, raw = found
        ids = [event_doc_id(raw["id"], seq) for seq in range(1, raw["event_count"] + 1)]
        return [Event.from_dict(doc) for doc in db.table(EVENTS).get(doc_ids=ids) or []]

    def matching(self, request_filter: RequestFilter = OPEN) -> list[ServiceRequest]:
        """Matching SRs, oldest first; archive partitions are read only when closed SRs count."""
        self.sweep()
        found = [sr for sr in self._all_in(self.store.live) if request_filter.matches(sr)]
        if request_filter.include_closed:
            for period in self._periods_since(request_filter.since):
                found += [
                    sr
                    for sr in self._all_in(self.store.archive(period))
                    if request_filter.matches(sr)
                ]
        found.sort(key=lambda sr: (sr.received, sr.id))
        return found

    def live_version(self) -> int:
        """The live partition's version, read afresh: it moves on every commit to it, by this
        process or another, so an unchanged version means nothing live changed."""
        live = self.store.live
        self.store.refresh(live)
        return live.partition.version

    def open_changes(
        self, known: Mapping[str, int], drills: bool = True, limit: int | None = None
    ) -> OpenChanges:
        """The open SRs of the live partition (drills too unless `drills` is False), split by
        whether they changed since `known` (SR id -> the event count the caller saw; an SR it
        does not name has changed), the first `limit` changed ones at most: what the board
        and the engine's SLA watch ask on each look (`store.open_requests`). Does not sweep:
        a closed SR left in live is skipped."""
        from dispatcher.store.open_requests import open_changes

        return open_changes(self.store, known, drills, limit)

    def changed_since(self, since: datetime, drill: bool | None = False) -> list[ServiceRequest]:
        """Every SR with a timeline event at or after `since`, whatever its age: open ones from
        live, closed ones from the archive months that hold them, oldest first.

        An archived SR is found through `ARCHIVE_CHANGES` (the months of SRs closed, or changed
        once closed, in the last `ARCHIVE_CHANGES_KEPT`) and through the months from `since`
        on (an import's closed SRs); so an SR received long before a shift and closed in it is
        there. Older than that, only SRs received since `since`'s month are found."""
        self.sweep()

        def changed_in(db: TinyDB) -> list[ServiceRequest]:
            wanted = {d["sr"] for d in db.table(EVENTS).all() if at_of(d) >= since}
            where = db.partition.label
            return [request_from(d, where) for d in db.table(REQUESTS).all() if d["id"] in wanted]

        live = self.store.live
        found = changed_in(live)
        moved = live.table(ARCHIVE_CHANGES).search(lambda d: at_of(d) >= since)
        periods = set(self._periods_since(since)) | {d["period"] for d in moved}
        for period in sorted(periods & set(self.store.archive_periods())):
            found += changed_in(self.store.archive(period))
        found = [sr for sr in found if drill is None or sr.drill == drill]
        found.sort(key=lambda sr: (sr.received, sr.id))
        return found

    def _all_in(self, db: TinyDB) -> Iterator[ServiceRequest]:
        where = db.partition.label
        for raw in db.table(REQUESTS).all():
            yield request_from(raw, where)

    def _periods_since(self, since: datetime | None) -> list[str]:
        periods = self.store.archive_periods()
        zone = recorded_zone(self.store) if since is not None else None
        if since is None or zone is None:  # a store that recorded no zone yet: every month
            return periods
        return [p for p in periods if p >= f"{local_day(since, zone):%Y-%m}"]

    def _find(self, sr_id: str) -> tuple[TinyDB, dict] | None:
        sr_id = sr_id.strip().upper()
        key = doc_id(sr_id)
        raw = self.store.live.table(REQUESTS).get(doc_id=key)
        if raw is not None:
            return self.store.live, raw
        period = period_of(sr_id)
        if period in self.store.archive_periods():
            db = self.store.archive(period)
            raw = db.table(REQUESTS).get(doc_id=key)
            if raw is not None:
                return db, raw
        return None

    # -- changing -----------------------------------------------------------------------

    def register(
        self,
        received: datetime,
        build: Callable[[str], ServiceRequest],
        at: datetime,
        actor: str,
        channel: str,
        also: Callable[[ServiceRequest], tuple[list[Event], dict[str, list[Document]]]]
        | None = None,
        *,
        zone: ZoneInfo | None,
    ) -> tuple[ServiceRequest, list[Event]]:
        """Allocate the next id of the day the SR was received (the CSC's local date), build
        it, save it. `zone` is the roster's CSC zone, None without a roster; the store records
        it, or refuses it when its ids are numbered in another (`dispatcher.store.zone`).

        Two commits, neither of which reads the live partition: the number is allocated in the
        counters partition (if `build` raises, it is not), then the SR and its events are
        appended to live as new documents. A crash between the two leaves only an unused
        number of the day: ids stay unique, and one may be skipped. When saving to live fails
        (a full disk), the number is given back unless another SR has taken a later one.
        `also(sr)` may give more events, and new documents of other live tables (a call-out
        run), to save in the same commit. A number found taken already (the counters were
        behind the ids present) recovers the counters and tries once more (`numbered`).
        Before a number is taken, the archive month of the day is verified (`guard_day`).
        """
        day = local_day(received, csc_zone(self.store, zone, record=True))
        return numbered(
            self.store,
            lambda: self._register(day, build, at, actor, channel, also),
            lambda: guard_day(self.store, day),
        )

    def _register(
        self,
        day: date,
        build: Callable[[str], ServiceRequest],
        at: datetime,
        actor: str,
        channel: str,
        also: Callable[[ServiceRequest], tuple[list[Event], dict[str, list[Document]]]] | None,
    ) -> tuple[ServiceRequest, list[Event]]:
        counters = self.store.counters
        with self.store.atomic(counters):
            try:
                number = self.store.next_sequence(day_key(day), db=counters, last=LAST_NUMBER)
            except SequenceEnd:
                raise StoreError(
                    f"no request id is left for {day.isoformat()}: "
                    f"{format_id(day, LAST_NUMBER)}, the last id of the day, is taken"
                ) from None
            sr = build(format_id(day, number))
            events = sr.registered(at, actor, channel)
            extra: dict[str, list[Document]] = {}
            if also is not None:
                more, extra = also(sr)
                events += more
        try:
            self.store.append_new(
                self.store.live,
                {
                    REQUESTS: [Document(sr.to_dict(), doc_id=doc_id(sr.id))],
                    EVENTS: [
                        Document(e.to_dict(), doc_id=event_doc_id(e.sr, e.seq)) for e in events
                    ],
                    **extra,
                },
            )
        except BaseException:
            with contextlib.suppress(StoreError):  # else the number stays unused
                self.store.release_sequence(day_key(day), number, db=counters)
            raise
        return sr, events

    def change(
        self, sr_id: str, action: Callable[[ServiceRequest], list[Event]]
    ) -> tuple[ServiceRequest, list[Event]]:
        """Apply one domain change under the write lock, so no other process's change is lost."""
        self.sweep()
        live = self.store.live
        with self.store.atomic(live):
            found = self._find(sr_id)
            if found is None:
                raise NotFound(f"no request {sr_id}")
            db, raw = found
            sr = request_from(raw, db.partition.label)
            events = action(sr)
            if db is live:
                self._save(live, sr, events)
            else:
                with self.store.atomic(db):
                    self._save(db, sr, events)
                note_archive_change(self.store, sr.id, events)
        if sr.status is Status.CLOSED and db is live:
            archive(self.store, sr.id)
        return sr, events

    def _save(self, db: TinyDB, sr: ServiceRequest, events: Iterable[Event]) -> None:
        db.table(REQUESTS).upsert(Document(sr.to_dict(), doc_id=doc_id(sr.id)))
        db.table(EVENTS).insert_multiple(
            Document(e.to_dict(), doc_id=event_doc_id(e.sr, e.seq)) for e in events
        )

    def sweep(self) -> None:
        """Once per repository, before its first read of live: finish moving closed SRs that a
        crash left in live (`request_archive`). `register` does not read live, so it does not
        sweep."""
        if not self._swept:
            self._swept = True
            archive_stranded_closed(self.store)

    # -- bulk ---------------------------------------------------------------------------

    def import_batch(self, requests: list[tuple[ServiceRequest, list[Event]]]) -> set[str]:
        """Save already-validated SRs with their timelines (`bulk.save_batch`); returns the
        archive months written."""
        from dispatcher.store import codec
        from dispatcher.store.bulk import save_batch

        docs = [(sr.to_dict(), [e.to_dict() for e in events]) for sr, events in requests]
        return save_batch(self, codec.loads(codec.dumps(docs)))  # copies nobody else holds

    def release_archives(self, keep: Set[str] = frozenset()) -> None:
        """Free the memory of archive months opened by a bulk job, but those in `keep`."""
        for period in self.store.archive_periods():
            if period not in keep:
                self.store.close_archive(period)
