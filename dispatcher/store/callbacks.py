"""The callback queue as the store holds it: resolved requests and completed cutovers."""

from __future__ import annotations

from dispatcher.domain.callbacks import CallbackDue, queue_order, request_callback
from dispatcher.store import Store
from dispatcher.store.planned import PlannedRepository
from dispatcher.store.requests import RequestFilter, RequestRepository


def callback_queue(store: Store) -> list[CallbackDue]:
    """Everyone waiting for a callback, the most overdue first (drills never wait)."""
    repository = RequestRepository(store)
    items = []
    for sr in repository.matching(RequestFilter(status="resolved", drill=False)):
        item = request_callback(sr, repository.timeline(sr.id))
        if item is not None:
            items.append(item)
    items += [due for p in PlannedRepository(store).all() if (due := p.callback_due()) is not None]
    return queue_order(items)
