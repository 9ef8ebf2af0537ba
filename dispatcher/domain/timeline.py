"""A request's timeline: its events (`Event`) and the kinds they come in (`EventKind`).

An event's kind is stored as the member's value and read back as it is; `EventKind` is a
`StrEnum`, so each member compares equal to its string (`EventKind.NOTE == "note"`). A
timeline imported from elsewhere may hold kinds of its own (`store.import_schema` accepts any
lower-case name): those stay strings, shown by their name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from dispatcher.domain.stored import member_or_value


class EventKind(StrEnum):
    # What people do: the lifecycle's moves (`lifecycle.TRANSITIONS`) and what goes beside them.
    REGISTERED = "registered"
    DISPATCHED = "dispatched"
    ACKNOWLEDGED = "acknowledged"
    STARTED = "started"
    RESTORED = "restored"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"
    CALLBACK = "callback"  # a callback (回访) attempt
    ESCALATED = "escalated"  # L1 → L2 → L3
    ASSIGNED = "assigned"
    CRITERIA_ADDED = "criteria_added"
    NOTE = "note"
    RED_FLAG_OPENED = "red_flag_opened"
    RED_FLAG_CLOSED = "red_flag_closed"
    # What the call-out engine does (`ENGINE_EVENTS`): the SR's state stays as it is.
    CALLOUT_STARTED = "callout_started"
    STEP_REACHED = "step_reached"
    STEP_SKIPPED = "step_skipped"
    CALLOUT_ESCALATED = "callout_escalated"  # a dispatcher moved the chain on
    CALLOUT_REPAGED = "callout_repaged"
    PAGE_SENT = "page_sent"
    PAGE_DELIVERED = "page_delivered"
    PAGE_FAILED = "page_failed"
    CALLOUT_ACKNOWLEDGED = "callout_acknowledged"
    LATE_ACKNOWLEDGEMENT = "late_acknowledgement"  # after the chain had ended
    CALLOUT_EXHAUSTED = "callout_exhausted"
    CALLOUT_STOPPED = "callout_stopped"
    SLA_NEAR_BREACH = "sla_near_breach"
    SLA_BREACHED = "sla_breached"
    CSQ_NOTIFIED = "csq_notified"
    # Replies that acknowledged nothing (`dispatcher.engine.replies`).
    SUSPICIOUS_REPLY = "suspicious_reply"
    REPLY_UNMATCHED = "reply_unmatched"
    REPLY_REFUSED = "reply_refused"
    REPLIES_IGNORED = "replies_ignored"
    CODES_LOCKED = "codes_locked"
    # Written by `store repair` at each position of a timeline that damage took.
    RECORD_LOST = "record_lost"


# Timeline events the call-out engine writes; they leave the SR's state as it is.
ENGINE_EVENTS = frozenset(
    {
        EventKind.CALLOUT_STARTED,
        EventKind.STEP_REACHED,
        EventKind.STEP_SKIPPED,
        EventKind.CALLOUT_ESCALATED,
        EventKind.CALLOUT_REPAGED,
        EventKind.PAGE_SENT,
        EventKind.PAGE_DELIVERED,
        EventKind.PAGE_FAILED,
        EventKind.CALLOUT_ACKNOWLEDGED,
        EventKind.LATE_ACKNOWLEDGEMENT,
        EventKind.CALLOUT_EXHAUSTED,
        EventKind.CALLOUT_STOPPED,
        EventKind.SLA_NEAR_BREACH,
        EventKind.SLA_BREACHED,
        EventKind.CSQ_NOTIFIED,
        EventKind.SUSPICIOUS_REPLY,
        EventKind.REPLY_UNMATCHED,
        EventKind.REPLY_REFUSED,
        EventKind.REPLIES_IGNORED,
        EventKind.CODES_LOCKED,
    }
)


def kind_of(value: str) -> EventKind | str:
    """A stored kind read back: its `EventKind`, or the string itself when this version does
    not know it (an imported timeline's own kind)."""
    return member_or_value(EventKind, value)


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
