"""The dispatcher's changes, each one commit through the store; called from worker threads.

Call-out commands go through the engine's `CalloutControl`, as any process's do: whoever holds
the engine lease (this desk or another) pages what they ask for on its next pass.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from dispatcher.domain.requests import CallbackOutcome, Event, Owner, ServiceRequest
from dispatcher.domain.rotation import Override
from dispatcher.domain.text import check
from dispatcher.engine.control import CalloutControl
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.store.callouts import CalloutRecord, CalloutRepository
from dispatcher.store.outbox import OutboxRecord
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.context import DeskContext

CHANNEL = "desk"


class Operations:
    def __init__(self, desk: DeskContext) -> None:
        self.desk = desk
        self.requests = RequestRepository(desk.store)
        self.control = CalloutControl(desk.store, desk.roster)

    def _change(
        self, sr_id: str, action: Callable[[ServiceRequest, datetime], list[Event]]
    ) -> ServiceRequest:
        at = self.desk.now()
        sr, _ = self.requests.change(sr_id, lambda sr: action(sr, at))
        return sr

    # -- the call-out ------------------------------------------------------------------------

    def register(
        self, build: Callable[[str], ServiceRequest], received: datetime, start_chain: bool = True
    ) -> ServiceRequest:
        """Register; with `start_chain` its routed chain starts in the same commit. A typed
        field holding a control character is refused (`UnsafeText`, naming the field)."""
        sr, _ = self.control.register(
            received,
            lambda sr_id: _typed(build(sr_id)),
            self.desk.now(),
            self.desk.actor,
            CHANNEL,
            start_chain=start_chain,
        )
        return sr

    def acknowledge(self, sr_id: str, by: str) -> CalloutRecord | None:
        """For someone who confirmed by phone: the SR is theirs, its chain stops."""
        check(by, "by")
        return self.control.acknowledge(sr_id, self.desk.now(), self.desk.actor, by, via="phone")

    def escalate(self, sr_id: str) -> CalloutRecord:
        return self.control.escalate(sr_id, self.desk.now(), self.desk.actor)

    def repage(self, sr_id: str) -> CalloutRecord:
        return self.control.repage(sr_id, self.desk.now(), self.desk.actor)

    def start_chain(self, sr_id: str) -> CalloutRecord:
        return self.control.start(sr_id, self.desk.now(), self.desk.actor)

    def retry(self, notification_id: int, channel: str | None = None) -> OutboxRecord:
        return self.control.retry(notification_id, self.desk.now(), self.desk.actor, channel)

    def mark_seen(self, sr_id: str) -> None:
        CalloutRepository(self.desk.store).mark_seen(sr_id)

    # -- the request -------------------------------------------------------------------------

    def note(self, sr_id: str, text: str) -> ServiceRequest:
        check(text, "note", multiline=True)
        return self._change(sr_id, lambda sr, at: sr.note(at, self.desk.actor, text, CHANNEL))

    def reassign(self, sr_id: str, unit: str, person: str) -> ServiceRequest:
        owner = Owner(check(unit, "unit"), check(person, "person"))
        return self._change(sr_id, lambda sr, at: sr.assign(at, self.desk.actor, owner, CHANNEL))

    def raise_level(self, sr_id: str) -> ServiceRequest:
        return self._change(sr_id, lambda sr, at: sr.escalate(at, self.desk.actor, CHANNEL))

    def resolve(self, sr_id: str, text: str) -> ServiceRequest:
        """Resolved: a chain still running has nobody left to find, so it stops first."""
        check(text, "resolution", multiline=True)
        chain = CalloutRepository(self.desk.store).get(sr_id)
        if chain is not None and chain.running:
            self.control.stop(sr_id, self.desk.now(), self.desk.actor, f"resolved: {text}")
        return self._change(sr_id, lambda sr, at: sr.resolve(at, self.desk.actor, CHANNEL, text))

    def callback(self, sr_id: str, outcome: CallbackOutcome, score: int | None) -> ServiceRequest:
        return self._change(
            sr_id,
            lambda sr, at: sr.record_callback(at, self.desk.actor, outcome, score, channel=CHANNEL),
        )

    def close(self, sr_id: str) -> ServiceRequest:
        return self._change(sr_id, lambda sr, at: sr.close(at, self.desk.actor, CHANNEL))

    def add_override(self, override: Override) -> Override:
        check(override.reason, "reason")
        return OverrideRepository(self.desk.store).add(override)


def _typed(sr: ServiceRequest) -> ServiceRequest:
    """`sr` as the form gave it, if no typed field holds a control character."""
    for field, value in (
        ("summary", sr.summary),
        ("reporter", sr.reporter.name),
        ("reporter_phone", sr.reporter.phone),
        ("reporter_email", sr.reporter.email),
        ("customer", sr.customer.name),
        ("site", sr.site),
        ("product", sr.product),
        ("owner_unit", sr.owner.unit),
        ("owner_person", sr.owner.person),
    ):
        check(value, field)
    check(sr.description, "description", multiline=True)
    return sr
