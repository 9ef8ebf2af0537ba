"""Planned services (计划性服务): announced work with a window, and what happens around it.

Go-live (系统上线), expansion (扩容) and inspection (巡检) under contract; patches (补丁) and
upgrades (升版) the vendor starts; cutovers (割接). The desk shows the night's planned work; a
fault reported at the same site during a window is linked to that work; after every completed
cutover the customer gets a satisfaction callback, queued by the completion itself. A cutover's
callback leaves the queue once the customer is reached, or after `CALLBACK_ATTEMPTS` tries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from dispatcher.domain.callbacks import CallbackDue
from dispatcher.domain.lifecycle import CALLBACK_ATTEMPTS, CallbackOutcome
from dispatcher.domain.request_parts import Category
from dispatcher.domain.requests import ServiceRequest
from dispatcher.errors import DispatcherError, IllegalTransition

PLANNED_ID = re.compile(r"^PS-(\d{8})-(\d{2,})$")
ID_DAY_FACTOR = 1_000
LAST_NUMBER = 99  # PS-YYYYMMDD-NN: the last number of a day handed out


class PlannedKind(StrEnum):
    GO_LIVE = "go_live"  # 系统上线
    EXPANSION = "expansion"  # 扩容
    INSPECTION = "inspection"  # 巡检
    PATCH = "patch"  # 补丁
    UPGRADE = "upgrade"  # 升版
    CUTOVER = "cutover"  # 割接


class PlannedState(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class CallbackAttempt:
    at: datetime
    actor: str
    outcome: CallbackOutcome
    score: int | None = None
    words: str = ""
    called: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "outcome": self.outcome.value,
            "score": self.score,
            "words": self.words,
            "called": self.called,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CallbackAttempt:
        return cls(
            datetime.fromisoformat(raw["at"]),
            raw["actor"],
            CallbackOutcome(raw["outcome"]),
            raw.get("score"),
            raw.get("words", ""),
            raw.get("called", ""),
        )


@dataclass(frozen=True)
class PlannedService:
    id: str
    kind: PlannedKind
    title: str
    start: datetime
    end: datetime
    site: str = ""
    product: str = ""
    customer: str = ""
    contact: str = ""  # whom the satisfaction callback calls
    state: PlannedState = PlannedState.PLANNED
    started: datetime | None = None
    completed: datetime | None = None
    cancelled_reason: str = ""
    callbacks: tuple[CallbackAttempt, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise DispatcherError(f"{self.id}: the window must end after it starts")

    # -- the window -------------------------------------------------------------------------

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end

    def covers(self, at: datetime) -> bool:
        return self.start <= at <= self.end

    def linked_faults(self, requests: list[ServiceRequest]) -> list[ServiceRequest]:
        """Real faults reported at this work's site (and product, when both name one) during
        its window: a fault during a cutover is most likely the cutover's."""
        return [
            sr
            for sr in requests
            if sr.category is Category.FAULT_SUPPORT
            and not sr.drill
            and self.covers(sr.received)
            and self.site
            and sr.site.casefold() == self.site.casefold()
            and not (self.product and sr.product and sr.product != self.product)
        ]

    # -- changes ---------------------------------------------------------------------------

    def begin(self, at: datetime) -> PlannedService:
        self._require((PlannedState.PLANNED,), "start")
        return replace(self, state=PlannedState.IN_PROGRESS, started=at)

    def complete(self, at: datetime) -> PlannedService:
        """Completed; a completed cutover queues its satisfaction callback."""
        self._require((PlannedState.PLANNED, PlannedState.IN_PROGRESS), "complete")
        return replace(
            self, state=PlannedState.COMPLETED, completed=at, started=self.started or self.start
        )

    def cancel(self, reason: str) -> PlannedService:
        if not reason.strip():
            raise DispatcherError(f"cancelling {self.id} needs a reason")
        self._require((PlannedState.PLANNED, PlannedState.IN_PROGRESS), "cancel")
        return replace(self, state=PlannedState.CANCELLED, cancelled_reason=reason.strip())

    def record_callback(self, attempt: CallbackAttempt) -> PlannedService:
        if self.callback_due() is None:
            raise IllegalTransition(
                f"{self.id} has no satisfaction callback waiting: " + self._why_no_callback()
            )
        if attempt.score is not None and not 1 <= attempt.score <= 5:
            raise DispatcherError(f"callback score must be 1 to 5, not {attempt.score}")
        if attempt.outcome is not CallbackOutcome.REACHED and attempt.score is not None:
            raise DispatcherError("a satisfaction score needs a reached customer")
        return replace(self, callbacks=(*self.callbacks, attempt))

    def _require(self, states: tuple[PlannedState, ...], action: str) -> None:
        if self.state not in states:
            raise IllegalTransition(f"cannot {action} {self.id}: it is {self.state.value}")

    def _why_no_callback(self) -> str:
        if self.kind is not PlannedKind.CUTOVER:
            return "only cutovers get one"
        if self.state is not PlannedState.COMPLETED:
            return f"it is {self.state.value}, and the call follows completion"
        return "the customer was already called back"

    # -- the satisfaction callback ---------------------------------------------------------

    def callback_due(self) -> CallbackDue | None:
        if self.kind is not PlannedKind.CUTOVER or self.state is not PlannedState.COMPLETED:
            return None
        if any(a.outcome is CallbackOutcome.REACHED for a in self.callbacks):
            return None
        if len(self.callbacks) >= CALLBACK_ATTEMPTS:
            return None
        assert self.completed is not None
        last = self.callbacks[-1].outcome.value if self.callbacks else ""
        return CallbackDue(
            self.id,
            "cutover",
            self.customer,
            self.contact,
            f"satisfaction call after cutover: {self.title}",
            self.completed,
            len(self.callbacks),
            last,
        )

    # -- records ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        def time(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "kind": self.kind.value,
            "title": self.title,
            "start": time(self.start),
            "end": time(self.end),
            "site": self.site,
            "product": self.product,
            "customer": self.customer,
            "contact": self.contact,
            "state": self.state.value,
            "started": time(self.started),
            "completed": time(self.completed),
            "cancelled_reason": self.cancelled_reason,
            "callbacks": [a.to_dict() for a in self.callbacks],
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> PlannedService:
        def time(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        return cls(
            id=raw["id"],
            kind=PlannedKind(raw["kind"]),
            title=raw["title"],
            start=datetime.fromisoformat(raw["start"]),
            end=datetime.fromisoformat(raw["end"]),
            site=raw.get("site", ""),
            product=raw.get("product", ""),
            customer=raw.get("customer", ""),
            contact=raw.get("contact", ""),
            state=PlannedState(raw.get("state", "planned")),
            started=time(raw.get("started")),
            completed=time(raw.get("completed")),
            cancelled_reason=raw.get("cancelled_reason", ""),
            callbacks=tuple(CallbackAttempt.from_dict(a) for a in raw.get("callbacks", [])),
        )


def format_planned_id(day: date, number: int) -> str:
    return f"PS-{day:%Y%m%d}-{number:02d}"


def planned_doc_id(planned_id: str) -> int:
    match = PLANNED_ID.match(planned_id.strip().upper())
    if not match or not 0 < int(match.group(2)) < ID_DAY_FACTOR:
        raise DispatcherError(f"'{planned_id}' is not a planned service id like PS-20261125-01")
    return int(match.group(1)) * ID_DAY_FACTOR + int(match.group(2))


def is_planned_id(subject: str) -> bool:
    return bool(PLANNED_ID.match(subject.strip().upper()))
