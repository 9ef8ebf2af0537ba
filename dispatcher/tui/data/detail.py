"""One request as the detail screen shows it: record, timeline, SLA clocks, notifications."""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.domain.requests import Event, ServiceRequest
from dispatcher.domain.sla import SlaClock, sla_clocks
from dispatcher.store.outbox import OutboxRecord, OutboxRepository
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.board import sla_targets


@dataclass(frozen=True)
class RequestView:
    sr: ServiceRequest
    timeline: tuple[Event, ...]
    clocks: tuple[SlaClock, ...]
    notifications: tuple[OutboxRecord, ...]
    people: dict[str, tuple[str, str]]  # person id → (name, Chinese name)

    @property
    def version(self) -> tuple:
        """Changes when anything shown (but the ticking clocks) changes."""
        return (self.sr.event_count,
                tuple((n.id, n.state, n.provider_status) for n in self.notifications))

    def person_name(self, person_id: str, language: str) -> str:
        name, name_zh = self.people.get(person_id, (person_id, ""))
        return name_zh if language == "zh" and name_zh else name

    def callout_line(self, words: dict[str, str], language: str) -> str:
        return words["no_callout"] if not self.notifications else ""


def read_request(desk: DeskContext, sr_id: str) -> RequestView:
    repository = RequestRepository(desk.store)
    sr = repository.get(sr_id)
    timeline = repository.timeline(sr_id)
    targets = sla_targets(desk.roster, sr)
    clocks = () if targets is None else tuple(sla_clocks(sr, timeline, targets, desk.now()))
    notifications = tuple(OutboxRepository(desk.store).for_sr(sr.id))
    people = {p.id: (p.name, p.name_zh) for p in desk.roster.people.values()}
    return RequestView(sr, tuple(timeline), clocks, notifications, people)
