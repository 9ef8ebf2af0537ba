"""The lifecycle of a service request: its states and the moves the CSC's process allows.

    new → dispatched → acknowledged → in progress → restored → resolved → callback (回访) → closed

with reopening after a failed callback. A case closes after a reached callback, or, when the
customer could not be reached in `CALLBACK_ATTEMPTS` tries, with the reason recorded.
`dispatcher.domain.requests.ServiceRequest` applies these rules; this module only states them.
"""

from __future__ import annotations

from enum import StrEnum

from dispatcher.domain.timeline import EventKind
from dispatcher.errors import DispatcherError, IllegalTransition


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
    """What one callback (回访) attempt came to."""

    REACHED = "reached"
    NOT_REACHED = "not_reached"
    REFUSED = "refused"


# The states in which a request may still be escalated, resolved or given a Red Flag.
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


def why_not(action: str, status: Status) -> str:
    """Why `action` cannot start from `status`, as the end of "cannot ACTION SR-…: …"."""
    return _WHY_NOT.get((action, status), f"it is {status.value}")


def check_callback(
    sr_id: str, status: Status, outcome: CallbackOutcome, score: int | None, reopen: bool
) -> None:
    """The callback rule: callbacks follow resolution, a score (1 to 5) needs a reached
    customer, and only a dissatisfied one (score ≤ DISSATISFIED) may reopen the case.
    `IllegalTransition` or `DispatcherError` says which part is broken."""
    if status not in (Status.RESOLVED, Status.CALLBACK):
        raise IllegalTransition(
            f"cannot record a callback for {sr_id}: it is {status.value}, "
            "and callbacks follow resolution"
        )
    if score is not None and not 1 <= score <= 5:
        raise DispatcherError(f"callback score must be 1 to 5, not {score}")
    if outcome is not CallbackOutcome.REACHED and score is not None:
        raise DispatcherError("a satisfaction score needs a reached customer")
    if reopen and (score is None or score > DISSATISFIED):
        raise DispatcherError(
            f"only a dissatisfied callback (score 1 to {DISSATISFIED}) reopens {sr_id}"
        )
