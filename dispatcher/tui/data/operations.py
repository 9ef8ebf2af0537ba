"""The dispatcher's changes, each one commit through the store; called from worker threads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from dispatcher.domain.requests import CallbackOutcome, Event, Owner, ServiceRequest
from dispatcher.domain.rotation import Override
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.context import DeskContext

CHANNEL = "desk"


class Operations:
    def __init__(self, desk: DeskContext) -> None:
        self.desk = desk
        self.requests = RequestRepository(desk.store)

    def _change(self, sr_id: str, action: Callable[[ServiceRequest, datetime], list[Event]]
                ) -> ServiceRequest:
        at = self.desk.now()
        sr, _ = self.requests.change(sr_id, lambda sr: action(sr, at))
        return sr

    def register(self, build: Callable[[str], ServiceRequest], received: datetime,
                 start_chain: bool = True) -> ServiceRequest:
        sr, _ = self.requests.register(received, build, self.desk.now(), self.desk.actor,
                                       CHANNEL)
        return sr

    def acknowledge(self, sr_id: str, by: str) -> ServiceRequest:
        actor = self.desk.actor
        return self._change(sr_id, lambda sr, at: sr.acknowledge(at, actor, CHANNEL, by=by))

    def note(self, sr_id: str, text: str) -> ServiceRequest:
        return self._change(sr_id, lambda sr, at: sr.note(at, self.desk.actor, text, CHANNEL))

    def reassign(self, sr_id: str, unit: str, person: str) -> ServiceRequest:
        owner = Owner(unit, person)
        return self._change(sr_id, lambda sr, at: sr.assign(at, self.desk.actor, owner, CHANNEL))

    def raise_level(self, sr_id: str) -> ServiceRequest:
        return self._change(sr_id, lambda sr, at: sr.escalate(at, self.desk.actor, CHANNEL))

    def resolve(self, sr_id: str, text: str) -> ServiceRequest:
        return self._change(sr_id, lambda sr, at: sr.resolve(at, self.desk.actor, CHANNEL, text))

    def callback(self, sr_id: str, outcome: CallbackOutcome, score: int | None) -> ServiceRequest:
        return self._change(sr_id, lambda sr, at: sr.record_callback(
            at, self.desk.actor, outcome, score, channel=CHANNEL))

    def close(self, sr_id: str) -> ServiceRequest:
        return self._change(sr_id, lambda sr, at: sr.close(at, self.desk.actor, CHANNEL))

    def add_override(self, override: Override) -> Override:
        return OverrideRepository(self.desk.store).add(override)
