"""The proof of the chains: every request the desk can receive reaches someone at every step,
at every minute of the horizon.

For every routing input (each site × each product, as an emergency and as each category and
severity) the roster's routing picks a chain; each step of that chain must reach at least one
named person with a contact method that an enabled channel (the desk's manual relay at
worst) reaches. Time is cut at every handoff and override edge of the roles a step names, so
the people a step pages are constant between two cuts: the step is resolved once per stretch,
by `routing.resolve_step`, the function the engine pages through. Inputs whose steps name the
same units and roles share one computation, and one hole is reported once for all of them.
"""

from __future__ import annotations

import functools
import heapq
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dispatcher.domain.callout import routes_for
from dispatcher.domain.chains import ChainStep, PersonTarget, Target
from dispatcher.domain.oncall import Roster, Span
from dispatcher.domain.recurrence import changing_zones, runs
from dispatcher.domain.request_parts import Category, Level, Severity
from dispatcher.domain.roster import Person, Role, UnitKind
from dispatcher.domain.rotation import Override
from dispatcher.domain.routing import describe_target, resolve_step, route

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class RoutingInput:
    """What routing reads from a request: its site, product, emergency flag, category and
    severity (the last two are None for an emergency, whose chain does not depend on them)."""

    site: str
    product: str
    category: Category | None = None
    severity: Severity | None = None

    @property
    def emergency(self) -> bool:
        return self.category is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "product": self.product,
            "emergency": self.emergency,
            "category": self.category.value if self.category else None,
            "severity": self.severity.value if self.severity else None,
        }


@dataclass(frozen=True)
class ChainHole:
    """Stretches during which one step of one chain reaches nobody, for some inputs."""

    chain: str
    step: int  # 1-based
    inputs: tuple[RoutingInput, ...]
    intervals: tuple[Interval, ...]
    nobody_for: tuple[str, ...]  # the targets that reached nobody, described
    zone: str  # the zone its recurrence is told in: the step's first rotation's
    zones: tuple[str, ...] = ()  # every zone of the step's rotations
    every_product: bool = False  # it concerns every product of the roster
    every_site: bool = False  # and every site

    def who(self) -> str:
        """ "emergency chain, bill-one at Shanghai" for the inputs it concerns; "every
        product" or "every site" when it concerns all of them."""
        products = ", ".join(dict.fromkeys(i.product for i in self.inputs))
        sites = ", ".join(dict.fromkeys(i.site for i in self.inputs))
        severities: dict[str, dict[str, None]] = {}
        for given in self.inputs:
            if given.category and given.severity:
                severities.setdefault(given.category.value, {})[given.severity.value] = None
        kinds = "; ".join(f"{c}: {', '.join(s)}" for c, s in severities.items())
        products = "every product" if self.every_product else products
        sites = "every site" if self.every_site else sites
        text = f"{self.chain} chain, {products} at {sites}"
        return text + (f" ({kinds})" if kinds else "")

    def describe(self, start: datetime, end: datetime) -> list[str]:
        """One line per recurrence: "<who>: step N reaches nobody — every day …"."""
        why = f" ({', '.join(self.nobody_for)})" if self.nobody_for else ""
        lines = []
        for run in runs(list(self.intervals), self.zone, start, end):
            zones = changing_zones(run, self.zones)
            dst = f" (daylight-saving change in {', '.join(zones)})" if zones else ""
            lines.append(
                f"{self.who()}: step {self.step} reaches nobody{why} — {run.describe()}{dst}"
            )
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "chain": self.chain,
            "step": self.step,
            "inputs": [i.to_dict() for i in self.inputs],
            "nobody_for": list(self.nobody_for),
            "zone": self.zone,
            "intervals": [{"from": a, "to": b} for a, b in self.intervals],
        }


@dataclass(frozen=True)
class ChainProof:
    start: datetime
    end: datetime
    inputs: int  # routing inputs proven
    holes: tuple[ChainHole, ...]
    unrouted: tuple[tuple[str, str], ...] = ()  # (category, severity) that select no chain

    @property
    def emergencies_unrouted(self) -> bool:
        """The roster has no emergency chain: no emergency pages anyone."""
        return any(category == "emergency" for category, _ in self.unrouted)

    @property
    def proven(self) -> bool:
        return not self.holes and not self.emergencies_unrouted

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.start,
            "to": self.end,
            "inputs": self.inputs,
            "proven": self.proven,
            "holes": [h.to_dict() for h in self.holes],
            "unrouted": [{"category": c, "severity": s} for c, s in self.unrouted],
        }


