"""Service requests (SR): what is recorded, and the changes the lifecycle allows.

The lifecycle follows the CSC's process rules (`dispatcher.domain.lifecycle`):

    new → dispatched → acknowledged → in progress → restored → resolved → callback (回访) → closed

with escalation (L1 → L2 → L3) at any open state and reopening after a failed callback. Every
change returns the timeline events it causes (`dispatcher.domain.timeline.Event`); nothing on a
timeline is edited or deleted, a correction is a new event. This module does no I/O and reads
no clock: callers pass `at`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from dispatcher.domain.lifecycle import (
    CALLBACK_ATTEMPTS,
    OPEN_BEFORE_RESOLUTION,
    TRANSITIONS,
    CallbackOutcome,
    Status,
    check_callback,
    why_not,
)
from dispatcher.domain.request_ids import id_day
from dispatcher.domain.request_parts import (
    Category,
    Customer,
    IntakeChannel,
    Level,
    Owner,
    RedFlag,
    Reporter,
    Severity,
    shared_part,
)
from dispatcher.domain.stored import member
from dispatcher.domain.timeline import ENGINE_EVENTS, Event, EventKind
from dispatcher.errors import DispatcherError, IllegalTransition


@dataclass
class ServiceRequest:
    id: str
    received: datetime
    category: Category
    summary: str
    severity: Severity = Severity.MINOR
    intake: IntakeChannel = IntakeChannel.PHONE
    reporter: Reporter = field(default_factory=Reporter)
    customer: Customer = field(default_factory=Customer)
    site: str = ""  # the branch or overseas site concerned
    product: str = ""
    description: str = ""
    criteria: tuple[str, ...] = ()  # "1".."12" base, others the product line's own
    owner: Owner = field(default_factory=Owner)
    level: Level = Level.L1
    status: Status = Status.NEW
    red_flag: RedFlag | None = None
    drill: bool = False
    callback_attempts: int = 0  # callbacks recorded since the last resolution
    event_count: int = 0

    # -- derived ------------------------------------------------------------------------

    @property
    def is_emergency(self) -> bool:
        return bool(self.criteria)

    @property
    def is_open(self) -> bool:
        return self.status is not Status.CLOSED

    @property
    def day(self) -> date:
        return id_day(self.id)

    # -- changes: each returns the timeline events it causes ----------------------------

    def _event(
        self,
        at: datetime,
        actor: str,
        kind: EventKind,
        text: str = "",
        channel: str = "",
        **data: Any,
    ) -> Event:
        self.event_count += 1
        return Event(self.id, self.event_count, at, actor, kind, text, channel, data)

    def _move(
        self, action: str, at: datetime, actor: str, channel: str, text: str = "", **data: Any
    ) -> list[Event]:
        allowed_from, target, kind = TRANSITIONS[action]
        if self.status not in allowed_from:
            raise IllegalTransition(f"cannot {action} {self.id}: {why_not(action, self.status)}")
        moved = {"from": self.status.value, "to": target.value}
        self.status = target
        return [self._event(at, actor, kind, text, channel, **moved, **data)]

    def registered(self, at: datetime, actor: str, channel: str) -> list[Event]:
        """The events of a new SR: its registration, and its Red Flag if it is an emergency."""
        events = [
            self._event(
                at,
                actor,
                EventKind.REGISTERED,
                self.summary,
                channel,
                category=self.category.value,
                severity=self.severity.value,
                criteria=list(self.criteria),
            )
        ]
        if self.is_emergency:
            events += self._open_red_flag(at, actor, channel)
        return events

    def dispatch(self, at: datetime, actor: str, channel: str = "", text: str = "") -> list[Event]:
        return self._move("dispatch", at, actor, channel, text)

    def acknowledge(
        self, at: datetime, actor: str, channel: str = "", text: str = "", by: str = ""
    ) -> list[Event]:
        """Someone owns the problem; `by` is who acknowledged when the actor records it for them."""
        return self._move("acknowledge", at, actor, channel, text, **({"by": by} if by else {}))

    def start(self, at: datetime, actor: str, channel: str = "", text: str = "") -> list[Event]:
        return self._move("start", at, actor, channel, text)

    def restore(self, at: datetime, actor: str, channel: str = "", text: str = "") -> list[Event]:
        return self._move("restore", at, actor, channel, text)

    def resolve(self, at: datetime, actor: str, channel: str = "", text: str = "") -> list[Event]:
        events = self._move("resolve", at, actor, channel, text)
        if self.red_flag and self.red_flag.is_open:
            self.red_flag = replace(self.red_flag, closed=at)
            events.append(self._event(at, actor, EventKind.RED_FLAG_CLOSED, "", channel))
        return events

    def record_callback(
        self,
        at: datetime,
        actor: str,
        outcome: CallbackOutcome,
        score: int | None = None,
        words: str = "",
        channel: str = "",
        called: str = "",
        reopen: bool = False,
    ) -> list[Event]:
        """A callback (回访) attempt to `called`; a reached customer makes the SR ready to close,
        and a dissatisfied one (score ≤ DISSATISFIED) may reopen it at once (`reopen`)."""
        check_callback(self.id, self.status, outcome, score, reopen)
        self.callback_attempts += 1
        data: dict[str, Any] = {"outcome": outcome.value, "attempt": self.callback_attempts}
        if score is not None:
            data["score"] = score
        if called.strip():
            data["called"] = called.strip()
        previous = self.status
        if outcome is CallbackOutcome.REACHED:
            self.status = Status.CALLBACK
        data.update({"from": previous.value, "to": self.status.value})
        events = [self._event(at, actor, EventKind.CALLBACK, words, channel, **data)]
        if reopen:
            events += self.reopen(
                at, actor, words.strip() or f"dissatisfied callback (score {score})", channel
            )
        return events

    def reopen(self, at: datetime, actor: str, reason: str, channel: str = "") -> list[Event]:
        if not reason.strip():
            raise DispatcherError(f"reopening {self.id} needs a reason")
        events = self._move("reopen", at, actor, channel, reason)
        self.callback_attempts = 0  # the next resolution starts a new round of callbacks
        if self.is_emergency:
            events += self._open_red_flag(at, actor, channel)
        return events

    def close(
        self,
        at: datetime,
        actor: str,
        channel: str = "",
        text: str = "",
        without_callback: str = "",
    ) -> list[Event]:
        """Close after a reached callback; or, with `without_callback` saying why none was
        possible, after CALLBACK_ATTEMPTS unanswered attempts."""
        if not without_callback.strip():
            return self._move("close", at, actor, channel, text)
        if self.status is not Status.RESOLVED:
            reason = why_not("close", self.status)
            raise IllegalTransition(f"cannot close {self.id} without a callback: {reason}")
        if self.callback_attempts < CALLBACK_ATTEMPTS:
            raise IllegalTransition(
                f"cannot close {self.id} without a callback: {self.callback_attempts} of "
                f"{CALLBACK_ATTEMPTS} callback attempts made"
            )
        moved = {"from": self.status.value, "to": Status.CLOSED.value}
        self.status = Status.CLOSED
        why = {"without_callback": without_callback.strip(), "attempts": self.callback_attempts}
        return [self._event(at, actor, EventKind.CLOSED, text, channel, **moved, **why)]

    def escalate(self, at: datetime, actor: str, channel: str = "", text: str = "") -> list[Event]:
        if self.status not in OPEN_BEFORE_RESOLUTION:
            raise IllegalTransition(f"cannot escalate {self.id}: it is {self.status.value}")
        levels = list(Level)
        index = levels.index(self.level)
        if index == len(levels) - 1:
            raise IllegalTransition(
                f"cannot escalate {self.id}: it is already at {self.level.value}"
            )
        moved = {"from": self.level.value, "to": levels[index + 1].value}
        self.level = levels[index + 1]
        return [self._event(at, actor, EventKind.ESCALATED, text, channel, **moved)]

    def assign(
        self, at: datetime, actor: str, owner: Owner, channel: str = "", text: str = ""
    ) -> list[Event]:
        if not self.is_open:
            raise IllegalTransition(f"cannot reassign {self.id}: it is closed")
        previous, self.owner = self.owner, owner
        return [
            self._event(
                at,
                actor,
                EventKind.ASSIGNED,
                text,
                channel,
                unit=owner.unit,
                person=owner.person,
                previous_unit=previous.unit,
                previous_person=previous.person,
            )
        ]

    def declare(
        self, at: datetime, actor: str, criteria: tuple[str, ...], channel: str = "", text: str = ""
    ) -> list[Event]:
        """Add emergency criteria found after registration; the first one raises a Red Flag."""
        if not self.is_open:
            raise IllegalTransition(f"cannot change the criteria of {self.id}: it is closed")
        new = tuple(c for c in criteria if c not in self.criteria)
        if not new:
            raise DispatcherError(f"{self.id} already has criteria {', '.join(criteria)}")
        was_emergency = self.is_emergency
        self.criteria = self.criteria + new
        events = [
            self._event(at, actor, EventKind.CRITERIA_ADDED, text, channel, criteria=list(new))
        ]
        if not was_emergency and self.status in OPEN_BEFORE_RESOLUTION:
            events += self._open_red_flag(at, actor, channel)
        return events

    def note(
        self, at: datetime, actor: str, text: str, channel: str = "", **data: Any
    ) -> list[Event]:
        if not text.strip():
            raise DispatcherError("a note needs text")
        return [self._event(at, actor, EventKind.NOTE, text, channel, **data)]

    def record(
        self,
        at: datetime,
        actor: str,
        kind: EventKind,
        text: str = "",
        channel: str = "",
        **data: Any,
    ) -> list[Event]:
        """A call-out or SLA event (a page sent, a step reached, a breach): on the timeline,
        the SR's state unchanged."""
        if kind not in ENGINE_EVENTS:
            raise ValueError(f"{kind!r} is not an engine event")
        return [self._event(at, actor, kind, text, channel, **data)]

    def _open_red_flag(self, at: datetime, actor: str, channel: str) -> list[Event]:
        """CSQ's Red Flag for an emergency; a drill's made-up emergency never raises one."""
        if self.drill:
            return []
        self.red_flag = RedFlag(opened=at)
        return [
            self._event(
                at,
                actor,
                EventKind.RED_FLAG_OPENED,
                "emergency criteria " + ", ".join(self.criteria),
                channel,
            )
        ]

    # -- records ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The request as plain JSON values, fields in declaration order."""
        return {
            "id": self.id,
            "received": self.received.isoformat(),
            "category": self.category.value,
            "summary": self.summary,
            "severity": self.severity.value,
            "intake": self.intake.value,
            "reporter": asdict(self.reporter),
            "customer": self.customer.to_dict(),
            "site": self.site,
            "product": self.product,
            "description": self.description,
            "criteria": list(self.criteria),
            "owner": asdict(self.owner),
            "level": self.level.value,
            "status": self.status.value,
            "red_flag": None if self.red_flag is None else self.red_flag.to_dict(),
            "drill": self.drill,
            "callback_attempts": self.callback_attempts,
            "event_count": self.event_count,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ServiceRequest:
        flag = raw.get("red_flag")
        return cls(
            id=raw["id"],
            received=datetime.fromisoformat(raw["received"]),
            category=member(Category, raw["category"]),
            summary=raw["summary"],
            severity=member(Severity, raw.get("severity", "minor")),
            intake=member(IntakeChannel, raw.get("intake", "phone")),
            reporter=shared_part(Reporter, raw.get("reporter")),
            customer=Customer.from_dict(raw.get("customer")),
            site=raw.get("site", ""),
            product=raw.get("product", ""),
            description=raw.get("description", ""),
            criteria=tuple(raw.get("criteria") or ()),
            owner=shared_part(Owner, raw.get("owner")),
            level=member(Level, raw.get("level", "L1")),
            status=member(Status, raw.get("status", "new")),
            red_flag=RedFlag.from_dict(flag) if flag else None,
            drill=bool(raw.get("drill", False)),
            callback_attempts=int(raw.get("callback_attempts", 0)),
            event_count=int(raw.get("event_count", 0)),
        )
