"""The callback queue (回访): who must be called back, since when, and by when.

Two things put a customer in the queue: a resolved request, which cannot close until the
customer is called back (or, after `CALLBACK_ATTEMPTS` unanswered tries, a reason is recorded),
and a completed cutover (割接), after which the CSC makes a satisfaction call. A callback is due
`CALLBACK_WITHIN` after the work ended. Drill requests never enter the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dispatcher.domain.lifecycle import CALLBACK_ATTEMPTS, Status
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.timeline import Event, EventKind

CALLBACK_WITHIN = timedelta(hours=24)


@dataclass(frozen=True)
class CallbackDue:
    """One customer to call back."""

    subject: str  # the SR id, or the planned service id of a cutover
    kind: str  # "request" or "cutover"
    customer: str
    contact: str  # whom to call: name and number as the request recorded them
    summary: str
    since: datetime  # when the request was resolved or the cutover completed
    attempts: int
    last_outcome: str  # "" before the first attempt

    @property
    def due(self) -> datetime:
        return self.since + CALLBACK_WITHIN

    @property
    def may_close_without(self) -> bool:
        """Enough unanswered attempts that the case may close with a reason instead."""
        return self.attempts >= CALLBACK_ATTEMPTS

    def overdue(self, now: datetime) -> bool:
        return now > self.due

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "kind": self.kind,
            "customer": self.customer,
            "contact": self.contact,
            "summary": self.summary,
            "since": self.since,
            "due": self.due,
            "attempts": self.attempts,
            "last_outcome": self.last_outcome,
            "may_close_without": self.may_close_without,
        }


def request_callback(sr: ServiceRequest, timeline: list[Event]) -> CallbackDue | None:
    """The callback a resolved, real request is waiting for; None for any other request."""
    if sr.drill or sr.status is not Status.RESOLVED:
        return None
    resolved = [e for e in timeline if e.kind == EventKind.RESOLVED]
    since, after = (resolved[-1].at, resolved[-1].seq) if resolved else (sr.received, 0)
    attempts = [e for e in timeline if e.kind == EventKind.CALLBACK and e.seq > after]
    last = attempts[-1].data.get("outcome", "") if attempts else ""
    contact = " ".join(filter(None, (sr.reporter.name, sr.reporter.phone, sr.reporter.email)))
    return CallbackDue(
        sr.id, "request", sr.customer.name, contact, sr.summary, since, sr.callback_attempts, last
    )


def queue_order(items: list[CallbackDue]) -> list[CallbackDue]:
    """The most overdue first."""
    return sorted(items, key=lambda item: (item.due, item.subject))