@dataclass
class Timelines:
    """Every (unit, role) timeline over the horizon, each computed once (`Roster.timeline`)."""

    roster: Roster
    start: datetime
    end: datetime
    overrides: tuple[Override, ...] = ()
    _spans: dict[tuple[str, Role], list[Span]] = field(default_factory=dict)

    def spans(self, unit: str, role: Role) -> list[Span]:
        key = (unit, role)
        if key not in self._spans:
            self._spans[key] = self.roster.timeline(
                unit, role, self.start, self.end, self.overrides
            )
        return self._spans[key]


def routing_inputs(roster: Roster) -> tuple[dict[str, list[RoutingInput]], list[tuple[str, str]]]:
    """Every input by the chain it selects, and the (category, severity) pairs with no chain."""
    sites = [
        site
        for unit in roster.units.values()
        if unit.kind in (UnitKind.BRANCH, UnitKind.OVERSEAS_SITE)
        for site in unit.sites
    ]
    by_chain: dict[str, list[RoutingInput]] = {}
    unrouted: list[tuple[str, str]] = []
    kinds: list[tuple[Category | None, Severity | None]] = [(None, None)]
    kinds += [(c, s) for c in Category for s in Severity]
    for category, severity in kinds:
        # The chain depends on the emergency flag, the category and the severity alone.
        chain = route(
            roster,
            category or Category.FAULT_SUPPORT,
            Level.L1,
            "",
            "",
            emergency=category is None,
            severity=severity,
        ).chain
        if chain is None:
            unrouted.append((str(category or "emergency"), str(severity or "")))
            continue
        by_chain.setdefault(chain, []).extend(
            RoutingInput(site, product, category, severity)
            for product in roster.products
            for site in sites
        )
    return by_chain, unrouted


def prove_chains(
    roster: Roster,
    start: datetime,
    end: datetime,
    reaches: Mapping[str, frozenset[str]],
    overrides: tuple[Override, ...] = (),
) -> ChainProof:
    """Every stretch of [start, end) in which a step of a chain reaches nobody, for any input.

    `reaches` maps each enabled channel (the desk relay included) to the contact kinds it
    reaches; a person counts as reached when one of their contact methods is among them,
    exactly as the engine picks routes (`callout.routes_for`)."""
    timelines = Timelines(roster, start, end, overrides)
    reached = reach_test(reaches)
    by_chain, unrouted = routing_inputs(roster)
    found: dict[
        tuple[str, int, StepKey], tuple[list[RoutingInput], list[Interval], tuple[str, ...]]
    ] = {}
    for chain_id, inputs in by_chain.items():
        chain = roster.chains[chain_id]
        for number, step in enumerate(chain.steps, start=1):
            for given in inputs:
                key = (chain_id, number, _step_key(roster, step, given))
                if key not in found:
                    step_holes, nobody = _step_holes(roster, step, given, timelines, reached)
                    found[key] = ([], step_holes, nobody)
                found[key][0].append(given)
    sites = {i.site for inputs in by_chain.values() for i in inputs}
    holes = [
        ChainHole(
            chain,
            number,
            tuple(inputs),
            tuple(intervals),
            nobody,
            *_zones(roster, key),
            every_product={i.product for i in inputs} == set(roster.products),
            every_site={i.site for i in inputs} == sites,
        )
        for (chain, number, key), (inputs, intervals, nobody) in found.items()
        if intervals
    ]
    holes.sort(key=lambda h: (h.intervals[0][0], h.chain, h.step))
    count = sum(len(inputs) for inputs in by_chain.values())
    return ChainProof(start, end, count, tuple(holes), tuple(unrouted))


# What a step's people depend on: its person targets, and (unit or None, role) for the others.
StepKey = tuple[PersonTarget | tuple[str | None, Role], ...]


def _step_key(roster: Roster, step: ChainStep, given: RoutingInput) -> StepKey:
    """What the step's people depend on for this input: its targets with units filled in."""
    return tuple(
        t
        if isinstance(t, PersonTarget)
        else (roster.resolve_unit(t.unit, site=given.site, product=given.product), t.role)
        for t in step.targets
    )


