"""Which service requests are drills, of which scenario, started and aborted by whom.

A drill is identified by its SR's id. Its record keeps a copy of the scenario as it was run,
so the report judges the drill by the targets it was run against, even after drills.yaml
changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from tinydb.table import Document

from dispatcher.domain.drills import Scenario
from dispatcher.domain.request_ids import doc_id
from dispatcher.errors import NotFound
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRepository

DRILLS = "drills"


@dataclass(frozen=True)
class DrillRecord:
    sr: str
    scenario: Scenario
    started: datetime
    actor: str
    aborted: datetime | None = None
    aborted_by: str = ""

    def to_dict(self) -> dict:
        return {
            "sr": self.sr,
            "scenario": self.scenario.to_dict(),
            "started": self.started.isoformat(),
            "actor": self.actor,
            "aborted": self.aborted.isoformat() if self.aborted else None,
            "aborted_by": self.aborted_by,
        }

    @classmethod
    def from_dict(cls, raw: dict) -> DrillRecord:
        return cls(
            raw["sr"],
            Scenario.from_dict(raw["scenario"]),
            datetime.fromisoformat(raw["started"]),
            raw["actor"],
            datetime.fromisoformat(raw["aborted"]) if raw.get("aborted") else None,
            raw.get("aborted_by", ""),
        )


class DrillRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table = store.live.table(DRILLS)

    def add(self, record: DrillRecord) -> DrillRecord:
        with self.store.atomic(self.store.live):
            self.table.upsert(Document(record.to_dict(), doc_id=doc_id(record.sr)))
        return record

    def get(self, sr_id: str) -> DrillRecord:
        raw = self.table.get(doc_id=doc_id(sr_id.strip().upper()))
        if raw is None:
            raise NotFound(f"no drill {sr_id} (drill list shows them)")
        return DrillRecord.from_dict(raw)

    def all(self) -> list[DrillRecord]:
        """Every drill, oldest first."""
        return sorted(
            (DrillRecord.from_dict(d) for d in self.table.all()), key=lambda r: (r.started, r.sr)
        )

    def running(self) -> list[DrillRecord]:
        """The drills whose chain is still running: while there is one, the desk shows DRILL."""
        running = {r.sr for r in CalloutRepository(self.store).running() if r.run.drill}
        return [d for d in self.all() if d.sr in running]

    def aborted(self, sr_id: str, at: datetime, actor: str) -> DrillRecord:
        with self.store.atomic(self.store.live):
            record = replace(self.get(sr_id), aborted=at, aborted_by=actor)
            self.table.upsert(Document(record.to_dict(), doc_id=doc_id(record.sr)))
        return record
