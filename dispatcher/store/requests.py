"""Service requests and their timelines in the store.

Open SRs live in the live partition; a closed SR moves, with its whole timeline, to the archive
partition of the month its id names (SR-20261124-… → "2026-11"), so opening the store reads
only what is live. Document ids are derived from the readable ids, so an SR is found in O(1)
in exactly one place, and its events are the doc ids just after it.

The day counters that number SRs live in the store's small `counters` partition, so `sr new`
never reads the live partition: it allocates a number there, then appends the SR and its
events to live with `Store.append_new`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tinydb import TinyDB
from tinydb.table import Document

from dispatcher.domain.lifecycle import Status
from dispatcher.domain.localtime import local_day
from dispatcher.domain.request_ids import doc_id, format_id, id_day
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.timeline import Event
from dispatcher.errors import NotFound, StoreError
from dispatcher.store import Store
from dispatcher.store.callouts import CALLOUTS, CalloutRepository
from dispatcher.store.outbox import OUTBOX, OutboxRepository
from dispatcher.store.replies import REPLIES, STRIKES, ReplyRepository
from dispatcher.store.sequences import numbered
from dispatcher.store.zone import csc_zone, recorded_zone

if TYPE_CHECKING:
    from dispatcher.store.open_requests import OpenChanges

REQUESTS = "requests"
EVENTS = "events"
EVENT_ID_FACTOR = 1_000_000  # event doc id = SR doc id * factor + seq
# Tables of other repositories whose records belong to one SR (their "sr" field); each
# repository's `moving_with` says which of them move to the archive with it.
COMPANIONS = (CALLOUTS, OUTBOX, REPLIES, STRIKES)
# In live, one small document per archived SR changed lately (closed, or changed once closed):
# its month and when, so "changed since" opens only the months that hold such SRs.
ARCHIVE_CHANGES = "archive_changes"
ARCHIVE_CHANGES_KEPT = timedelta(days=62)


def event_doc_id(sr_id: str, seq: int) -> int:
    return doc_id(sr_id) * EVENT_ID_FACTOR + seq


def day_key(day: date) -> str:
    """The name of the counter that numbers the SRs of one day."""
    return f"sr:{day:%Y%m%d}"


def _at(doc: dict) -> datetime:
    return datetime.fromisoformat(doc["at"])


def period_of(sr_id: str) -> str:
    return f"{id_day(sr_id):%Y-%m}"


@dataclass(frozen=True)
class RequestFilter:
    """What `sr list` and the board ask for; None means any. Drills stay out unless asked for:
    they must never count in service figures."""

    include_closed: bool = False
    emergency: bool | None = None
    category: str | None = None
    status: str | None = None
    site: str | None = None
    product: str | None = None
    since: datetime | None = None
    drill: bool | None = False

    def matches(self, sr: ServiceRequest) -> bool:
        return (
            (self.include_closed or sr.is_open)
            and (self.emergency is None or sr.is_emergency == self.emergency)
            and (self.category is None or sr.category.value == self.category)
            and (self.status is None or sr.status.value == self.status)
            and (self.site is None or sr.site.casefold() == self.site.casefold())
            and (self.product is None or sr.product.casefold() == self.product.casefold())
            and (self.since is None or sr.received >= self.since)
            and (self.drill is None or sr.drill == self.drill)
        )


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
        return ServiceRequest.from_dict(found[1])

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

    def matching(self, request_filter: RequestFilter = RequestFilter()) -> list[ServiceRequest]:
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

    def open_changes(self, known: Mapping[str, int], drills: bool = True) -> OpenChanges:
        """The open SRs of the live partition (drills too unless `drills` is False), split by
        whether they changed since `known` (SR id -> the event count the caller saw; an SR it
        does not name has changed): what the board and the engine's SLA watch ask on each
        look (`store.open_requests`). Does not sweep: a closed SR left in live is skipped."""
        from dispatcher.store.open_requests import open_changes

        return open_changes(self.store, known, drills)

    def changed_since(self, since: datetime, drill: bool | None = False) -> list[ServiceRequest]:
        """Every SR with a timeline event at or after `since`, whatever its age: open ones from
        live, closed ones from the archive months that hold them, oldest first.

        An archived SR is found through `ARCHIVE_CHANGES` (the months of SRs closed, or changed
        once closed, in the last `ARCHIVE_CHANGES_KEPT`) and through the months from `since`
        on (an import's closed SRs); so an SR received long before a shift and closed in it is
        there. Older than that, only SRs received since `since`'s month are found."""
        self.sweep()

        def changed_in(db: TinyDB) -> list[ServiceRequest]:
            wanted = {d["sr"] for d in db.table(EVENTS).all() if _at(d) >= since}
            return [
                ServiceRequest.from_dict(d) for d in db.table(REQUESTS).all() if d["id"] in wanted
            ]

        live = self.store.live
        found = changed_in(live)
        moved = live.table(ARCHIVE_CHANGES).search(lambda d: _at(d) >= since)
        periods = set(self._periods_since(since)) | {d["period"] for d in moved}
        for period in sorted(periods & set(self.store.archive_periods())):
            found += changed_in(self.store.archive(period))
        found = [sr for sr in found if drill is None or sr.drill == drill]
        found.sort(key=lambda sr: (sr.received, sr.id))
        return found

    def _all_in(self, db: TinyDB) -> Iterator[ServiceRequest]:
        for raw in db.table(REQUESTS).all():
            yield ServiceRequest.from_dict(raw)

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
        """
        day = local_day(received, csc_zone(self.store, zone, record=True))
        return numbered(self.store, lambda: self._register(day, build, at, actor, channel, also))

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
            number = self.store.next_sequence(day_key(day), db=counters)
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
            sr = ServiceRequest.from_dict(raw)
            events = action(sr)
            if db is live:
                self._save(live, sr, events)
            else:
                with self.store.atomic(db):
                    self._save(db, sr, events)
                self._note_archive_change(sr.id, events)
        if sr.status is Status.CLOSED and db is live:
            self._archive(sr.id)
        return sr, events

    def _save(self, db: TinyDB, sr: ServiceRequest, events: Iterable[Event]) -> None:
        db.table(REQUESTS).upsert(Document(sr.to_dict(), doc_id=doc_id(sr.id)))
        db.table(EVENTS).insert_multiple(
            Document(e.to_dict(), doc_id=event_doc_id(e.sr, e.seq)) for e in events
        )

    # -- archiving ----------------------------------------------------------------------

    def _archive(self, sr_id: str) -> None:
        """Copy a closed SR, its timeline, its call-out run and its notifications to its
        month, then drop them from live, so live holds only what is open.

        Each half is one commit and both are idempotent, so a crash between them leaves a
        closed SR in live that the next open finishes moving.
        """
        live = self.store.live
        raw = live.table(REQUESTS).get(doc_id=doc_id(sr_id))
        if raw is None:
            return
        event_ids = [event_doc_id(sr_id, seq) for seq in range(1, raw["event_count"] + 1)]
        events = live.table(EVENTS).get(doc_ids=event_ids) or []
        # What other repositories keep of the SR, each saying what moves with it.
        companions = {
            **CalloutRepository(self.store).moving_with(sr_id),
            **OutboxRepository(self.store).moving_with(sr_id),
            **ReplyRepository(self.store).moving_with(sr_id),
        }
        archive = self.store.archive(period_of(sr_id))
        with self.store.atomic(archive):
            archive.table(REQUESTS).upsert(Document(dict(raw), doc_id=doc_id(sr_id)))
            existing = set(event_ids) & {
                d.doc_id for d in archive.table(EVENTS).get(doc_ids=event_ids) or []
            }
            archive.table(EVENTS).insert_multiple(
                Document(dict(e), doc_id=e.doc_id) for e in events if e.doc_id not in existing
            )
            for name, docs in companions.items():
                for doc in docs:
                    archive.table(name).upsert(Document(dict(doc), doc_id=doc.doc_id))
        with self.store.atomic(live):
            self._note_archive_change(sr_id, [Event.from_dict(e) for e in events])
            live.table(REQUESTS).remove(doc_ids=[doc_id(sr_id)])
            present = [e.doc_id for e in events]
            if present:
                live.table(EVENTS).remove(doc_ids=present)
            for name, docs in companions.items():
                if docs:
                    live.table(name).remove(doc_ids=[d.doc_id for d in docs])

    def _note_archive_change(self, sr_id: str, events: list[Event]) -> None:
        """In live's commit: this archived SR changed at its last event (see `changed_since`);
        notes older than `ARCHIVE_CHANGES_KEPT` before it are dropped."""
        if not events:
            return
        at = max(e.at for e in events)
        table = self.store.live.table(ARCHIVE_CHANGES)
        stale = at - ARCHIVE_CHANGES_KEPT
        old = [d.doc_id for d in table.search(lambda d: _at(d) < stale)]
        if old:
            table.remove(doc_ids=old)
        note = {"sr": sr_id, "period": period_of(sr_id), "at": at.isoformat()}
        table.upsert(Document(note, doc_id=doc_id(sr_id)))

    def sweep(self) -> None:
        """Once per repository, before its first read of live: finish moving closed SRs that a
        crash left in live. `register` does not read live, so it does not sweep."""
        if not self._swept:
            self._swept = True
            self._archive_stranded_closed()

    def _archive_stranded_closed(self) -> None:
        table = self.store.live.table(REQUESTS)
        for raw in table.search(lambda doc: doc.get("status") == Status.CLOSED.value):
            self._archive(raw["id"])

    # -- bulk ---------------------------------------------------------------------------

    def import_batch(self, requests: list[tuple[ServiceRequest, list[Event]]]) -> set[str]:
        """Save already-validated SRs with their timelines (`bulk.save_batch`); returns the
        archive months written."""
        from dispatcher.store.bulk import save_batch

        return save_batch(self, [(sr, [e.to_dict() for e in events]) for sr, events in requests])

    def release_archives(self, keep: Set[str] = frozenset()) -> None:
        """Free the memory of archive months opened by a bulk job, but those in `keep`."""
        for period in self.store.archive_periods():
            if period not in keep:
                self.store.close_archive(period)