def _step_holes(
    roster: Roster,
    step: ChainStep,
    given: RoutingInput,
    timelines: Timelines,
    reached: Callable[[Person, tuple[str, ...]], bool],
) -> tuple[list[Interval], tuple[str, ...]]:
    """The stretches in which the step reaches nobody reachable, and the targets to blame.

    One sweep over the handoffs of the roles the step names: between two of them every role
    has the same holders, and the step is resolved once for each combination of holders met.
    """
    pairs = list(dict.fromkeys(_pairs(_step_key(roster, step, given))))
    slot = {pair: index for index, pair in enumerate(pairs)}
    changes = list(
        heapq.merge(
            *(
                [(span.start, index, span.people) for span in timelines.spans(*pair)]
                for index, pair in enumerate(pairs)
            ),
            key=lambda change: change[0],
        )
    )
    current: list[tuple[str, ...]] = [()] * len(pairs)
    seen: dict[
        tuple[tuple[str, ...], ...], tuple[str, ...] | None
    ] = {}  # holders -> None, or what to blame
    holes: list[Interval] = []
    blamed: dict[str, None] = {}
    bounds = [timelines.start, *(at for at, _, _ in changes if at > timelines.start)]
    bounds = [*dict.fromkeys(bounds), timelines.end]
    position = 0
    for left, right in itertools.pairwise(bounds):
        while position < len(changes) and changes[position][0] <= left:
            current[changes[position][1]] = changes[position][2]
            position += 1
        holders = tuple(current)
        if holders not in seen:
            seen[holders] = _blame(roster, step, given, reached, slot, holders)
        blame = seen[holders]
        if blame is None:
            continue
        blamed.update(dict.fromkeys(blame))
        if holes and holes[-1][1] == left:
            holes[-1] = (holes[-1][0], right)
        else:
            holes.append((left, right))
    return holes, tuple(blamed)


def _blame(
    roster: Roster,
    step: ChainStep,
    given: RoutingInput,
    reached: Callable[[Person, tuple[str, ...]], bool],
    slot: dict[tuple[str, Role], int],
    holders: tuple[tuple[str, ...], ...],
) -> tuple[str, ...] | None:
    """None when the step, resolved with these holders, reaches someone; else why not."""
    people, nobody = resolve_step(
        roster, step, given.site, given.product, lambda unit, role: holders[slot[(unit, role)]]
    )
    if any(reached(person, step.channels) for person in people):
        return None
    return (
        *(_named(roster, target, given) for target in nobody),
        *(f"{p.id} has no contact a channel reaches" for p in people),
    )


def _named(roster: Roster, target: Target, given: RoutingInput) -> str:
    """ "case_handler of br-shanghai" for `{unit: $branch, role: case_handler}` at Shanghai."""
    if isinstance(target, PersonTarget):
        return describe_target(target)
    unit = roster.resolve_unit(target.unit, site=given.site, product=given.product)
    return f"{target.role.value} of {unit or target.unit + ' (none)'}"


def reach_test(
    reaches: Mapping[str, frozenset[str]],
) -> Callable[[Person, tuple[str, ...]], bool]:
    """Whether a step with these channels reaches a person, as the engine pages: a route
    through an enabled channel (`callout.routes_for`); remembered per person and channels."""

    @functools.cache
    def reached(person: Person, channels: tuple[str, ...]) -> bool:
        return bool(routes_for(person, channels, reaches).ordered)

    return reached


def _pairs(key: StepKey) -> list[tuple[str, Role]]:
    """The (unit, role) targets of a step key whose unit is known."""
    pairs = []
    for target in key:
        if isinstance(target, PersonTarget):
            continue
        unit, role = target
        if unit is not None:
            pairs.append((unit, role))
    return pairs


def _zones(roster: Roster, key: StepKey) -> tuple[str, tuple[str, ...]]:
    """The zone to tell a hole in (the step's first rotation's, else UTC), and every zone."""
    zones = tuple(
        dict.fromkeys(
            rotation.timezone
            for unit, role in _pairs(key)
            for rotation in roster.rotations_for(unit, role)
        )
    )
    return (zones[0] if zones else "UTC"), zones
