"""The drill report's records: each page and what came of it, each person's and each step's
outcome, the acknowledgements, and the report that holds them with its verdict. Built by
`dispatcher.domain.drill_report.build_report`; `to_dict()` gives the JSON shape of
`dispatcher drill report --json` (durations in seconds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dispatcher.domain.drill_judge import FAILED, IN_PROGRESS, PASSED, TargetResult
from dispatcher.domain.outbox import ON_DESK, RELAY_CHANNEL, DeliveryState


@dataclass(frozen=True)
class Page:
    """One notification of the drill and what came of it."""

    channel: str
    address: str
    state: str  # queued, sending, sent, delivered, failed, cancelled
    provider_status: str
    error_code: str
    detail: str
    at: datetime

    @property
    def failed(self) -> bool:
        return self.state == "failed"

    @property
    def on_desk(self) -> bool:
        """Sent to the desk and not relayed yet: nobody has it."""
        return self.channel == RELAY_CHANNEL and self.state == DeliveryState.SENT

    @property
    def shown_state(self) -> str:
        """The state a reader is shown (`dispatcher.domain.outbox.shown_state`)."""
        return ON_DESK if self.on_desk else self.state

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "address": self.address,
            "state": self.state,
            "provider_status": self.provider_status,
            "error_code": self.error_code,
            "detail": self.detail,
            "at": self.at,
        }


@dataclass(frozen=True)
class PersonOutcome:
    person: str
    name: str
    paged_at: datetime
    pages: tuple[Page, ...]
    acknowledged_at: datetime | None
    acknowledged_via: str
    verdict: str  # one line: "acknowledged by sms", "wrong number", "no answer", ...
    told_over: bool  # was told the drill is over (after an abort)

    @property
    def time_to_ack(self) -> timedelta | None:
        return None if self.acknowledged_at is None else self.acknowledged_at - self.paged_at

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "name": self.name,
            "paged_at": self.paged_at,
            "pages": [p.to_dict() for p in self.pages],
            "acknowledged_at": self.acknowledged_at,
            "acknowledged_via": self.acknowledged_via,
            "seconds_to_ack": _seconds(self.time_to_ack),
            "verdict": self.verdict,
            "told_drill_over": self.told_over,
        }


@dataclass(frozen=True)
class StepOutcome:
    ordinal: int  # 1-based position among the steps run (rounds counted)
    label: str  # "round 1, step 2"
    at: datetime
    how: str
    channels: tuple[str, ...]
    people: tuple[PersonOutcome, ...]
    nobody_for: tuple[str, ...]

    @property
    def reach_rate(self) -> float | None:
        if not self.people:
            return None
        return sum(p.acknowledged_at is not None for p in self.people) / len(self.people)

    @property
    def first_ack_after(self) -> timedelta | None:
        times = [p.acknowledged_at for p in self.people if p.acknowledged_at is not None]
        return min(times) - self.at if times else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.ordinal,
            "label": self.label,
            "at": self.at,
            "how": self.how,
            "channels": list(self.channels),
            "nobody_for": list(self.nobody_for),
            "reach_rate": self.reach_rate,
            "seconds_to_first_ack": _seconds(self.first_ack_after),
            "people": [p.to_dict() for p in self.people],
        }


@dataclass(frozen=True)
class Acknowledgement:
    person: str
    name: str
    at: datetime
    via: str
    after: timedelta  # since the drill started

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "name": self.name,
            "at": self.at,
            "via": self.via,
            "seconds_after_start": _seconds(self.after),
        }


@dataclass(frozen=True)
class DrillReport:
    sr: str
    scenario: str
    scenario_name: str
    chain: str
    started: datetime
    state: str  # the call-out's state: running, acknowledged, exhausted, stopped
    aborted: datetime | None
    steps: tuple[StepOutcome, ...]
    acknowledgements: tuple[Acknowledgement, ...]
    results: tuple[TargetResult, ...]
    fixes: tuple[str, ...]

    @property
    def people(self) -> list[PersonOutcome]:
        """Everyone paged, once each (at the first step that paged them)."""
        seen: dict[str, PersonOutcome] = {}
        for step in self.steps:
            for person in step.people:
                seen.setdefault(person.person, person)
        return list(seen.values())

    @property
    def reach_rate(self) -> float | None:
        people = self.people
        if not people:
            return None
        return sum(p.acknowledged_at is not None for p in people) / len(people)

    @property
    def first_ack_after(self) -> timedelta | None:
        return self.acknowledgements[0].after if self.acknowledgements else None

    @property
    def over(self) -> bool:
        """The chain has ended (acknowledged, exhausted, stopped, aborted)."""
        return self.state != "running" or self.aborted is not None

    @property
    def verdict(self) -> str:
        """ "failed" once a target is missed for good (even while the chain still runs: it
        can no longer pass), "passed" once every target is decided and met, else "in
        progress"."""
        verdicts = {r.verdict for r in self.results}
        if FAILED in verdicts:
            return FAILED
        return IN_PROGRESS if IN_PROGRESS in verdicts else PASSED

    @property
    def passed(self) -> bool:
        return self.verdict == PASSED

    @property
    def failed(self) -> bool:
        """A target missed for good: what `drill report` exits 1 on."""
        return self.verdict == FAILED

    def to_dict(self) -> dict[str, Any]:
        return {
            "drill": self.sr,
            "scenario": self.scenario,
            "scenario_name": self.scenario_name,
            "chain": self.chain,
            "started": self.started,
            "state": self.state,
            "aborted": self.aborted,
            "passed": None if self.verdict == IN_PROGRESS else self.passed,
            "verdict": self.verdict,
            "reach_rate": self.reach_rate,
            "seconds_to_first_ack": _seconds(self.first_ack_after),
            "acknowledgements": [a.to_dict() for a in self.acknowledgements],
            "targets": [r.to_dict() for r in self.results],
            "steps": [s.to_dict() for s in self.steps],
            "fixes": list(self.fixes),
        }


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()
