"""Moving a closed service request out of the live partition into its archive month.

A closed SR, its timeline, its call-out run and its notifications are copied to the month its
id names, then dropped from live, so live holds only what is open. Each half is one commit and
both are idempotent, so a crash between them leaves a closed SR in live that the next reader
finishes moving (`archive_stranded_closed`).
"""

from __future__ import annotations

from tinydb.table import Document

from dispatcher.domain.lifecycle import Status
from dispatcher.domain.request_ids import doc_id
from dispatcher.domain.timeline import Event
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.outbox import OutboxRepository
from dispatcher.store.replies import ReplyRepository
from dispatcher.store.request_layout import (
    ARCHIVE_CHANGES,
    ARCHIVE_CHANGES_KEPT,
    EVENTS,
    REQUESTS,
    at_of,
    event_doc_id,
    period_of,
)


def archive(store: Store, sr_id: str) -> None:
    """Move one closed SR from live to its month (nothing if it is not in live)."""
    live = store.live
    raw = live.table(REQUESTS).get(doc_id=doc_id(sr_id))
    if raw is None:
        return
    event_ids = [event_doc_id(sr_id, seq) for seq in range(1, raw["event_count"] + 1)]
    events = live.table(EVENTS).get(doc_ids=event_ids) or []
    # What other repositories keep of the SR, each saying what moves with it.
    companions = {
        **CalloutRepository(store).moving_with(sr_id),
        **OutboxRepository(store).moving_with(sr_id),
        **ReplyRepository(store).moving_with(sr_id),
    }
    month = store.archive(period_of(sr_id))
    with store.atomic(month):
        month.table(REQUESTS).upsert(Document(dict(raw), doc_id=doc_id(sr_id)))
        existing = set(event_ids) & {
            d.doc_id for d in month.table(EVENTS).get(doc_ids=event_ids) or []
        }
        month.table(EVENTS).insert_multiple(
            Document(dict(e), doc_id=e.doc_id) for e in events if e.doc_id not in existing
        )
        for name, docs in companions.items():
            for doc in docs:
                month.table(name).upsert(Document(dict(doc), doc_id=doc.doc_id))
    with store.atomic(live):
        note_archive_change(store, sr_id, [Event.from_dict(e) for e in events])
        live.table(REQUESTS).remove(doc_ids=[doc_id(sr_id)])
        present = [e.doc_id for e in events]
        if present:
            live.table(EVENTS).remove(doc_ids=present)
        for name, docs in companions.items():
            if docs:
                live.table(name).remove(doc_ids=[d.doc_id for d in docs])


def note_archive_change(store: Store, sr_id: str, events: list[Event]) -> None:
    """In live's commit: this archived SR changed at its last event (see
    `RequestRepository.changed_since`); notes older than `ARCHIVE_CHANGES_KEPT` before it are
    dropped."""
    if not events:
        return
    at = max(e.at for e in events)
    table = store.live.table(ARCHIVE_CHANGES)
    stale = at - ARCHIVE_CHANGES_KEPT
    old = [d.doc_id for d in table.search(lambda d: at_of(d) < stale)]
    if old:
        table.remove(doc_ids=old)
    note = {"sr": sr_id, "period": period_of(sr_id), "at": at.isoformat()}
    table.upsert(Document(note, doc_id=doc_id(sr_id)))


def archive_stranded_closed(store: Store) -> None:
    """Finish moving the closed SRs that a crash left in live."""
    table = store.live.table(REQUESTS)
    for raw in table.search(lambda doc: doc.get("status") == Status.CLOSED.value):
        archive(store, raw["id"])
