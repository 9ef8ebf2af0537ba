"""Who handles a service request, and whom its call-out will reach.

The handling department follows the CSC's rules, by category:

- consultation (咨询): the CSC itself;
- complaint (投诉): the CSC, which runs the complaint process;
- technical consultation (技术咨询): the product line's interface person;
- planned service (计划性服务) and fault support (故障技术支持服务): at L1 the branch covering
  the site, or the business division for a product not yet handed over (未移交); at L2 the TAC;
  at L3 the business division.

An emergency, whatever its category, runs the `emergency` chain; other requests run the calmer
chain named for their category, when the roster has one. `preview` resolves a chain at an
instant, so the dispatcher sees "this will call: …" before anything is saved or sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from dispatcher.domain.chains import ChainSpec, ChainStep, PersonTarget, RoleTarget, Target
from dispatcher.domain.oncall import Roster
from dispatcher.domain.request_parts import Category, Level, Severity
from dispatcher.domain.roster import Person, Role, UnitKind
from dispatcher.domain.rotation import Override

EMERGENCY_CHAIN = "emergency"

# The calmer chain for each category; a roster without that chain pages nobody for it.
CATEGORY_CHAINS: dict[Category, str] = {
    Category.FAULT_SUPPORT: "fault",
    Category.TECHNICAL_CONSULTATION: "consultation",
    Category.PLANNED_SERVICE: "planned",
    Category.COMPLAINT: "complaint",
    Category.CONSULTATION: "consultation",
}


@dataclass(frozen=True)
class Routing:
    handler: str | None  # unit id of the handling department, None when the roster has none
    level: Level
    chain: str | None  # chain id in the roster, None when no chain applies
    why: str  # one line a dispatcher can check


@dataclass(frozen=True)
class StepPreview:
    number: int  # 1-based
    channels: tuple[str, ...]
    wait_minutes: int
    people: tuple[Person, ...]
    nobody_for: tuple[Target, ...]  # targets that resolve to nobody at that instant

    @property
    def skipped(self) -> bool:
        """A step that reaches nobody is skipped at once."""
        return not self.people


def _unit_of_kind(roster: Roster, kind: UnitKind) -> str | None:
    """The roster's unit of a kind it has one of (the CSC, the TAC)."""
    return next((u.id for u in roster.units_of(kind)), None)


def handler_for(
    roster: Roster, category: Category, level: Level, site: str, product: str
) -> tuple[str | None, str]:
    """The handling unit and why, for a category at a support level."""
    known_product = product in roster.products
    if category in (Category.CONSULTATION, Category.COMPLAINT):
        return _unit_of_kind(roster, UnitKind.CSC), f"{category.value} is handled by the CSC"
    if category is Category.TECHNICAL_CONSULTATION:
        if not known_product:
            return None, "technical consultation needs a product of the roster"
        line = roster.products[product].product_line
        return line, f"technical consultation goes to product line {line}"
    if level is Level.L2:
        return _unit_of_kind(roster, UnitKind.TAC), "L2 support is the TAC"
    if level is Level.L3:
        if not known_product:
            return None, "L3 support needs a product of the roster"
        bd = roster.bd_for_product(product).id
        return bd, f"L3 support is {bd}, the product's business division"
    if known_product and not roster.products[product].handed_over:
        bd = roster.bd_for_product(product).id
        return bd, f"{product} is not handed over (未移交): L1 from {bd}"
    branch = roster.branch_for_site(site) if site else None
    if branch is None:
        return None, f"no branch covers site '{site}'" if site else "no site given"
    return branch.id, f"L1 from {branch.id}, which covers {site}"


def route(
    roster: Roster,
    category: Category,
    level: Level,
    site: str,
    product: str,
    emergency: bool,
    severity: Severity | None = None,
) -> Routing:
    """The handler, and the chain: `emergency` for an emergency; else the category's chain
    for that severity when the roster has one (`fault-critical`), else the category's."""
    handler, why = handler_for(roster, category, level, site, product)
    if emergency:
        wanted = [EMERGENCY_CHAIN]
    else:
        base = CATEGORY_CHAINS[category]
        wanted = ([f"{base}-{severity.value}"] if severity is not None else []) + [base]
    chain = next((c for c in wanted if c in roster.chains), None)
    if chain is None:
        why += f"; the roster has no '{wanted[-1]}' chain, so nobody is paged"
    elif emergency:
        why += "; an emergency: the emergency chain, every channel at once"
    elif chain != wanted[-1] and severity is not None:
        why += f"; the {chain} chain for a {severity.value} request"
    return Routing(handler, level, chain, why)


HolderLookup = Callable[[str, Role], tuple[str, ...]]
"""Who holds a role for a unit at the instant being resolved: `(unit, role) -> person ids`."""


