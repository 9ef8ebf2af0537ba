"""Service requests (SR): what is recorded, the lifecycle, and the timeline.

The lifecycle follows the CSC's process rules:

    new → dispatched → acknowledged → in progress → restored → resolved → callback (回访) → closed

with escalation (L1 → L2 → L3) at any open state and reopening after a failed callback. Every
change returns the timeline events it causes; nothing on a timeline is edited or deleted, a
correction is a new event. This module does no I/O and reads no clock: callers pass `at`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from dispatcher.domain.emergency import BASE_BY_ID
from dispatcher.domain.timeline import ENGINE_EVENTS, EventKind, kind_of
from dispatcher.errors import DispatcherError, IllegalTransition


class Category(StrEnum):
    CONSULTATION = "consultation"  # 咨询
    COMPLAINT = "complaint"  # 投诉
    TECHNICAL_CONSULTATION = "technical_consultation"  # 技术咨询
    PLANNED_SERVICE = "planned_service"  # 计划性服务
    FAULT_SUPPORT = "fault_support"  # 故障技术支持服务


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    INFO = "info"


class IntakeChannel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    BRANCH = "branch"
    OVERSEAS_SITE = "overseas_site"


class VipKind(StrEnum):
    """The important customers of emergency criterion 9."""

    GOVERNMENT = "government"
    LARGE_ENTERPRISE = "large_enterprise"
    BANK = "bank"
    STOCK_EXCHANGE = "stock_exchange"


class Level(StrEnum):
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"


class Status(StrEnum):
    NEW = "new"
    DISPATCHED = "dispatched"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESTORED = "restored"
    RESOLVED = "resolved"
    CALLBACK = "callback"  # called back (回访); ready to close
    CLOSED = "closed"


class CallbackOutcome(StrEnum):
    REACHED = "reached"
    NOT_REACHED = "not_reached"
    REFUSED = "refused"


OPEN_BEFORE_RESOLUTION = (
    Status.NEW,
    Status.DISPATCHED,
    Status.ACKNOWLEDGED,
    Status.IN_PROGRESS,
    Status.RESTORED,
)

# The moves the process allows: action → (states it may start from, state it leads to,
# the kind of the timeline event it leaves).
TRANSITIONS: dict[str, tuple[tuple[Status, ...], Status, EventKind]] = {
    "dispatch": ((Status.NEW,), Status.DISPATCHED, EventKind.DISPATCHED),
    "acknowledge": ((Status.NEW, Status.DISPATCHED), Status.ACKNOWLEDGED, EventKind.ACKNOWLEDGED),
    "start": ((Status.ACKNOWLEDGED,), Status.IN_PROGRESS, EventKind.STARTED),
    "restore": ((Status.ACKNOWLEDGED, Status.IN_PROGRESS), Status.RESTORED, EventKind.RESTORED),
    "resolve": (OPEN_BEFORE_RESOLUTION, Status.RESOLVED, EventKind.RESOLVED),
    "reopen": ((Status.RESOLVED, Status.CALLBACK), Status.IN_PROGRESS, EventKind.REOPENED),
    "close": ((Status.CALLBACK,), Status.CLOSED, EventKind.CLOSED),
}

# The closure rule: a case closes after a reached callback (回访), or, when the customer could
# not be reached in CALLBACK_ATTEMPTS tries, with the reason recorded. A score at or below
# DISSATISFIED is a dissatisfied customer, whose callback may reopen the case.
CALLBACK_ATTEMPTS = 3
DISSATISFIED = 2

_WHY_NOT = {
    ("close", Status.RESOLVED): "it was never called back (回访); record a callback first, or "
    f"after {CALLBACK_ATTEMPTS} unanswered attempts give the reason "
    "none was possible",
    ("close", Status.CLOSED): "it is already closed",
    ("acknowledge", Status.CLOSED): "it is closed",
}

SR_ID = re.compile(r"^SR-(\d{8})-(\d{4,})$")
ID_DAY_FACTOR = 100_000  # doc id = YYYYMMDD * factor + number of the day


@dataclass(frozen=True)
class Event:
    """One entry of an SR's timeline: who did what, when, through which channel."""

    sr: str
    seq: int
    at: datetime
    actor: str
    kind: EventKind | str  # a string only for a kind this version does not know (`kind_of`)
    text: str = ""
    channel: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sr": self.sr,
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "kind": str(self.kind),
            "text": self.text,
            "channel": self.channel,
            "data": self.data,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Event:
        return cls(
            sr=raw["sr"],
            seq=int(raw["seq"]),
            at=datetime.fromisoformat(raw["at"]),
            actor=raw["actor"],
            kind=kind_of(raw["kind"]),
            text=raw.get("text", ""),
            channel=raw.get("channel", ""),
            data=dict(raw.get("data") or {}),
        )


