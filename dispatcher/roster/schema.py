"""The organisation part of contacts.yaml: units, product lines, products, criteria, people.

A person's contact methods are read by `dispatcher.roster.contacts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dispatcher.domain.contact_kinds import ContactKinds
from dispatcher.domain.emergency import BASE_BY_ID, Criterion
from dispatcher.domain.request_parts import Severity
from dispatcher.domain.roster import (
    Person,
    Product,
    ProductLine,
    Role,
    SlaTarget,
    Unit,
    UnitKind,
)
from dispatcher.i18n import LANGUAGES
from dispatcher.roster.contacts import read_contact
from dispatcher.roster.nodes import Node


class Ids:
    """One id namespace; a second definition of an id is a problem that names the first."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.seen: dict[str, Node] = {}

    def claim(self, node: Node) -> str | None:
        value = node.ident()
        if value is None:
            return None
        if value in self.seen:
            node.error(
                f"duplicate {self.what} id {value!r} (first defined on line {self.seen[value].line + 1})"
            )
            return None
        self.seen[value] = node
        return value


@dataclass
class Organisation:
    units: dict[str, Unit] = field(default_factory=dict)
    product_lines: dict[str, ProductLine] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    criteria: dict[str, tuple[Criterion, ...]] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)  # unit id -> its page language
    people: dict[str, Person] = field(default_factory=dict)
    unit_ids: Ids = field(default_factory=lambda: Ids("unit"))  # units and product lines
    product_ids: Ids = field(default_factory=lambda: Ids("product"))
    person_ids: Ids = field(default_factory=lambda: Ids("person"))
    roles_unknown: set[str] = field(default_factory=set)  # people whose roles had a problem
    kinds: ContactKinds = field(default_factory=ContactKinds)  # the contact kinds installed

    def check_unit(self, node: Node, placeholders: frozenset[str] = frozenset()) -> str | None:
        """A reference to a unit or product line (or an allowed placeholder)."""
        unit = node.text()
        if unit is None or unit in placeholders:
            return unit
        if unit not in self.unit_ids.seen:
            also = f" or a placeholder ({', '.join(sorted(placeholders))})" if placeholders else ""
            node.error(f"unknown unit {unit!r} (expected a unit or product line id{also})")
            return None
        return unit

    def check_person(self, node: Node) -> str | None:
        person = node.text()
        if person is not None and person not in self.person_ids.seen:
            node.error(f"unknown person {person!r}")
            return None
        return person


def read_zone(node: Node) -> str | None:
    name = node.text()
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        node.error(f"{name!r} is not a known IANA time zone (e.g. Asia/Shanghai)")
        return None
    return name


def read_units(node: Node, org: Organisation) -> None:
    for item in node.items() or []:
        fields = item.mapping(
            ("id", "kind", "name"),
            ("name_zh", "sites", "product_lines", "emergency_criteria", "language", "zone"),
        )
        if fields is None:
            continue
        unit_id = org.unit_ids.claim(fields["id"]) if "id" in fields else None
        kind = fields["kind"].choice(UnitKind) if "kind" in fields else None
        name = fields["name"].text() if "name" in fields else None
        name_zh = fields["name_zh"].text() if "name_zh" in fields else ""
        sites = _read_sites(fields.get("sites"), kind)
        lines: list[str] = []
        if "product_lines" in fields and kind is not None:
            if kind is not UnitKind.BD:
                fields["product_lines"].error("only a unit of kind bd has product lines")
            else:
                lines = [
                    _read_product_line(line, unit_id or "", org)
                    for line in fields["product_lines"].items() or []
                ]
        if "emergency_criteria" in fields and kind is not None:
            if kind is not UnitKind.BD:
                fields["emergency_criteria"].error("only a unit of kind bd adds emergency criteria")
            else:
                _read_criteria(fields["emergency_criteria"], [line for line in lines if line], org)
        if unit_id and "language" in fields:
            org.languages[unit_id] = read_language(fields["language"])
        zone = _read_csc_zone(item, fields.get("zone"), kind)
        if unit_id and kind and name:
            org.units[unit_id] = Unit(
                unit_id,
                kind,
                name,
                name_zh or "",
                sites,
                tuple(line for line in lines if line),
                zone or "",
            )
    if isinstance(node.value, list) and not any(
        isinstance(item, dict) and item.get("kind") == UnitKind.CSC.value for item in node.value
    ):
        node.error(
            "no unit of kind csc: its zone (e.g. Asia/Shanghai) is the zone of every local "
            "date, SR ids and report days included"
        )


def _read_csc_zone(unit: Node, node: Node | None, kind: UnitKind | None) -> str | None:
    """The CSC's zone (the zone of every local date): required on the unit of kind csc, and
    on no other unit (people and rotations have a `timezone` of their own). There is no
    default: the machine's zone is never used."""
    if kind is not UnitKind.CSC:
        if node is not None and kind is not None:
            node.error("only the unit of kind csc has a zone (a person's is their timezone)")
        return None
    if node is None:
        unit.problems.add(
            unit.line,
            unit.column,
            f"{unit.path}.zone",
            "missing (required): the CSC's IANA time zone, e.g. Asia/Shanghai, the zone of "
            "every local date (SR ids, report days, archive months, shifts)",
        )
        return None
    return read_zone(node)


def _read_sites(node: Node | None, kind: UnitKind | None) -> tuple[str, ...]:
    if node is None:
        return ()
    if kind is not None and kind not in (UnitKind.BRANCH, UnitKind.OVERSEAS_SITE):
        node.error("only a branch or an overseas site covers sites")
        return ()
    return tuple(site for site in (item.text() for item in node.items() or []) if site)


