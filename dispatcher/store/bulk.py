"""Bulk reads and writes of requests for an import: which ids exist, whether a stored request
is the one a file holds, and saving a batch."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from dispatcher.domain.lifecycle import Status
from dispatcher.domain.request_ids import doc_id, parse_id
from dispatcher.store.request_layout import (
    EVENT_ID_FACTOR,
    EVENTS,
    REQUESTS,
    day_key,
    event_doc_id,
    period_of,
)
from dispatcher.store.requests import RequestRepository

# Requests with their timelines, as stored documents (`ServiceRequest.to_dict` with its
# `event_count`; `Event.to_dict`), handed over to the store to keep.
Batch = list[tuple[dict, list[dict]]]


def existing_ids(repository: RequestRepository, sr_ids: Iterable[str]) -> set[str]:
    """Which of these ids are already in the store (live or their archive month)."""
    store = repository.store
    repository.sweep()
    by_period: dict[str, list[str]] = {}
    for sr_id in sr_ids:
        by_period.setdefault(period_of(sr_id), []).append(sr_id)
    live = store.live.table(REQUESTS)
    periods = set(store.archive_periods())
    found = set()
    for period, ids in by_period.items():
        tables = [live] + ([store.archive(period).table(REQUESTS)] if period in periods else [])
        for sr_id in ids:
            if any(t.get(doc_id=doc_id(sr_id)) is not None for t in tables):
                found.add(sr_id)
        store.close_archive(period)
    return found


def differing(repository: RequestRepository, batch: Batch) -> set[str]:
    """The ids of the batch whose stored request or timeline is not exactly the batch's
    (or that are not stored at all). Each partition is read once per batch."""
    store = repository.store
    repository.sweep()
    periods = set(store.archive_periods())
    live = store.live
    found = set()
    for request, events in batch:
        sr_id = request["id"]
        period, key = period_of(sr_id), doc_id(sr_id)
        db = live
        if live.table(REQUESTS).get(doc_id=key) is None and period in periods:
            db = store.archive(period)
        stored = db.table(REQUESTS).get(doc_id=key)
        wanted = [event_doc_id(sr_id, e["seq"]) for e in events]
        timeline = db.table(EVENTS).get(doc_ids=wanted) or []
        if stored != request or [dict(e) for e in timeline] != events:
            found.add(sr_id)
    repository.release_archives()
    return found


def save_batch(repository: RequestRepository, requests: Batch) -> set[str]:
    """Save already-validated SRs with their timelines: open ones to live, closed ones to
    their archive month, one commit per partition; raise each day's counter past them.
    Returns the archive months written. An id already in a partition is refused
    (`DuplicateId`) and that partition's commit saves nothing. The documents are handed over
    to the store (`Store.adopt_new`): the caller keeps no reference to them.

    The counters are raised first, in their own commit: a crash after it leaves only
    unused numbers, never a counter below an SR already saved."""
    store = repository.store
    repository.sweep()
    highest: dict[date, int] = {}
    for request, _ in requests:
        day, number = parse_id(request["id"])
        highest[day] = max(highest.get(day, 0), number)
    counters = store.counters
    with store.atomic(counters):
        for day, number in highest.items():
            store.raise_sequence(day_key(day), number, db=counters)
    by_db: dict[str, Batch] = {}
    for request, events in requests:
        closed = request["status"] == Status.CLOSED.value
        by_db.setdefault(period_of(request["id"]) if closed else "", []).append((request, events))
    for period, batch in sorted(by_db.items()):
        docs: dict[int, dict] = {}
        timelines: dict[int, dict] = {}
        for request, events in batch:
            key = doc_id(request["id"])
            docs[key] = request
            base = key * EVENT_ID_FACTOR
            timelines.update((base + e["seq"], e) for e in events)
        db = store.live if not period else store.archive(period)
        store.adopt_new(db, {REQUESTS: docs, EVENTS: timelines})
    return {period for period in by_db if period}
