"""Drill scenarios: the built-in ones (one per product line) and those in drills.yaml beside
the roster, every problem reported as `file:line:col: path: message` like the roster's own.

    scenarios:
      - id: core-night
        name: Softswitch down in Shanghai
        customer: Shanghai Mobile
        site: Shanghai
        product: msc-9000
        criteria: ["1", CN-1]          # base 1-12, or the product's own (default: ["1"])
        chain: emergency               # a chain of the roster (default: emergency)
        targets:                       # default: within 10m, by step 1, reach 100%
          acknowledged_within: 10m
          acknowledged_by_step: 1
          reach_rate: 100%             # or none to leave a target out
"""

from __future__ import annotations

from pathlib import Path

from dispatcher.domain.drills import DrillTargets, Scenario, builtin_scenarios
from dispatcher.domain.emergency import BASE_BY_ID
from dispatcher.domain.oncall import Roster
from dispatcher.domain.request_parts import Category, Severity
from dispatcher.errors import DispatcherError, NotFound
from dispatcher.roster import MAX_FILE_BYTES, _parse_yaml
from dispatcher.roster.errors import Problems, RosterError
from dispatcher.roster.nodes import Node, describe
from dispatcher.roster.schema import Ids
from dispatcher.store.paths import read_input

MAX_STEPS = 100  # a drill target's step: a chain is never that long

FILENAME = "drills.yaml"
SCENARIO_REQUIRED = ("id", "name", "site", "product")
SCENARIO_OPTIONAL = ("customer", "criteria", "chain", "category", "severity", "targets")
TARGET_KEYS = ("acknowledged_within", "acknowledged_by_step", "reach_rate")


def scenarios_path(roster_path: Path) -> Path:
    """Where a roster's own scenarios live: drills.yaml in the roster's folder."""
    return roster_path.parent / FILENAME


def load_scenarios(roster: Roster, roster_path: Path) -> dict[str, Scenario]:
    """The built-in scenarios, then the file's (which may replace a built-in by its id)."""
    scenarios = {s.id: s for s in builtin_scenarios(roster)}
    path = scenarios_path(roster_path)
    if path.is_file():
        try:
            data = read_input(path, MAX_FILE_BYTES)
        except DispatcherError as error:
            reason = str(error).removeprefix(f"{path}: ")
            raise RosterError(
                [f"{path}:1:1: (file): cannot read the scenarios ({reason})"]
            ) from None
        scenarios.update((s.id, s) for s in parse_scenarios(data, roster, str(path)))
    return scenarios


def find_scenario(scenarios: dict[str, Scenario], scenario_id: str) -> Scenario:
    try:
        return scenarios[scenario_id]
    except KeyError:
        known = ", ".join(sorted(scenarios)) or "none"
        raise NotFound(f"no drill scenario {scenario_id!r} (known: {known})") from None


def parse_scenarios(data: bytes, roster: Roster, filename: str = FILENAME) -> list[Scenario]:
    problems = Problems(filename)
    document = _parse_yaml(data, problems)
    problems.raise_if_any()
    root = Node(document, 0, 0, "", problems)
    fields = root.mapping(("scenarios",)) or {}
    ids = Ids("scenario")
    items = (fields["scenarios"].items() or []) if "scenarios" in fields else []
    scenarios = [_read_scenario(item, roster, ids, filename) for item in items]
    problems.raise_if_any()
    return [s for s in scenarios if s is not None]


