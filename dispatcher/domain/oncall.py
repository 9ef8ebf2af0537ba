"""The roster as the desk queries it: units, products, people, and who is on call when.

Product lines are addressed like units: a rotation, a chain target or a required pair names a
product line by its id, so "the interface person of the core network line" is
`("pl-core", Role.PRODUCT_LINE_INTERFACE)`. Unit and product line ids share one namespace.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dispatcher.domain.chains import ChainSpec
from dispatcher.domain.emergency import Criterion
from dispatcher.domain.request_parts import Severity
from dispatcher.domain.roster import (
    PHONE_KINDS,
    Person,
    Product,
    ProductLine,
    Role,
    SlaTarget,
    Unit,
    UnitKind,
)
from dispatcher.domain.rotation import Override, Rotation, apply_overrides
from dispatcher.errors import NotFound

INSTANT = timedelta(microseconds=1)
DEFAULT_REQUIRED = (
    ("$branch", Role.CASE_HANDLER),
    ("$bd", Role.OVERALL_INTERFACE),
    ("$product_line", Role.PRODUCT_LINE_INTERFACE),
)


@dataclass(frozen=True)
class Span:
    """A stretch of time [start, end) during which the same people hold a role."""

    start: datetime
    end: datetime
    people: tuple[str, ...]
    rotations: tuple[str, ...] = ()  # the rotations whose shifts cover this span

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.start, "to": self.end, "people": list(self.people)}


@dataclass
class Roster:
    units: dict[str, Unit]
    product_lines: dict[str, ProductLine]
    products: dict[str, Product]
    people: dict[str, Person]
    rotations: dict[str, Rotation] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()  # from the file; run-time ones live in the store
    required: list[tuple[str, Role]] = field(default_factory=list)
    chains: dict[str, ChainSpec] = field(default_factory=dict)
    criteria: dict[str, tuple[Criterion, ...]] = field(default_factory=dict)  # by product id
    source: str = "contacts.yaml"
    # The kinds a person can acknowledge through: phones, and plugins' kinds that say so
    # (`ContactKindSpec.acknowledges`); the reachability audit expects them confirmed.
    answering_kinds: frozenset[str] = PHONE_KINDS

    def __post_init__(self) -> None:
        by_role: dict[tuple[str, Role], list[Rotation]] = defaultdict(list)
        for rotation in self.rotations.values():
            by_role[(rotation.unit, rotation.role)].append(rotation)
        self._by_role = dict(by_role)
        self._site_units = {
            site.casefold(): unit
            for unit in self.units.values()
            if unit.kind in (UnitKind.BRANCH, UnitKind.OVERSEAS_SITE)
            for site in unit.sites
        }

    # -- look-ups -------------------------------------------------------------------------

    def person(self, person_id: str) -> Person:
        try:
            return self.people[person_id]
        except KeyError:
            raise NotFound(f"no person {person_id!r} in {self.source}") from None

    def unit(self, unit_id: str) -> Unit:
        try:
            return self.units[unit_id]
        except KeyError:
            raise NotFound(f"no unit {unit_id!r} in {self.source}") from None

    def product(self, product_id: str) -> Product:
        try:
            return self.products[product_id]
        except KeyError:
            raise NotFound(f"no product {product_id!r} in {self.source}") from None

    @property
    def zone(self) -> ZoneInfo:
        """The CSC's time zone: the `zone` of the roster's unit of kind csc. Every "local" date
        (an SR id's day, a report's day, an archive month, a shift) is a date in this zone,
        never the machine's. Raises `NotFound` (one line) when the roster names none; a
        roster read from a file always does (`roster check` refuses one without it)."""
        csc = next((u for u in self.units_of(UnitKind.CSC) if u.zone), None)
        if csc is None:
            raise NotFound(
                f"{self.source}: the unit of kind csc has no zone, so no local date can be "
                "known (add e.g. zone: Asia/Shanghai to it)"
            )
        return ZoneInfo(csc.zone)

    def units_of(self, kind: UnitKind) -> list[Unit]:
        """Every unit of one kind, in the roster's order."""
        return [u for u in self.units.values() if u.kind is kind]

    def branch_for_site(self, site: str) -> Unit | None:
        """The branch or overseas site that covers a site or region (case-insensitive)."""
        return self._site_units.get(site.casefold())

    def bd_for_product(self, product_id: str) -> Unit:
        return self.units[self.product_lines[self.product(product_id).product_line].bd]

    def l1_unit(self, product_id: str, site: str) -> Unit | None:
        """Who gives L1 support: the site's branch, or the BD for a product not handed over."""
        if not self.product(product_id).handed_over:
            return self.bd_for_product(product_id)
        return self.branch_for_site(site)

    def sla_for(self, product_id: str, severity: Severity) -> SlaTarget | None:
        """What the product's line promises for a severity; None when the roster sets nothing."""
        product = self.products.get(product_id)
        line = self.product_lines.get(product.product_line) if product else None
        return line.sla.get(severity) if line else None

    def extra_criteria(self, product_id: str) -> tuple[Criterion, ...]:
        """The emergency criteria the product's BD adds to the base definition."""
        self.product(product_id)
        return self.criteria.get(product_id, ())

    def resolve_unit(
        self, unit: str, *, site: str | None = None, product: str | None = None
    ) -> str | None:
        """A unit id, or a placeholder filled from an SR's site and product (None if unknown)."""
        if unit == "$branch":
            found = self.branch_for_site(site) if site else None
            return found.id if found else None
        if unit in ("$bd", "$product_line"):
            if product is None or product not in self.products:
                return None
            line = self.products[product].product_line
            return self.product_lines[line].bd if unit == "$bd" else line
        return unit

    def required_pairs(self) -> list[tuple[str, Role]]:
        """`required` with placeholders expanded: `$branch` means every branch (not overseas
        sites), `$bd` every BD, `$product_line` every product line."""
        expansions = {
            "$branch": [u.id for u in self.units_of(UnitKind.BRANCH)],
            "$bd": [u.id for u in self.units_of(UnitKind.BD)],
            "$product_line": list(self.product_lines),
        }
        pairs = [
            (unit_id, role)
            for unit, role in self.required
            for unit_id in expansions.get(unit, [unit])
        ]
        return list(dict.fromkeys(pairs))

    # -- on call --------------------------------------------------------------------------

    def rotations_for(self, unit: str, role: Role) -> list[Rotation]:
        return self._by_role.get((unit, role), [])

    def holder_ids(
        self, unit: str, role: Role, at: datetime, overrides: tuple[Override, ...] = ()
    ) -> tuple[str, ...]:
        """Who holds the role at that instant: the span of `timeline` holding `at`, so the
        desk, the engine and the proof of the chains read one answer."""
        spans = self.timeline(unit, role, at, at + INSTANT, overrides)
        return spans[0].people if spans else ()

    def on_call(
        self, unit: str, role: Role, at: datetime, overrides: tuple[Override, ...] = ()
    ) -> list[Person]:
        """Who holds the role for the unit (or product line) at that instant."""
        return [
            self.people[p] for p in self.holder_ids(unit, role, at, overrides) if p in self.people
        ]

    def timeline(
        self,
        unit: str,
        role: Role,
        start: datetime,
        end: datetime,
        overrides: tuple[Override, ...] = (),
    ) -> list[Span]:
        """The role's holders over [start, end) as consecutive spans, overrides applied;
        each boundary is a handoff or the edge of an override."""
        shifts = [list(r.shifts(start, end)) for r in self.rotations_for(unit, role)]
        relevant = _relevant_overrides(
            self.overrides + tuple(overrides),
            unit,
            role,
            start,
            end,
            {
                p
                for rotation in self.rotations_for(unit, role)
                for slot in rotation.slots
                for p in slot
            },
        )
        cuts = {start, end}
        for rotation_shifts in shifts:
            cuts.update(s.start for s in rotation_shifts)
        for override in relevant:
            cuts.update((override.start, override.end))
        boundaries = sorted(c for c in cuts if start <= c <= end)
        starts = [[s.start for s in rotation_shifts] for rotation_shifts in shifts]
        spans: list[Span] = []
        for left, right in itertools.pairwise(boundaries):
            holders: list[str] = []
            rotations: list[str] = []
            for rotation_shifts, shift_starts in zip(shifts, starts, strict=False):
                index = bisect_right(shift_starts, left) - 1
                if (
                    index >= 0
                    and left < rotation_shifts[index].end
                    and rotation_shifts[index].people
                ):
                    holders.extend(rotation_shifts[index].people)
                    rotations.append(rotation_shifts[index].rotation)
            people = apply_overrides(tuple(holders), unit, role, left, relevant)
            if spans and spans[-1].people == people and spans[-1].rotations == tuple(rotations):
                spans[-1] = Span(spans[-1].start, right, people, spans[-1].rotations)
            else:
                spans.append(Span(left, right, people, tuple(rotations)))
        return spans

    def now_and_next(
        self,
        unit: str,
        role: Role,
        at: datetime,
        overrides: tuple[Override, ...] = (),
        horizon: timedelta = timedelta(days=35),
    ) -> tuple[Span, Span | None]:
        """The span holding `at` (from its real start, up to `horizon` back) and the one
        after it: "on call now, handing over to whom, when"."""
        merged: list[Span] = []
        for span in self.timeline(unit, role, at - horizon, at + horizon, overrides):
            if merged and span.people == merged[-1].people:
                merged[-1] = Span(merged[-1].start, span.end, span.people, merged[-1].rotations)
            else:
                merged.append(span)
        index = next(i for i, span in enumerate(merged) if span.start <= at < span.end)
        return merged[index], (merged[index + 1] if index + 1 < len(merged) else None)


def _relevant_overrides(
    overrides: tuple[Override, ...],
    unit: str,
    role: Role,
    start: datetime,
    end: datetime,
    holders: set[str],
) -> tuple[Override, ...]:
    """The overrides that can change who holds this role in [start, end): those that add
    someone to it, and those covering a person who can hold it (also one added by cover)."""
    candidates = [
        o for o in overrides if o.end > start and o.start < end and o.applies_to(unit, role)
    ]
    holders = holders | {o.person for o in candidates if o.covers is None}
    keep: set[int] = set()
    pending = candidates
    while True:  # a cover of someone who is on call only through another override counts too
        found = [o for o in pending if o.covers is None or o.covers in holders]
        if not found:
            break
        keep.update(map(id, found))
        holders |= {o.person for o in found}
        pending = [o for o in pending if id(o) not in keep]
    return tuple(o for o in candidates if id(o) in keep)
