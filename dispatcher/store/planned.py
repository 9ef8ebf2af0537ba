"""Planned services in the store: one document each in the live partition.

Ids read like requests' (PS-20261125-01, numbered per day of the window's start) and come from
the store's named sequences, so two desks never hand out the same one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from tinydb.table import Document

from dispatcher.domain.localtime import local_day
from dispatcher.domain.planned import (
    LAST_NUMBER,
    PlannedService,
    format_planned_id,
    planned_doc_id,
)
from dispatcher.errors import NotFound, StoreError
from dispatcher.store import SequenceEnd, Store
from dispatcher.store.sequences import numbered
from dispatcher.store.zone import csc_zone

PLANNED = "planned"


class PlannedRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self, start: datetime, build: Callable[[str], PlannedService], zone: ZoneInfo | None
    ) -> PlannedService:
        """Number the work by the CSC's local date of its start (`zone`: the roster's CSC
        zone, None without a roster: see `dispatcher.store.zone`), build it, save it."""
        day = local_day(start, csc_zone(self.store, zone, record=True))

        def allocate() -> PlannedService:
            try:
                number = self.store.next_sequence(
                    f"ps:{day:%Y%m%d}", db=self.store.counters, last=LAST_NUMBER
                )
            except SequenceEnd:
                raise StoreError(
                    f"no planned service id is left for {day.isoformat()}: "
                    f"{format_planned_id(day, LAST_NUMBER)}, the last id of the day, is taken"
                ) from None
            planned = build(format_planned_id(day, number))
            self.store.live.table(PLANNED).insert(
                Document(planned.to_dict(), doc_id=planned_doc_id(planned.id))
            )
            return planned

        return numbered(self.store, allocate)

    def get(self, planned_id: str) -> PlannedService:
        raw = self.store.live.table(PLANNED).get(doc_id=planned_doc_id(planned_id))
        if raw is None:
            raise NotFound(f"no planned service {planned_id}")
        return PlannedService.from_dict(raw)

    def all(self) -> list[PlannedService]:
        found = [PlannedService.from_dict(raw) for raw in self.store.live.table(PLANNED).all()]
        return sorted(found, key=lambda p: (p.start, p.id))

    def between(self, start: datetime, end: datetime) -> list[PlannedService]:
        """Work whose window overlaps [start, end)."""
        return [p for p in self.all() if p.overlaps(start, end)]

    def change(
        self, planned_id: str, action: Callable[[PlannedService], PlannedService]
    ) -> PlannedService:
        live = self.store.live
        with self.store.atomic(live):
            planned = action(self.get(planned_id))
            live.table(PLANNED).upsert(
                Document(planned.to_dict(), doc_id=planned_doc_id(planned.id))
            )
        return planned
