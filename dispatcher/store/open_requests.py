"""Open requests changed since a reader last looked: what the board and the engine's SLA
watch ask on each look (`RequestRepository.open_changes`).

Each open SR's event count moves with each of its changes, so a reader that remembers the
counts it saw needs only the SRs whose count differs. Only those are copied out of the store
(a search whose condition notes the unchanged ids as it goes), and an SR is built, and its
timeline read, only when the reader asks: of 10,000 open, a look usually copies a handful.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tinydb.table import Table

from dispatcher.domain.lifecycle import Status
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.timeline import Event
from dispatcher.store import Store
from dispatcher.store.request_layout import EVENTS, REQUESTS, event_doc_id


@dataclass(frozen=True)
class OpenRequest:
    """An open SR that changed, as `RequestRepository.open_changes` finds it: built into a
    `ServiceRequest` (and its timeline read) only when the caller asks."""

    id: str
    event_count: int  # moves with each of the SR's changes
    _document: dict[str, Any] = field(repr=False, compare=False)
    _events: Table = field(repr=False, compare=False)

    def request(self) -> ServiceRequest:
        return ServiceRequest.from_dict(self._document)

    def timeline(self) -> list[Event]:
        """Its events, oldest first: the `event_count` it was found with."""
        ids = [event_doc_id(self.id, seq) for seq in range(1, self.event_count + 1)]
        return [Event.from_dict(doc) for doc in self._events.get(doc_ids=ids) or []]


@dataclass(frozen=True)
class OpenChanges:
    """The open SRs of the live partition against what a caller knew of them."""

    unchanged: list[str]  # ids whose event count is the one the caller knew
    changed: list[OpenRequest]  # the others (new to the caller, or changed), by id


class _Split:
    """A search condition for `open_changes`: true for an open SR that changed; notes the
    ids of the unchanged ones as it goes, so its answer is never cached."""

    def __init__(self, known: Mapping[str, int], drills: bool, unchanged: list[str]) -> None:
        self.known, self.drills, self.unchanged = known, drills, unchanged

    def __call__(self, value: Mapping[str, Any]) -> bool:
        if value.get("status") == Status.CLOSED.value or (not self.drills and value.get("drill")):
            return False
        if self.known.get(value["id"]) == value.get("event_count", 0):
            self.unchanged.append(value["id"])
            return False
        return True

    def is_cacheable(self) -> bool:
        return False


def open_changes(store: Store, known: Mapping[str, int], drills: bool = True) -> OpenChanges:
    """The open SRs of the live partition (drills too unless `drills` is False), split by
    whether they changed since `known` (SR id -> the event count the caller saw; an SR it
    does not name has changed). A closed SR left in live is skipped, not moved."""
    live = store.live
    events = live.table(EVENTS)
    unchanged: list[str] = []
    split = _Split(known, drills, unchanged)
    changed = [
        OpenRequest(raw["id"], raw.get("event_count", 0), raw, events)
        for raw in live.table(REQUESTS).search(split)
    ]
    return OpenChanges(unchanged, changed)
