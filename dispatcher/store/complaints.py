"""Complaint records in the store, one per complaint request, kept in the live partition.

The request itself (lifecycle, owner, callback) lives with the other requests; this table holds
what the complaint process adds. Records are small and stay in live, so finding the earlier
complaints of a customer about the same thing never opens an archive.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from tinydb.table import Document

from dispatcher.domain.complaints import Complaint, new_complaint
from dispatcher.domain.request_ids import doc_id
from dispatcher.domain.request_parts import Category
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.timeline import Event
from dispatcher.errors import DispatcherError, NotFound
from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository

COMPLAINTS = "complaints"


class ComplaintRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.requests = RequestRepository(store)

    def all(self) -> list[Complaint]:
        found = [Complaint.from_dict(raw) for raw in self.store.live.table(COMPLAINTS).all()]
        return sorted(found, key=lambda c: (c.received, c.sr))

    def get(self, sr_id: str) -> Complaint:
        raw = self.store.live.table(COMPLAINTS).get(doc_id=doc_id(sr_id.strip().upper()))
        if raw is None:
            raise NotFound(f"no complaint {sr_id}")
        return Complaint.from_dict(raw)

    def register(
        self,
        received: datetime,
        build: Callable[[str], ServiceRequest],
        at: datetime,
        actor: str,
        channel: str,
        about: str,
        respond_by: datetime | None = None,
        resolve_by: datetime | None = None,
        *,
        zone: ZoneInfo | None,
    ) -> tuple[ServiceRequest, Complaint]:
        """Register the complaint's request and its record, linked to earlier ones, in one
        commit; `zone` numbers it as `RequestRepository.register` says."""
        earlier = self.all()
        made: list[Complaint] = []

        def record(sr: ServiceRequest) -> tuple[list[Event], dict[str, list[Document]]]:
            if sr.category is not Category.COMPLAINT:
                raise DispatcherError(
                    f"a complaint is a request of category complaint, not {sr.category.value}"
                )
            made.append(
                new_complaint(
                    sr.id, sr.received, sr.customer.name, about, earlier, respond_by, resolve_by
                )
            )
            return [], {COMPLAINTS: [Document(made[0].to_dict(), doc_id=doc_id(sr.id))]}

        sr, _ = self.requests.register(received, build, at, actor, channel, also=record, zone=zone)
        return sr, made[0]

    def record(
        self,
        sr: ServiceRequest,
        about: str,
        respond_by: datetime | None = None,
        resolve_by: datetime | None = None,
    ) -> Complaint:
        """The complaint record of a request already saved (e.g. imported with its history)."""
        if sr.category is not Category.COMPLAINT:
            raise DispatcherError(f"{sr.id} is a {sr.category.value} request, not a complaint")
        live = self.store.live
        with self.store.atomic(live):
            if live.table(COMPLAINTS).get(doc_id=doc_id(sr.id)) is not None:
                raise DispatcherError(f"{sr.id} already has its complaint record")
            complaint = new_complaint(
                sr.id, sr.received, sr.customer.name, about, self.all(), respond_by, resolve_by
            )
            live.table(COMPLAINTS).insert(Document(complaint.to_dict(), doc_id=doc_id(sr.id)))
        return complaint

    def change(
        self,
        sr_id: str,
        action: Callable[[Complaint], Complaint],
        at: datetime,
        actor: str,
        channel: str,
        note: str,
        part: str,
    ) -> tuple[Complaint, list[Event]]:
        """Change the record and leave a note of `part` on the request's timeline."""
        live = self.store.live
        with self.store.atomic(live):
            complaint = action(self.get(sr_id))
            live.table(COMPLAINTS).upsert(
                Document(complaint.to_dict(), doc_id=doc_id(complaint.sr))
            )
        _, events = self.requests.change(
            complaint.sr, lambda r: r.note(at, actor, note, channel, complaint=part)
        )
        return complaint, events
