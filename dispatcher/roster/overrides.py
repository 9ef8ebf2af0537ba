"""Overrides arranged at run time (from the command line or the desk), kept in the store."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from tinydb import Query

from dispatcher.domain.roster import Role
from dispatcher.domain.rotation import Override
from dispatcher.errors import DispatcherError, NotFound
from dispatcher.store import Store

TABLE = "overrides"


class OverrideRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table = store.live.table(TABLE)

    def add(self, override: Override) -> Override:
        """Store an override under a new id (`ovr-N`) and return it."""
        if override.end <= override.start:
            raise DispatcherError("the override is empty: --to must be after --from")
        with self.store.atomic(self.store.live):
            stored = replace(override, id=f"ovr-{self.store.next_sequence('override')}")
            self.table.insert(stored.to_dict())
        return stored

    def all(self) -> tuple[Override, ...]:
        return tuple(
            sorted((_from_document(d) for d in self.table.all()), key=lambda o: (o.start, o.id))
        )

    def end(self, override_id: str, at: datetime) -> Override:
        """End an override at `at`: it keeps its record, its end moved to `at` (one not yet
        begun is removed). Returns it as it now stands."""
        with self.store.atomic(self.store.live):
            documents = self.table.search(Query().id == override_id)
            if not documents:
                raise NotFound(f"no override {override_id!r}")
            found = _from_document(documents[0])
            if found.end <= at:
                raise DispatcherError(f"override {override_id} has already ended")
            if found.start >= at:
                self.table.remove(Query().id == override_id)
                return replace(found, end=found.start)
            self.table.update({"to": at.isoformat()}, Query().id == override_id)
        return replace(found, end=at)

    def remove(self, override_id: str) -> Override:
        with self.store.atomic(self.store.live):
            documents = self.table.search(Query().id == override_id)
            if not documents:
                raise NotFound(f"no override {override_id!r}")
            self.table.remove(Query().id == override_id)
        return _from_document(documents[0])


def _from_document(document: dict) -> Override:
    return Override(
        id=document["id"],
        person=document["person"],
        start=datetime.fromisoformat(document["from"]),
        end=datetime.fromisoformat(document["to"]),
        covers=document.get("covers"),
        unit=document.get("unit"),
        role=Role(document["role"]) if document.get("role") else None,
        reason=document.get("reason", ""),
        created_by=document.get("created_by", ""),
    )
