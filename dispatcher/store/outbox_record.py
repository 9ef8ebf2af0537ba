"""One outbox record: a notification to one contact method, its rendered texts, and where
its delivery stands; how it is keyed, copied for a retry, and stored as a document."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from tinydb.table import Document

from dispatcher.domain.outbox import DeliveryState, Purpose, Urgency, notification_key
from dispatcher.domain.stored import member_or_value


@dataclass(frozen=True)
class OutboxRecord:
    """One notification to one contact method, and where it stands."""

    sr: str
    person: str
    channel: str
    contact_kind: str
    address: str
    ack_code: str
    purpose: Purpose
    created: datetime
    due: datetime
    state: DeliveryState = DeliveryState.QUEUED
    drill: bool = False
    round: int = 0
    step: int = 0
    attempt: int = 0  # sends so far
    provider_id: str = ""
    provider_status: str = ""  # the channel's last word: sent, delivered, answered, busy, ...
    failure: str = ""  # "permanent" or "transient" after a failed send
    error_code: str = ""
    detail: str = ""
    updated: datetime | None = None
    # The rendered message, so a record can be sent, shown or retried on its own.
    short_text: str = ""
    long_text: str = ""
    spoken_text: str = ""
    language: str = "en"
    urgency: Urgency | str = Urgency.NORMAL  # a string only for a value this version does not know
    topic: str = ""  # what a notice is about: "sla:response:near", "red_flag:opened", ...
    run: str = ""  # the call-out run a page belongs to: when the run started
    instance: str = ""  # what makes it one of several alike: ".2" a second re-page, ...
    key: str = ""  # the idempotency key, given when queued
    id: int = 0  # the store's document id, given when queued

    def fresh(self, at: datetime, **changes: Any) -> OutboxRecord:
        """A new notification like this one, queued at `at` and not yet tried (a fallback,
        a resend, a message about this page), with `changes` applied."""
        cleared = {
            "id": 0,
            "created": at,
            "due": at,
            "state": DeliveryState.QUEUED,
            "attempt": 0,
            "provider_id": "",
            "provider_status": "",
            "failure": "",
            "error_code": "",
            "detail": "",
            "updated": None,
            "key": "",
        }
        return replace(self, **{**cleared, **changes})

    def keyed(self) -> OutboxRecord:
        """This record with its idempotency key."""
        purpose = f"{self.purpose}:{self.topic}" if self.topic else self.purpose
        key = notification_key(
            self.sr,
            self.run,
            self.round,
            self.step,
            self.instance,
            self.person,
            self.channel,
            self.address,
            purpose,
        )
        return replace(self, key=key)

    def to_dict(self) -> dict[str, Any]:
        raw = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "id"}
        raw["state"] = self.state.value
        raw["purpose"] = str(self.purpose)
        raw["urgency"] = str(self.urgency)
        for key in ("created", "due", "updated"):
            raw[key] = raw[key].isoformat() if raw[key] else None
        return raw

    @classmethod
    def from_document(cls, doc: Document) -> OutboxRecord:
        raw = dict(doc)
        raw["state"] = DeliveryState(raw["state"])
        # A purpose this version does not know stays its string (it is sent as a notice).
        raw["purpose"] = member_or_value(Purpose, raw["purpose"])
        raw["urgency"] = member_or_value(Urgency, raw.get("urgency", Urgency.NORMAL))
        for key in ("created", "due", "updated"):
            raw[key] = datetime.fromisoformat(raw[key]) if raw.get(key) else None
        return cls(**raw, id=doc.doc_id)