def _read_scenario(node: Node, roster: Roster, ids: Ids, filename: str) -> Scenario | None:
    fields = node.mapping(SCENARIO_REQUIRED, SCENARIO_OPTIONAL)
    if fields is None:
        return None
    scenario_id = ids.claim(fields["id"]) if "id" in fields else None
    name = fields["name"].text() if "name" in fields else None
    customer = fields["customer"].text() if "customer" in fields else "Drill Telecom (fictional)"
    product = _product(fields["product"], roster) if "product" in fields else None
    site = _site(fields["site"], roster, product) if "site" in fields else None
    criteria = _criteria(fields["criteria"], roster, product) if "criteria" in fields else ("1",)
    chain = fields["chain"].ident() if "chain" in fields else "emergency"
    if chain is not None and chain not in roster.chains:
        known = ", ".join(sorted(roster.chains)) or "none"
        (fields.get("chain", node)).error(
            f"the roster has no chain {chain!r} (its chains: {known})"
        )
        chain = None
    category = (
        fields["category"].choice(Category) if "category" in fields else Category.FAULT_SUPPORT
    )
    severity = fields["severity"].choice(Severity) if "severity" in fields else Severity.CRITICAL
    targets = _targets(fields["targets"]) if "targets" in fields else DrillTargets()
    if (
        scenario_id is None
        or name is None
        or customer is None
        or product is None
        or site is None
        or criteria is None
        or chain is None
        or category is None
        or severity is None
        or targets is None
    ):
        return None
    return Scenario(
        scenario_id,
        name,
        customer,
        site,
        product,
        criteria,
        chain,
        category,
        severity,
        targets,
        source=filename,
    )


def _product(node: Node, roster: Roster) -> str | None:
    product = node.ident()
    if product is not None and product not in roster.products:
        node.error(f"unknown product {product!r} (not in {roster.source})")
        return None
    return product


def _site(node: Node, roster: Roster, product: str | None) -> str | None:
    """A site a branch or overseas site covers; empty only for a product not handed over."""
    if node.value in (None, "") and product and not roster.products[product].handed_over:
        return ""
    site = node.text()
    if site is not None and roster.branch_for_site(site) is None:
        node.error(f"no branch or overseas site in {roster.source} covers {site!r}")
        return None
    return site


def _criteria(node: Node, roster: Roster, product: str | None) -> tuple[str, ...] | None:
    items = node.items()
    if items is None:
        return None
    if not items:
        node.error("a drill is an emergency drill: give at least one criterion")
        return None
    extra = {c.id for c in roster.criteria.get(product or "", ())}
    criteria = []
    for item in items:
        value = str(item.value).strip().upper() if isinstance(item.value, (str, int)) else None
        if value is None or (value not in BASE_BY_ID and value not in extra):
            own = ", ".join(sorted(extra)) or "none"
            item.error(
                f"{describe(item.value)} is not an emergency criterion "
                f"(base 1-12; this product's: {own})"
            )
            return None
        criteria.append(value)
    return tuple(criteria)


def _targets(node: Node) -> DrillTargets | None:
    fields = node.mapping((), TARGET_KEYS)
    if fields is None:
        return None
    defaults = DrillTargets()
    within, step, rate = (
        defaults.acknowledged_within,
        defaults.acknowledged_by_step,
        defaults.reach_rate,
    )
    ok = True
    if "acknowledged_within" in fields:
        field = fields["acknowledged_within"]
        within = None if field.value in (None, "none") else field.duration()
        ok &= field.value in (None, "none") or within is not None
    if "acknowledged_by_step" in fields:
        field = fields["acknowledged_by_step"]
        step = (
            None if field.value in (None, "none") else field.integer(minimum=1, maximum=MAX_STEPS)
        )
        ok &= field.value in (None, "none") or step is not None
    if "reach_rate" in fields:
        field = fields["reach_rate"]
        rate = None if field.value in (None, "none") else _rate(field)
        ok &= field.value in (None, "none") or rate is not None
    return DrillTargets(within, step, rate) if ok else None


def _rate(node: Node) -> float | None:
    """`90%` or `0.9`."""
    value = node.value
    try:
        rate = (
            float(value[:-1]) / 100
            if isinstance(value, str) and value.endswith("%")
            else float(value)
        )
    except (TypeError, ValueError):
        rate = None
    if isinstance(value, bool) or rate is None or not 0 <= rate <= 1:
        node.error(f"{describe(value)} is not a share such as 100% or 0.9")
        return None
    return rate
