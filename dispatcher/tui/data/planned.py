"""The night's planned work for the board: what runs now or starts within the next hours, and
the faults reported during each window (a fault during a cutover is most likely the cutover's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatcher.domain.planned import PlannedService, PlannedState
from dispatcher.domain.requests import ServiceRequest
from dispatcher.store import Store
from dispatcher.store.planned import PlannedRepository

AHEAD = timedelta(hours=12)  # a night shift


@dataclass(frozen=True)
class PlannedTonight:
    work: PlannedService
    faults: tuple[str, ...]  # ids of the faults reported during its window


def planned_tonight(
    store: Store, now: datetime, open_requests: list[ServiceRequest]
) -> list[PlannedTonight]:
    """Work not cancelled or done whose window overlaps [now, now + 12 h], in start order,
    with the open faults reported during it."""
    works = [
        w
        for w in PlannedRepository(store).between(now, now + AHEAD)
        if w.state not in (PlannedState.CANCELLED, PlannedState.COMPLETED)
    ]
    return [PlannedTonight(w, tuple(sr.id for sr in w.linked_faults(open_requests))) for w in works]
