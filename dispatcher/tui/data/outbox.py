"""Every notification of the night, newest first, for the outbox screen."""

from __future__ import annotations

from dispatcher.store import Store
from dispatcher.store.outbox import OutboxRecord, OutboxRepository


def read_outbox(store: Store) -> list[OutboxRecord]:
    return sorted(OutboxRepository(store).all(), key=lambda r: (r.created, r.id), reverse=True)
