"""One request as the detail screen shows it: record, timeline, SLA clocks, notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text

from dispatcher.domain.callout import Position, RunState
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.sla import SlaClock, sla_clocks
from dispatcher.domain.timeline import Event, EventKind
from dispatcher.i18n import name_of
from dispatcher.i18n.phrases import phrase
from dispatcher.reports.words import cell
from dispatcher.store.callouts import CalloutRecord, CalloutRepository
from dispatcher.store.outbox import OutboxRecord, OutboxRepository
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.formats import clock_text


@dataclass(frozen=True)
class RequestView:
    sr: ServiceRequest
    timeline: tuple[Event, ...]
    clocks: tuple[SlaClock, ...]
    notifications: tuple[OutboxRecord, ...]
    people: dict[str, tuple[str, str]]  # person id → (name, Chinese name)
    callout: CalloutRecord | None = None

    @property
    def version(self) -> tuple:
        """Changes when anything shown (but the ticking clocks) changes."""
        return (
            self.sr.event_count,
            self.callout,
            tuple((n.id, n.state, n.provider_status) for n in self.notifications),
        )

    def acknowledged(self, record: OutboxRecord) -> bool:
        """The page this person answered: the chain was acknowledged by them."""
        chain = self.callout
        if chain is None or chain.run.state is not RunState.ACKNOWLEDGED:
            return False
        return chain.run.acknowledged_by in (record.person, *self.people.get(record.person, ()))

    def person_name(self, person_id: str, language: str) -> str:
        name, name_zh = self.people.get(person_id, (person_id, ""))
        return name_zh if language == "zh" and name_zh else name

    def callout_text(self, words: dict[str, str], language: str, now: datetime) -> Text:
        """The chain: where it stands, and each step reached so far, to whom."""
        chain = self.callout
        if chain is None:
            return Text(words["no_callout"], style="dim")
        text = Text()
        text.append(f"{cell(chain.run.chain, language)} · ", style="bold")
        state_style = {RunState.RUNNING: "yellow", RunState.ACKNOWLEDGED: "bold green"}
        text.append(
            name_of(chain.run.state, language), style=state_style.get(chain.run.state, "bold red")
        )
        text.append(f" · {chain.position_label(language)}")
        if chain.running:
            text.append(f" · {words['next']} {clock_text(chain.run.step_deadline - now)}")
        elif chain.run.state is RunState.ACKNOWLEDGED:
            text.append(
                f" · {words['acknowledged_by']} {chain.run.acknowledged_by} ({chain.run.acknowledged_via})"
            )
        elif chain.stopped_reason:
            text.append(f" · {phrase(chain.stopped_reason, language)}")
        for step in chain.steps:
            text.append(f"\n {step.round + 1}.{step.step + 1} {name_of(step.how, language):<9} ")
            text.append(", ".join(self.person_name(p, language) for p in step.people))
            if step.channels:  # a step that paged nobody used none
                text.append(f"  [{', '.join(step.channels)}]", style="dim")
            for target in step.nobody_for:
                text.append(f"  {words['nobody']}: {phrase(target, language)}", style="bold red")
        return text


def read_request(desk: DeskContext, sr_id: str) -> RequestView:
    repository = RequestRepository(desk.store)
    sr = repository.get(sr_id)
    timeline = repository.timeline(sr_id)
    targets = desk.roster.sla_for(sr.product, sr.severity)
    clocks = () if targets is None else tuple(sla_clocks(sr, timeline, targets, desk.now()))
    notifications = tuple(OutboxRepository(desk.store).for_sr(sr.id))
    people = {p.id: (p.name, p.name_zh) for p in desk.roster.people.values()}
    callout = CalloutRepository(desk.store).get(sr.id)
    return RequestView(sr, tuple(timeline), clocks, notifications, people, callout)


def event_details(event: Event, language: str, people: dict[str, tuple[str, str]]) -> str:
    """What a timeline entry changed, beyond its kind: from → to (state, level, owner), who
    acknowledged and through what, the callback's outcome and score, the reason given."""
    data = event.data

    def name(person_id: str) -> str:
        found = people.get(person_id)
        if found is None:
            return person_id
        return found[1] if language == "zh" and found[1] else found[0]

    parts: list[str] = []
    if event.kind == EventKind.ASSIGNED:
        before = "/".join(
            p for p in (data.get("previous_unit", ""), name(data.get("previous_person", ""))) if p
        )
        after = "/".join(p for p in (data.get("unit", ""), name(data.get("person", ""))) if p)
        parts.append(f"{before or '—'} → {after or '—'}")
    elif "previous_step" in data and "step" in data:  # a raised level paged its step
        was = Position(int(data["previous_round"]) - 1, int(data["previous_step"]) - 1)
        now = Position(int(data["round"]) - 1, int(data["step"]) - 1)
        parts.append(f"{was.label(language)} → {now.label(language)}")
    elif "from" in data and "to" in data:
        parts.append(
            f"{name_of(str(data['from']), language)} → {name_of(str(data['to']), language)}"
        )
    if data.get("by"):
        parts.append(f"{data['by']}" + (f" ({data['via']})" if data.get("via") else ""))
    if "outcome" in data:
        parts.append(name_of(str(data["outcome"]), language))
    if "attempt" in data:
        parts.append(f"#{data['attempt']}")
    if "score" in data:
        parts.append(f"{data['score']}/5")
    if data.get("called"):
        parts.append(str(data["called"]))
    if data.get("without_callback"):
        parts.append(f"{data['without_callback']} ({data.get('attempts', 0)}×)")
    if data.get("criteria") and event.kind != EventKind.REGISTERED:
        parts.append(", ".join(map(str, data["criteria"])))
    if data.get("chain") and event.kind == EventKind.CALLOUT_STARTED:
        parts.append(str(data["chain"]))
    return " · ".join(parts)
