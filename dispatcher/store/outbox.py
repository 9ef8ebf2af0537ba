"""The notification outbox in the store: every notification is a record before it is sent.

A record's state moves as `dispatcher.domain.outbox.NEXT_STATES` allows; each change is one
commit. After a crash, `due()` returns what was queued and due, and what was being sent when
the process died (it is sent again: a page that may arrive twice beats one that never does).
Nothing confirmed sent is ever due again. Each record carries its idempotency key
(`dispatcher.domain.outbox.notification_key`); queuing a record whose key is already in the
outbox queues nothing, so one trigger never pages twice.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from tinydb.table import Document

from dispatcher.domain.addresses import Canonical, same_address
from dispatcher.domain.outbox import NEXT_STATES, PENDING, DeliveryState
from dispatcher.errors import DispatcherError, NotFound
from dispatcher.store import Store
from dispatcher.store.outbox_record import OutboxRecord
from dispatcher.store.request_layout import archived_table

OUTBOX = "outbox"


class OutboxRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table = store.live.table(OUTBOX)

    def enqueue(self, records: list[OutboxRecord]) -> list[OutboxRecord]:
        """Write new notifications, all in one commit, before any of them is sent. A record
        whose idempotency key is already in the outbox is not queued again: the one there is
        returned in its place (so the answer lines up with `records`)."""
        keyed = [r.keyed() for r in records]
        with self.store.atomic(self.store.live):
            srs = {r.sr for r in keyed}
            found = self.table.search(lambda d: d["sr"] in srs and bool(d.get("key")))
            existing = {d["key"]: d for d in found}
            fresh: dict[str, OutboxRecord] = {}  # also once within this batch
            for record in keyed:
                if record.key not in existing and record.key not in fresh:
                    fresh[record.key] = record
            ids = iter(self.table.insert_multiple(r.to_dict() for r in fresh.values()))
            queued = {key: replace(r, id=next(ids)) for key, r in fresh.items()}
        return [
            queued[r.key] if r.key in queued else OutboxRecord.from_document(existing[r.key])
            for r in keyed
        ]

    def again(self, record: OutboxRecord, at: datetime, **changes: Any) -> OutboxRecord:
        """Queue a new notification like `record` (`OutboxRecord.fresh`: a fallback, a resend,
        a message about a page), with `changes` applied; returns it as queued, or the one
        already queued with its key."""
        [queued] = self.enqueue([record.fresh(at, **changes)])
        return queued

    def get(self, record_id: int) -> OutboxRecord:
        doc = self.table.get(doc_id=record_id)
        if doc is None:
            raise NotFound(f"no notification {record_id} in the outbox")
        return OutboxRecord.from_document(doc)

    def move(
        self, record_id: int, state: DeliveryState, at: datetime, **changes: Any
    ) -> OutboxRecord:
        """Change a record's state (and fields) if the state machine allows it."""
        with self.store.atomic(self.store.live):
            record = self.get(record_id)
            if state is not record.state and state not in NEXT_STATES[record.state]:
                raise DispatcherError(
                    f"notification {record_id} cannot go from {record.state.value} to {state.value}"
                )
            moved = replace(record, state=state, updated=at, **changes)
            self.table.update(moved.to_dict(), doc_ids=[record_id])
        return moved

    def sending(self, record_id: int, at: datetime) -> OutboxRecord:
        record = self.get(record_id)
        return self.move(record_id, DeliveryState.SENDING, at, attempt=record.attempt + 1)

    def sending_many(self, record_ids: list[int], at: datetime) -> list[OutboxRecord]:
        """Mark a batch as being sent, in one commit, before any of them is handed over."""
        with self.store.atomic(self.store.live):
            return [self.sending(record_id, at) for record_id in record_ids]

    def retry_at(
        self, record_id: int, due: datetime, at: datetime, error_code: str, detail: str
    ) -> OutboxRecord:
        """A transient failure: queued again, due later."""
        return self.move(
            record_id,
            DeliveryState.QUEUED,
            at,
            due=due,
            failure="transient",
            error_code=error_code,
            detail=detail,
        )

    def delay(self, record_id: int, until: datetime, at: datetime, why: str) -> OutboxRecord:
        """A queued record held back (a provider's rate, a person's call limit): still
        queued, due later, and the detail says until when and why."""
        return self.move(
            record_id,
            DeliveryState.QUEUED,
            at,
            due=until,
            # kept in UTC, and saying so; a reader is shown it in the CSC's zone (`shown_detail`)
            detail=f"delayed until {until.astimezone(UTC):%H:%M:%S} UTC by {why}",
        )

    def all(self) -> list[OutboxRecord]:
        return sorted((OutboxRecord.from_document(d) for d in self.table.all()), key=lambda r: r.id)

    def due(self, now: datetime, skip: Collection[int] = ()) -> list[OutboxRecord]:
        """What to send now: queued and due, or interrupted while sending, but for the ids in
        `skip` (sends under way). Real pages come before drill ones (a real emergency during
        a drill takes priority), then oldest first. Only these records are built: in a burst
        the outbox holds hundreds queued for later or being sent."""
        queued, sending = DeliveryState.QUEUED.value, DeliveryState.SENDING.value

        found = self.table.search(
            lambda d: (
                d["state"] == sending
                or (d["state"] == queued and datetime.fromisoformat(d["due"]) <= now)
            )
        )
        found = [d for d in found if d.doc_id not in skip]
        return sorted(
            (OutboxRecord.from_document(d) for d in found), key=lambda r: (r.drill, r.due, r.id)
        )

    def cancel_queued(
        self, sr: str, at: datetime, why: str, purposes: frozenset[str]
    ) -> list[OutboxRecord]:
        """Cancel an SR's queued notifications of these purposes (its chain ended)."""
        with self.store.atomic(self.store.live):
            queued = [
                r
                for r in self.for_sr(sr)
                if r.state is DeliveryState.QUEUED and r.purpose in purposes
            ]
            return [self.move(r.id, DeliveryState.CANCELLED, at, detail=why) for r in queued]

    def next_due(self) -> datetime | None:
        """When the next queued record falls due: the engine's next outbox wakeup."""
        queued = self.table.search(lambda d: d["state"] == DeliveryState.QUEUED.value)
        return min((datetime.fromisoformat(d["due"]) for d in queued), default=None)

    def requests_paging(
        self,
        address: str,
        among: set[str],
        canonical: Callable[[str], Canonical | None] = lambda kind: None,
    ) -> tuple[str, ...]:
        """Which of the requests `among` had a notification to `address`, sorted
        (`same_address` by the paged contact kind's rules: one number however it is written;
        `canonical(kind)` a plugin kind's declared form)."""
        paged = self.table.search(
            lambda d: (
                d["sr"] in among
                and same_address(
                    d["address"], address, d["contact_kind"], canonical(d["contact_kind"])
                )
            )
        )
        return tuple(sorted({d["sr"] for d in paged}))

    def moving_with(self, sr: str) -> dict[str, list[Document]]:
        """A closed request's notifications, which move to its archive month with it; one
        still to be sent (a Red Flag's closing notice) stays live until it is sent."""
        pending = {s.value for s in PENDING}
        return {OUTBOX: self.table.search(lambda d: d["sr"] == sr and d["state"] not in pending)}

    def by_provider_id(self, channel: str, provider_id: str) -> OutboxRecord | None:
        found = self.table.search(
            lambda d: d["channel"] == channel and d["provider_id"] == provider_id
        )
        return OutboxRecord.from_document(found[0]) if found else None

    def codes_for(self, sr: str) -> dict[str, str]:
        """The acknowledgement code each person's notifications about an SR carry, by person
        (those paged without one left out)."""
        codes: dict[str, str] = {}
        for doc in self.table.search(lambda d: d["sr"] == sr and bool(d.get("ack_code"))):
            codes.setdefault(doc["person"], doc["ack_code"])
        return codes

    def codes_in_use(self) -> set[str]:
        """Every acknowledgement code the live outbox holds."""
        return {code for code in self.table.column("ack_code") if code}

    def by_ack_code(self, ack_code: str) -> list[OutboxRecord]:
        return [
            OutboxRecord.from_document(d)
            for d in self.table.search(lambda d: d["ack_code"] == ack_code)
        ]

    def for_sr(self, sr: str) -> list[OutboxRecord]:
        """An SR's notifications, from live or, once the SR is closed, its archive month."""
        found = self.table.search(lambda d: d["sr"] == sr)
        if not found:
            archived = archived_table(self.store, sr, OUTBOX)
            found = archived.search(lambda d: d["sr"] == sr) if archived is not None else []
        return sorted((OutboxRecord.from_document(d) for d in found), key=lambda r: r.id)
