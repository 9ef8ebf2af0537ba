"""Drills: a made-up emergency run through the real call-out chain, and what it must show.

A scenario names the made-up emergency (customer, site, product, criteria), the chain to run
and the pass targets. Before anything is sent, the dry run and the week's sweep resolve the
chain at given instants: a step that would reach nobody, or only people with no working phone
number, is a hole the drill would find at 3 a.m. After a live drill, `judge` holds the
measured figures against the targets. No I/O here: callers pass the roster, the records and
the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from dispatcher.domain.chains import ChainSpec, RoleTarget
from dispatcher.domain.oncall import Roster
from dispatcher.domain.request_parts import Category, Severity
from dispatcher.domain.roster import PHONE_KINDS, Person
from dispatcher.domain.rotation import Override
from dispatcher.domain.routing import EMERGENCY_CHAIN, StepPreview, describe_target, preview
from dispatcher.errors import DispatcherError

# Twilio's words for a number that is wrong (for calls and texts alike), and for one that
# cannot take SMS (a call may still reach it).
WRONG_NUMBER_CODES = frozenset({"21211", "21217", "21401", "21421", "13223", "13224", "30005"})
NOT_MOBILE_CODES = frozenset({"21614", "30006"})

NOBODY = "nobody"  # the step's targets resolve to no one
NO_WORKING_PHONE = "no_working_phone"  # everyone it reaches lacks a working phone number
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class DrillTargets:
    """What a drill must show to pass; None leaves a target out."""

    acknowledged_within: timedelta | None = timedelta(minutes=10)  # first ack after the start
    acknowledged_by_step: int | None = 1  # ... by someone paged at this step (1-based) or before
    reach_rate: float | None = 1.0  # share of the people paged who acknowledged

    def to_dict(self) -> dict[str, Any]:
        return {
            "acknowledged_within_minutes": _minutes(self.acknowledged_within),
            "acknowledged_by_step": self.acknowledged_by_step,
            "reach_rate": self.reach_rate,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> DrillTargets:
        minutes = raw.get("acknowledged_within_minutes")
        return cls(
            None if minutes is None else timedelta(minutes=minutes),
            raw.get("acknowledged_by_step"),
            raw.get("reach_rate"),
        )


@dataclass(frozen=True)
class Scenario:
    """A made-up emergency to drill, and the targets its drill must meet."""

    id: str
    name: str
    customer: str
    site: str
    product: str
    criteria: tuple[str, ...] = ("1",)
    chain: str = EMERGENCY_CHAIN
    category: Category = Category.FAULT_SUPPORT
    severity: Severity = Severity.CRITICAL
    targets: DrillTargets = field(default_factory=DrillTargets)
    source: str = "built-in"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "customer": self.customer,
            "site": self.site,
            "product": self.product,
            "criteria": list(self.criteria),
            "chain": self.chain,
            "category": self.category.value,
            "severity": self.severity.value,
            "targets": self.targets.to_dict(),
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Scenario:
        return cls(
            raw["id"],
            raw["name"],
            raw["customer"],
            raw["site"],
            raw["product"],
            tuple(raw["criteria"]),
            raw["chain"],
            Category(raw["category"]),
            Severity(raw["severity"]),
            DrillTargets.from_dict(raw["targets"]),
            raw.get("source", ""),
        )


def builtin_scenarios(roster: Roster) -> list[Scenario]:
    """One scenario per product line: its first handed-over product (else its first) fails at
    a site of the branches in turn, under base criterion 1 (all processing capability lost)."""
    if EMERGENCY_CHAIN not in roster.chains:
        return []  # nothing to drill: the roster pages nobody for an emergency
    sites = [u.sites[0] for u in roster.units.values() if u.sites]
    scenarios = []
    for index, line in enumerate(roster.product_lines.values()):
        products = [roster.products[p] for p in line.products if p in roster.products]
        if not products:
            continue
        product = next((p for p in products if p.handed_over), products[0])
        site = sites[index % len(sites)] if sites and product.handed_over else ""
        scenarios.append(
            Scenario(
                id=f"drill-{line.id}",
                name=f"{product.name} down" + (f" in {site}" if site else "") + f" ({line.name})",
                customer="Drill Telecom (fictional)",
                site=site,
                product=product.id,
            )
        )
    return scenarios


# -- dry run and sweep -------------------------------------------------------------------


class Sent(Protocol):
    """What the sweep reads of a sent notification (an outbox record)."""

    @property
    def contact_kind(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def error_code(self) -> str: ...
    @property
    def id(self) -> int: ...


def dead_numbers(sent: Iterable[Sent]) -> frozenset[str]:
    """Phone numbers whose last outcome was the carrier refusing the number as wrong. A channel
    that was not set up, or a number that only cannot take SMS, says nothing of the number."""
    last: dict[str, Sent] = {}
    for record in sorted(sent, key=lambda r: r.id):
        if record.contact_kind in PHONE_KINDS and str(record.state) in (
            "sent",
            "delivered",
            "failed",
        ):
            last[record.address] = record
    return frozenset(
        address
        for address, record in last.items()
        if str(record.state) == "failed" and record.error_code in WRONG_NUMBER_CODES
    )


def working_phones(person: Person, dead: frozenset[str] = frozenset()) -> list[str]:
    return [c.address for c in person.contacts if c.reaches_by_phone and c.address not in dead]


@dataclass(frozen=True)
class StepCheck:
    """One step of the chain at one instant, as the dry run shows it."""

    preview: StepPreview
    no_phone: tuple[str, ...]  # ids of people it reaches who have no working phone number

    @property
    def problem(self) -> str | None:
        if not self.preview.people:
            return NOBODY
        if len(self.no_phone) == len(self.preview.people):
            return NO_WORKING_PHONE
        return None


def chain_of(roster: Roster, scenario: Scenario) -> ChainSpec:
    try:
        return roster.chains[scenario.chain]
    except KeyError:
        raise DispatcherError(
            f"scenario {scenario.id}: {roster.source} has no chain {scenario.chain!r}"
        ) from None


def dry_run(
    roster: Roster,
    scenario: Scenario,
    at: datetime,
    overrides: tuple[Override, ...] = (),
    dead: frozenset[str] = frozenset(),
) -> list[StepCheck]:
    """Who each step of the scenario's chain would page at `at`, and which step has a hole."""
    chain = chain_of(roster, scenario)
    return [
        StepCheck(step, tuple(p.id for p in step.people if not working_phones(p, dead)))
        for step in preview(roster, chain, at, scenario.site, scenario.product, overrides)
    ]