def resolve_step(
    roster: Roster, step: ChainStep, site: str, product: str, holders: HolderLookup
) -> tuple[tuple[Person, ...], tuple[Target, ...]]:
    """The people one step pages and the targets that reach nobody, at one instant.

    The one resolution of chain targets: the engine's paging (through `preview`) and the
    proof of the chains (`dispatcher.domain.proof`) both call it. Placeholders are filled by
    `Roster.resolve_unit` from the request's site and product (`$branch` from the site
    always, whoever gives L1); `holders` says who holds a role at that instant.
    """
    people: list[Person] = []
    nobody: list[Target] = []
    for target in step.targets:
        if isinstance(target, PersonTarget):
            ids: tuple[str, ...] = (target.person,)
        else:
            unit = roster.resolve_unit(target.unit, site=site or None, product=product or None)
            ids = holders(unit, target.role) if unit else ()
        found = [roster.people[p] for p in ids if p in roster.people]
        if not found:
            nobody.append(target)
        people += [p for p in found if p not in people]
    return tuple(people), tuple(nobody)


def preview(
    roster: Roster,
    chain: ChainSpec,
    at: datetime,
    site: str,
    product: str,
    overrides: tuple[Override, ...] = (),
) -> list[StepPreview]:
    """Each step of a chain as it would run at `at`: who, by which channels, how long.

    `$branch` is the branch or overseas site covering the site in every case: for a product
    not handed over (未移交) the BD's people give L1 beside it, the branch still recovers.
    """

    return [
        preview_step(roster, chain, number, at, site, product, overrides)
        for number in range(1, len(chain.steps) + 1)
    ]


def preview_step(
    roster: Roster,
    chain: ChainSpec,
    number: int,
    at: datetime,
    site: str,
    product: str,
    overrides: tuple[Override, ...] = (),
) -> StepPreview:
    """Step `number` (1-based) of `preview` alone: what the engine needs as it pages it."""

    def holders(unit: str, role: Role) -> tuple[str, ...]:
        return roster.holder_ids(unit, role, at, overrides)

    step = chain.steps[number - 1]
    people, nobody = resolve_step(roster, step, site, product, holders)
    return StepPreview(number, step.channels, step.wait_minutes, people, nobody)


def step_for_unit(
    roster: Roster, chain: ChainSpec, unit: str, site: str, product: str
) -> int | None:
    """The 0-based index of the step a chain aims at `unit` (the handler of a support level),
    for a request's site and product; None when no step is aimed at it.

    A step is aimed at a unit when one of its targets is a role of that unit (a placeholder
    filled by `Roster.resolve_unit`) or a person of it. Failing that, a step aimed at one of
    the unit's product lines counts as the business division's own (the L3 rule of
    `handler_for`). The first such step in the chain's order wins.
    """

    def aimed(target: Target) -> str | None:
        if isinstance(target, PersonTarget):
            person = roster.people.get(target.person)
            return person.unit if person else None
        return roster.resolve_unit(target.unit, site=site or None, product=product or None)

    def owner_of(resolved: str | None) -> str | None:
        line = roster.product_lines.get(resolved or "")
        return line.bd if line is not None else None

    for matches in (lambda found: found == unit, lambda found: owner_of(found) == unit):
        for index, step in enumerate(chain.steps):
            if any(matches(aimed(target)) for target in step.targets):
                return index
    return None


# What a chain's placeholder units are filled from: the request's site or its product.
FILLED_FROM = {"$branch": "site", "$bd": "product", "$product_line": "product"}


def unfilled_targets(chain: ChainSpec, site: str, product: str) -> dict[str, tuple[Target, ...]]:
    """The request fields a chain needs and the request lacks: {"site" | "product": the
    targets that name a unit through it}.

    The roster's proof covers every site and every product (`proof.routing_inputs`), never
    a request without them: a chain naming `$branch` for a request with no site pages fewer
    people than the proof proved, perhaps nobody at a step. The chain still starts (an
    emergency pages whom it can), and the dispatcher is told what to give."""
    given = {"site": site, "product": product}
    missing: dict[str, list[Target]] = {}
    for step in chain.steps:
        for target in step.targets:
            if isinstance(target, RoleTarget) and target.unit in FILLED_FROM:
                field = FILLED_FROM[target.unit]
                if not given[field] and target not in missing.get(field, []):
                    missing.setdefault(field, []).append(target)
    return {field: tuple(targets) for field, targets in missing.items()}


def chains_filled_from_requests(roster: Roster) -> tuple[str, ...]:
    """The chains whose placeholder units are filled from a request's site or product: the
    ones the proof assumes every request gives those for."""
    return tuple(c.id for c in roster.chains.values() if unfilled_targets(c, "", ""))


def describe_target(target: Target) -> str:
    if isinstance(target, PersonTarget):
        return target.person
    return f"{target.role.value} of {target.unit}"