def _read_product_line(node: Node, bd: str, org: Organisation) -> str:
    fields = node.mapping(("id", "name", "products"), ("name_zh", "sla"))
    if fields is None:
        return ""
    line_id = org.unit_ids.claim(fields["id"]) if "id" in fields else None
    name = fields["name"].text() if "name" in fields else None
    sla = _read_sla(fields["sla"]) if "sla" in fields else {}
    products: list[str] = []
    for item in (fields["products"].items() or []) if "products" in fields else []:
        product = item.mapping(("id", "name"), ("handed_over",))
        if product is None:
            continue
        product_id = org.product_ids.claim(product["id"]) if "id" in product else None
        product_name = product["name"].text() if "name" in product else None
        handed_over = product["handed_over"].boolean() if "handed_over" in product else True
        if product_id and product_name and handed_over is not None and line_id:
            org.products[product_id] = Product(product_id, product_name, line_id, handed_over)
            products.append(product_id)
    if not line_id or not name:
        return ""
    name_zh = (fields["name_zh"].text() or "") if "name_zh" in fields else ""
    org.product_lines[line_id] = ProductLine(line_id, name, bd, name_zh, sla, tuple(products))
    return line_id


def _read_sla(node: Node) -> dict[Severity, SlaTarget]:
    targets: dict[Severity, SlaTarget] = {}
    for severity, item in (node.mapping((), tuple(s.value for s in Severity)) or {}).items():
        fields = item.mapping(("response", "restore", "resolve"))
        if fields is None or len(fields) < 3:
            continue
        response, restore, resolve = (
            fields[k].duration() for k in ("response", "restore", "resolve")
        )
        if response is None or restore is None or resolve is None:
            continue
        if not response <= restore <= resolve:
            item.error("targets must not shrink: response ≤ restore ≤ resolve")
            continue
        targets[Severity(severity)] = SlaTarget(response, restore, resolve)
    return targets


def _read_criteria(node: Node, lines: list[str], org: Organisation) -> None:
    ids = Ids("criterion")
    bd_products = [p for line in lines for p in org.product_lines[line].products]
    for item in node.items() or []:
        fields = item.mapping(("id", "en", "zh"), ("products",))
        if fields is None:
            continue
        criterion_id = ids.claim(fields["id"]) if "id" in fields else None
        if criterion_id in BASE_BY_ID:
            fields["id"].error(
                f"{criterion_id!r} is a base criterion id; a BD adds its own, e.g. 'CN-1'"
            )
            criterion_id = None
        en = fields["en"].text() if "en" in fields else None
        zh = fields["zh"].text() if "zh" in fields else None
        applies_to = bd_products
        if "products" in fields:
            applies_to = []
            for product_node in fields["products"].items() or []:
                product = product_node.text()
                if product in bd_products:
                    applies_to.append(product)
                elif product is not None and product not in org.product_ids.seen:
                    product_node.error(f"unknown product {product!r}")
                elif product in org.products:
                    product_node.error(f"{product!r} is not a product of this BD")
        if criterion_id and en and zh:
            for product in applies_to:
                org.criteria[product] = (
                    *org.criteria.get(product, ()),
                    Criterion(criterion_id, en, zh),
                )


def read_people(node: Node, org: Organisation) -> dict[str, Node]:
    """Read people; return the node of each person's unit for the cross-reference pass."""
    ids = org.person_ids
    unit_refs: dict[str, Node] = {}
    for item in node.items() or []:
        fields = item.mapping(
            ("id", "name", "unit"), ("name_zh", "roles", "contacts", "timezone", "language")
        )
        if fields is None:
            continue
        person_id = ids.claim(fields["id"]) if "id" in fields else None
        name = fields["name"].text() if "name" in fields else None
        unit = fields["unit"].text() if "unit" in fields else None
        name_zh = (fields["name_zh"].text() or "") if "name_zh" in fields else ""
        problems_before = len(item.problems.lines)
        roles = _read_list(fields.get("roles"), lambda n: n.choice(Role))
        if person_id and len(item.problems.lines) > problems_before:
            org.roles_unknown.add(person_id)
        contacts = _read_list(fields.get("contacts"), lambda n: read_contact(n, org.kinds))
        timezone = read_zone(fields["timezone"]) if "timezone" in fields else "UTC"
        language = read_language(fields["language"]) if "language" in fields else ""
        if person_id and name and unit and timezone:
            org.people[person_id] = Person(
                person_id, name, unit, name_zh, roles, contacts, timezone, language
            )
            unit_refs[person_id] = fields["unit"]
    return unit_refs


def read_language(node: Node) -> str:
    language = node.value
    if language not in LANGUAGES:
        node.error(f"{language!r} is not one of: {', '.join(LANGUAGES)}")
        return ""
    return language


def settle_languages(org: Organisation) -> None:
    """Each person's page language: their own `language`, else their unit's, else the CSC's
    (the `language` of the unit of kind csc), else English."""
    csc = next((u for u in org.units.values() if u.kind is UnitKind.CSC), None)
    default = (org.languages.get(csc.id) if csc else None) or "en"
    for person_id, person in org.people.items():
        if not person.language:
            language = org.languages.get(person.unit) or default
            org.people[person_id] = replace(person, language=language)


def _read_list(node: Node | None, read) -> tuple:
    """Each item read by `read`, leaving out the ones that had a problem."""
    if node is None:
        return ()
    return tuple(value for value in (read(item) for item in node.items() or []) if value)