@dataclass(frozen=True)
class Reporter:
    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Customer:
    name: str = ""  # the operator or enterprise
    vip: VipKind | None = None


@dataclass(frozen=True)
class Owner:
    unit: str = ""
    person: str = ""


@dataclass(frozen=True)
class RedFlag:
    """CSQ's record of an emergency (CCI Red Flag): open until the SR is resolved."""

    opened: datetime
    closed: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.closed is None


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
            reason = _WHY_NOT.get((action, self.status), f"it is {self.status.value}")
            raise IllegalTransition(f"cannot {action} {self.id}: {reason}")
        previous, self.status = self.status, target
        return [
            self._event(
                at,
                actor,
                kind,
                text,
                channel,
                **{"from": previous.value, "to": target.value},
                **data,
            )
        ]

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
        if self.status not in (Status.RESOLVED, Status.CALLBACK):
            raise IllegalTransition(
                f"cannot record a callback for {self.id}: it is {self.status.value}, "
                "and callbacks follow resolution"
            )
        if score is not None and not 1 <= score <= 5:
            raise DispatcherError(f"callback score must be 1 to 5, not {score}")
        if outcome is not CallbackOutcome.REACHED and score is not None:
            raise DispatcherError("a satisfaction score needs a reached customer")
        if reopen and (score is None or score > DISSATISFIED):
            raise DispatcherError(
                f"only a dissatisfied callback (score 1 to {DISSATISFIED}) reopens {self.id}"
            )
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
            reason = _WHY_NOT.get(("close", self.status), f"it is {self.status.value}")
            raise IllegalTransition(f"cannot close {self.id} without a callback: {reason}")
        if self.callback_attempts < CALLBACK_ATTEMPTS:
            raise IllegalTransition(
                f"cannot close {self.id} without a callback: {self.callback_attempts} of "
                f"{CALLBACK_ATTEMPTS} callback attempts made"
            )
        previous, self.status = self.status, Status.CLOSED
        return [
            self._event(
                at,
                actor,
                EventKind.CLOSED,
                text,
                channel,
                **{
                    "from": previous.value,
                    "to": Status.CLOSED.value,
                    "without_callback": without_callback.strip(),
                    "attempts": self.callback_attempts,
                },
            )
        ]

    def escalate(self, at: datetime, actor: str, channel: str = "", text: str = "") -> list[Event]:
        if self.status not in OPEN_BEFORE_RESOLUTION:
            raise IllegalTransition(f"cannot escalate {self.id}: it is {self.status.value}")
        levels = list(Level)
        index = levels.index(self.level)
        if index == len(levels) - 1:
            raise IllegalTransition(
                f"cannot escalate {self.id}: it is already at {self.level.value}"
            )
        previous, self.level = self.level, levels[index + 1]
        return [
            self._event(
                at,
                actor,
                EventKind.ESCALATED,
                text,
                channel,
                **{"from": previous.value, "to": self.level.value},
            )
        ]

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
        flag = self.red_flag
        return {
            "id": self.id,
            "received": self.received.isoformat(),
            "category": self.category.value,
            "summary": self.summary,
            "severity": self.severity.value,
            "intake": self.intake.value,
            "reporter": {
                "name": self.reporter.name,
                "phone": self.reporter.phone,
                "email": self.reporter.email,
            },
            "customer": {
                "name": self.customer.name,
                "vip": self.customer.vip.value if self.customer.vip else None,
            },
            "site": self.site,
            "product": self.product,
            "description": self.description,
            "criteria": list(self.criteria),
            "owner": {"unit": self.owner.unit, "person": self.owner.person},
            "level": self.level.value,
            "status": self.status.value,
            "red_flag": None
            if flag is None
            else {
                "opened": flag.opened.isoformat(),
                "closed": flag.closed.isoformat() if flag.closed else None,
            },
            "drill": self.drill,
            "callback_attempts": self.callback_attempts,
            "event_count": self.event_count,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ServiceRequest:
        flag = raw.get("red_flag")
        customer = raw.get("customer") or {}
        return cls(
            id=raw["id"],
            received=datetime.fromisoformat(raw["received"]),
            category=Category(raw["category"]),
            summary=raw["summary"],
            severity=Severity(raw.get("severity", "minor")),
            intake=IntakeChannel(raw.get("intake", "phone")),
            reporter=Reporter(**(raw.get("reporter") or {})),
            customer=Customer(
                customer.get("name", ""), VipKind(customer["vip"]) if customer.get("vip") else None
            ),
            site=raw.get("site", ""),
            product=raw.get("product", ""),
            description=raw.get("description", ""),
            criteria=tuple(raw.get("criteria") or ()),
            owner=Owner(**(raw.get("owner") or {})),
            level=Level(raw.get("level", "L1")),
            status=Status(raw.get("status", "new")),
            red_flag=None
            if not flag
            else RedFlag(
                datetime.fromisoformat(flag["opened"]),
                datetime.fromisoformat(flag["closed"]) if flag.get("closed") else None,
            ),
            drill=bool(raw.get("drill", False)),
            callback_attempts=int(raw.get("callback_attempts", 0)),
            event_count=int(raw.get("event_count", 0)),
        )


def format_id(day: date, number: int) -> str:
    """An id a person can read out on the phone: SR-20261124-0042."""
    return f"SR-{day:%Y%m%d}-{number:04d}"


def parse_id(sr_id: str) -> tuple[date, int]:
    match = SR_ID.match(sr_id.strip().upper())
    if not match:
        raise DispatcherError(f"'{sr_id}' is not a request id like SR-20261124-0042")
    try:
        digits = match.group(1)
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise DispatcherError(f"'{sr_id}' does not name a real date") from None
    number = int(match.group(2))
    if not 0 < number < ID_DAY_FACTOR:
        raise DispatcherError(f"'{sr_id}' has a number out of range")
    return day, number


def id_day(sr_id: str) -> date:
    return parse_id(sr_id)[0]


def doc_id(sr_id: str) -> int:
    """The SR's document id in the store, derived from its readable id."""
    day, number = parse_id(sr_id)
    return (day.year * 10_000 + day.month * 100 + day.day) * ID_DAY_FACTOR + number


def check_criteria(criteria: tuple[str, ...], extra_ids: frozenset[str] | None = None) -> None:
    """Criteria are base ("1".."12") or, when the product's own are known, one of those."""
    for criterion in criteria:
        if criterion in BASE_BY_ID:
            continue
        if extra_ids is not None and criterion not in extra_ids:
            known = ", ".join(sorted(extra_ids)) or "none"
            raise DispatcherError(
                f"unknown emergency criterion '{criterion}' (base 1-12; this product's: {known})"
            )
        if extra_ids is None and criterion.isdigit():
            raise DispatcherError(
                f"unknown emergency criterion '{criterion}' (base criteria are 1-12)"
            )