@dataclass(frozen=True)
class SweepHole:
    """A stretch [start, end) of whole hours during which one step of the chain has a hole."""

    start: datetime
    end: datetime
    step: int  # 1-based
    problem: str  # NOBODY or NO_WORKING_PHONE
    detail: str  # the targets that reach nobody, or the people without a working phone

    @property
    def hours(self) -> list[datetime]:
        count = int((self.end - self.start) / HOUR)
        return [self.start + i * HOUR for i in range(count)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.start,
            "to": self.end,
            "step": self.step,
            "problem": self.problem,
            "detail": self.detail,
            "hours": self.hours,
        }


def sweep(
    roster: Roster,
    scenario: Scenario,
    start: datetime,
    hours: int,
    overrides: tuple[Override, ...] = (),
    dead: frozenset[str] = frozenset(),
) -> list[SweepHole]:
    """Every hour of [start, start + hours) in which a step of the chain would reach nobody,
    or only people with no working phone number; consecutive hours merge into one stretch.

    The chain is resolved at the start of each hour and at every handoff or override edge
    inside it, so a hole shorter than an hour still marks its hour.
    """
    start = start.replace(minute=0, second=0, microsecond=0)
    end = start + hours * HOUR
    instants = {start + i * HOUR for i in range(hours)}
    instants |= _changes(roster, scenario, start, end, overrides)
    found: dict[tuple[int, datetime], tuple[str, str]] = {}
    for at in sorted(instants):
        hour = start + HOUR * int((at - start) / HOUR)
        for check in dry_run(roster, scenario, at, overrides, dead):
            problem = check.problem
            key = (check.preview.number, hour)
            if problem is None or key in found:
                continue
            if problem == NOBODY:
                detail = "nobody on call for " + ", ".join(
                    describe_target(t) for t in check.preview.nobody_for
                )
            else:
                detail = "no working phone: " + ", ".join(check.no_phone)
            found[key] = (problem, detail)
    return _merge(found)


def _changes(
    roster: Roster,
    scenario: Scenario,
    start: datetime,
    end: datetime,
    overrides: tuple[Override, ...],
) -> set[datetime]:
    """The instants in [start, end) when someone the chain pages by role changes."""
    chain = chain_of(roster, scenario)
    product = scenario.product or None
    site = scenario.site or None
    changes: set[datetime] = set()
    for step in chain.steps:
        for target in step.targets:
            if not isinstance(target, RoleTarget):
                continue
            unit = roster.resolve_unit(target.unit, site=site, product=product)
            if unit is None:
                continue
            for span in roster.timeline(unit, target.role, start, end, overrides):
                if start < span.start < end:
                    changes.add(span.start)
    return changes


def _merge(found: dict[tuple[int, datetime], tuple[str, str]]) -> list[SweepHole]:
    holes: list[SweepHole] = []
    for (step, hour), (problem, detail) in sorted(found.items()):
        last = holes[-1] if holes else None
        if (
            last
            and last.step == step
            and last.end == hour
            and last.problem == problem
            and last.detail == detail
        ):
            holes[-1] = SweepHole(last.start, hour + HOUR, step, problem, detail)
        else:
            holes.append(SweepHole(hour, hour + HOUR, step, problem, detail))
    return sorted(holes, key=lambda h: (h.start, h.step))


def _minutes(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 60
