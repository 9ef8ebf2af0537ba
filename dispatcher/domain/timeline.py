"""What can happen on a request's timeline: the kinds of its events.

An event's kind is stored as the member's value and read back as it is; `EventKind` is a
`StrEnum`, so each member compares equal to its string (`EventKind.NOTE == "note"`). A
timeline imported from elsewhere may hold kinds of its own (`store.import_schema` accepts any
lower-case name): those stay strings, shown by their name.
"""

from __future__ import annotations

from enum import StrEnum


class EventKind(StrEnum):
    # What people do: the lifecycle's moves (`requests.TRANSITIONS`) and what goes beside them.
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
    return EventKind(value) if value in EventKind._value2member_map_ else value
