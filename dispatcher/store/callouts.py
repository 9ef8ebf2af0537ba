"""Call-out runs in the store: where each SR's chain stands, and every step it reached.

One document per SR whose chain has started, in the live partition, with a doc id derived
from the SR's id. Any process may change a run (a desk acknowledges, a command escalates);
the engine holder pages what a run's current step needs. `paged` names the step instance
whose pages are already in the outbox, so after a crash the engine pages exactly the steps
that were reached and not yet paged: the run and the step's notifications change in one
commit.

The `confirmations` table records, for each (person, channel, address), when a person last
acknowledged through it: the proof that a contact method works.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from tinydb import Query
from tinydb.table import Document

from dispatcher.domain.callout import CalloutRun, Position, ReachedBy, RunState
from dispatcher.domain.outbox import Purpose
from dispatcher.domain.request_ids import doc_id
from dispatcher.domain.stored import member_or_value
from dispatcher.store import Store
from dispatcher.store.request_layout import archived_table

CALLOUTS = "callouts"
CONFIRMATIONS = "confirmations"


@dataclass(frozen=True)
class StepLog:
    """One step as it ran: whom it paged, through which channels, and how it was reached."""

    round: int
    step: int
    at: datetime
    people: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    nobody_for: tuple[str, ...] = ()  # targets that resolved to nobody
    skipped: bool = False  # the step reached nobody and was skipped at once
    how: ReachedBy | str = ReachedBy.TIMER  # a string only for a value this version does not know

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "step": self.step,
            "at": self.at.isoformat(),
            "people": list(self.people),
            "channels": list(self.channels),
            "nobody_for": list(self.nobody_for),
            "skipped": self.skipped,
            "how": str(self.how),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> StepLog:
        return cls(
            raw["round"],
            raw["step"],
            datetime.fromisoformat(raw["at"]),
            tuple(raw.get("people", ())),
            tuple(raw.get("channels", ())),
            tuple(raw.get("nobody_for", ())),
            bool(raw.get("skipped")),
            member_or_value(ReachedBy, raw.get("how", ReachedBy.TIMER)),
        )


@dataclass(frozen=True)
class CalloutRecord:
    """An SR's call-out run (`domain.callout.CalloutRun`: where the chain stands) and what the
    store keeps beside it: the chain's size, the step log, which step instance is paged, how
    the current step was reached, and whether a dispatcher saw that it ran out."""

    run: CalloutRun
    steps_total: int
    repeat: int  # rounds in all
    stopped_reason: str = ""
    steps: tuple[StepLog, ...] = ()
    paged: str = ""  # the step instance whose pages are queued (see `step_key`)
    how: ReachedBy | str = ReachedBy.START  # how the current step was reached
    repages: int = 0  # re-pages by hand so far: each makes the current step a new instance
    seen: bool = True  # an exhausted chain flashes on the desk until a dispatcher saw it
    updated: datetime | None = None

    @property
    def sr(self) -> str:
        """The SR's id, which names the record (its document id derives from it)."""
        return self.run.sr

    @property
    def running(self) -> bool:
        return self.run.running

    @property
    def step_key(self) -> str:
        """Names this instance of the current step: a re-page is a new instance."""
        run = self.run
        return f"{run.position.round}.{run.position.step}.{self.repages}@{run.step_started.isoformat()}"

    @property
    def needs_paging(self) -> bool:
        return self.running and self.paged != self.step_key

    def position_label(self, language: str = "en") -> str:
        return self.run.position.label(language)

    def with_run(self, run: CalloutRun, at: datetime, **changes: Any) -> CalloutRecord:
        """This record moved to where `run` stands."""
        return replace(self, run=run, updated=at, **changes)

    @classmethod
    def begin(cls, run: CalloutRun, steps_total: int, repeat: int) -> CalloutRecord:
        return cls(run, steps_total, repeat, updated=run.started)

    def to_dict(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        run = self.run
        return {
            "sr": run.sr,
            "chain": run.chain,
            "started": iso(run.started),
            "round": run.position.round,
            "step": run.position.step,
            "step_started": iso(run.step_started),
            "step_deadline": iso(run.step_deadline),
            "steps_total": self.steps_total,
            "repeat": self.repeat,
            "state": run.state.value,
            "drill": run.drill,
            "acknowledged_by": run.acknowledged_by,
            "acknowledged_at": iso(run.acknowledged_at),
            "acknowledged_via": run.acknowledged_via,
            "stopped_reason": self.stopped_reason,
            "steps": [s.to_dict() for s in self.steps],
            "paged": self.paged,
            "how": str(self.how),
            "repages": self.repages,
            "seen": self.seen,
            "updated": iso(self.updated),
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CalloutRecord:
        def when(key: str) -> datetime | None:
            return datetime.fromisoformat(raw[key]) if raw.get(key) else None

        run = CalloutRun(
            sr=raw["sr"],
            chain=raw["chain"],
            started=datetime.fromisoformat(raw["started"]),
            position=Position(raw["round"], raw["step"]),
            step_started=datetime.fromisoformat(raw["step_started"]),
            step_deadline=datetime.fromisoformat(raw["step_deadline"]),
            state=RunState(raw["state"]),
            drill=bool(raw.get("drill")),
            acknowledged_by=raw.get("acknowledged_by", ""),
            acknowledged_at=when("acknowledged_at"),
            acknowledged_via=raw.get("acknowledged_via", ""),
        )
        return cls(
            run=run,
            steps_total=raw["steps_total"],
            repeat=raw["repeat"],
            stopped_reason=raw.get("stopped_reason", ""),
            steps=tuple(StepLog.from_dict(s) for s in raw.get("steps", ())),
            paged=raw.get("paged", ""),
            how=member_or_value(ReachedBy, raw.get("how", ReachedBy.TIMER)),
            repages=int(raw.get("repages", 0)),
            seen=bool(raw.get("seen", True)),
            updated=when("updated"),
        )


class CalloutRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table = store.live.table(CALLOUTS)

    def get(self, sr_id: str) -> CalloutRecord | None:
        """An SR's run, from live or, once the SR is closed, from its archive month."""
        raw = self.table.get(doc_id=doc_id(sr_id))
        if raw is None:
            archived = archived_table(self.store, sr_id, CALLOUTS)
            raw = archived.get(doc_id=doc_id(sr_id)) if archived is not None else None
        return CalloutRecord.from_dict(raw) if raw is not None else None

    def all(self, skip: Collection[str] = ()) -> list[CalloutRecord]:
        """Every run in live, oldest first, but those of the requests in `skip` (not read)."""
        return sorted(
            (CalloutRecord.from_dict(d) for d in self.table.all() if d["sr"] not in skip),
            key=lambda r: (r.run.started, r.sr),
        )

    def deadlines(self) -> list[datetime]:
        """When the current step of each running run ends, read from the stored documents
        alone (the engine asks on every pass; building every run costs it more)."""
        running = RunState.RUNNING.value
        return [
            datetime.fromisoformat(d["step_deadline"])
            for d in self.table.all()
            if d["state"] == running
        ]

    def running(self) -> list[CalloutRecord]:
        running = RunState.RUNNING.value
        return sorted(
            (CalloutRecord.from_dict(d) for d in self.table.all() if d["state"] == running),
            key=lambda r: (r.run.started, r.sr),
        )

    def save(self, record: CalloutRecord) -> None:
        """Write a run (call inside the caller's atomic block on live)."""
        self.table.upsert(Document(record.to_dict(), doc_id=doc_id(record.sr)))

    def document(self, record: CalloutRecord) -> Document:
        """A new run as a document for `Store.append_new`."""
        return Document(record.to_dict(), doc_id=doc_id(record.sr))

    def moving_with(self, sr_id: str) -> dict[str, list[Document]]:
        """A closed request's run, which moves to its archive month with it."""
        raw = self.table.get(doc_id=doc_id(sr_id))
        return {CALLOUTS: [raw] if raw is not None else []}

    def mark_seen(self, sr_id: str) -> None:
        """A dispatcher has seen that this chain ran out: it stops flashing."""
        with self.store.atomic(self.store.live):
            record = self.get(sr_id)
            if record is not None and not record.seen:
                self.save(replace(record, seen=True))


@dataclass(frozen=True)
class Confirmation:
    person: str
    channel: str
    address: str
    kind: str
    at: datetime
    purpose: Purpose = Purpose.PAGE  # of the notification acknowledged


def confirm(store: Store, confirmation: Confirmation) -> None:
    """Record that a person acknowledged through a contact method (call inside a commit)."""
    table = store.live.table(CONFIRMATIONS)
    key = f"{confirmation.person}|{confirmation.channel}|{confirmation.address}"
    table.upsert(
        {
            "key": key,
            "person": confirmation.person,
            "channel": confirmation.channel,
            "address": confirmation.address,
            "kind": confirmation.kind,
            "at": confirmation.at.isoformat(),
            "purpose": str(confirmation.purpose),
        },
        Query().key == key,
    )


def confirmations(store: Store) -> dict[tuple[str, str, str], datetime]:
    """When each (person, channel, address) was last confirmed by an acknowledgement."""
    return {
        (d["person"], d["channel"], d["address"]): datetime.fromisoformat(d["at"])
        for d in store.live.table(CONFIRMATIONS).all()
    }
