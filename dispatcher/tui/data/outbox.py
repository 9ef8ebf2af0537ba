"""Every notification of the night, newest first, for the outbox screen."""

from __future__ import annotations

from dispatcher.store import Store
from dispatcher.store.outbox import OUTBOX, OutboxRecord


def read_outbox(store: Store) -> list[OutboxRecord]:
    records = [OutboxRecord.from_document(d) for d in store.live.table(OUTBOX).all()]
    return sorted(records, key=lambda r: (r.created, r.id), reverse=True)
