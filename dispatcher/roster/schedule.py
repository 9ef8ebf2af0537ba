"""The duty part of contacts.yaml: rotations, overrides, required pairs, escalation chains.

Read after the organisation, so every reference to a person or a unit is checked here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from dispatcher.domain.chains import (
    PLACEHOLDERS,
    ChainSpec,
    ChainStep,
    PersonTarget,
    RoleTarget,
    Target,
)
from dispatcher.domain.coverage import rotation_overlaps
from dispatcher.domain.roster import Role
from dispatcher.domain.rotation import Handoff, Override, Repeat, Rotation
from dispatcher.roster.nodes import Node
from dispatcher.roster.schema import Ids, Organisation, read_zone

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OVERLAP_HORIZON = timedelta(days=366)
# Bounds of the counts a roster gives: beyond them a value is a typo, not a plan.
MAX_CYCLE_DAYS = 366
MAX_REPEAT = 20  # rounds of a chain
MAX_WAIT_MINUTES = 24 * 60  # a step's wait: a day


def read_rotations(node: Node, org: Organisation) -> dict[str, Rotation]:
    ids = Ids("rotation")
    rotations: dict[str, Rotation] = {}
    nodes: dict[str, Node] = {}
    for item in node.items() or []:
        fields = item.mapping(
            ("id", "unit", "role", "timezone", "repeat", "start", "handoffs", "people"),
            ("cycle_days",),
        )
        if fields is None:
            continue
        rotation_id = ids.claim(fields["id"]) if "id" in fields else None
        unit = org.check_unit(fields["unit"]) if "unit" in fields else None
        role = fields["role"].choice(Role) if "role" in fields else None
        zone = read_zone(fields["timezone"]) if "timezone" in fields else None
        repeat = fields["repeat"].choice(Repeat) if "repeat" in fields else None
        start = fields["start"].day() if "start" in fields else None
        period = _read_period(fields, repeat)
        handoffs = (
            _read_handoffs(fields["handoffs"], repeat, start, period)
            if "handoffs" in fields
            else None
        )
        slots = _read_slots(fields["people"], role, org) if "people" in fields else None
        if (
            rotation_id is None
            or unit is None
            or role is None
            or zone is None
            or repeat is None
            or start is None
            or period is None
            or handoffs is None
            or slots is None
        ):
            continue
        rotations[rotation_id] = Rotation(
            rotation_id, unit, role, zone, repeat, start, handoffs, slots, period
        )
        nodes[rotation_id] = item
    _check_overlaps(rotations, nodes)
    return rotations


def _read_period(fields: dict[str, Node], repeat: Repeat | None) -> int | None:
    if repeat is Repeat.CYCLE:
        if "cycle_days" not in fields:
            fields["repeat"].problems.add(
                fields["repeat"].line,
                fields["repeat"].column,
                fields["repeat"].path.replace(".repeat", ".cycle_days"),
                "missing (required for repeat: cycle)",
            )
            return None
        return fields["cycle_days"].integer(minimum=1, maximum=MAX_CYCLE_DAYS)
    if "cycle_days" in fields:
        fields["cycle_days"].error("only a rotation with repeat: cycle has cycle_days")
        return None
    return 7 if repeat is Repeat.WEEKLY else 1


def _read_handoffs(
    node: Node, repeat: Repeat | None, start: date | None, period: int | None
) -> tuple[Handoff, ...] | None:
    items = node.items()
    if items is None or repeat is None or start is None or period is None:
        return None
    if not items:
        node.error("a rotation needs at least one handoff")
        return None
    handoffs: dict[Handoff, Node] = {}
    for item in items:
        handoff = _read_handoff(item, repeat, start, period)
        if handoff is None:
            return None
        if handoff in handoffs:
            item.error(f"{item.value!r} repeats a handoff, so two shifts would overlap")
            return None
        handoffs[handoff] = item
    return tuple(sorted(handoffs, key=lambda h: (h.day, h.at)))


def _read_handoff(node: Node, repeat: Repeat, start: date, period: int) -> Handoff | None:
    """`HH:MM` (daily, or day 1 of a cycle), `mon HH:MM` (weekly), `day N HH:MM` (cycle)."""
    text = node.text()
    if text is None:
        return None
    *day_part, clock_text = text.split()
    clock = Node(clock_text, node.line, node.column, node.path, node.problems).clock()
    if clock is None:
        return None
    day_words = [w.lower() for w in day_part]
    if repeat is Repeat.WEEKLY and len(day_words) == 1 and day_words[0][:3] in WEEKDAYS:
        return Handoff((WEEKDAYS.index(day_words[0][:3]) - start.weekday()) % 7, clock)
    if repeat is Repeat.CYCLE and not day_words:
        return Handoff(0, clock)
    if (
        repeat is Repeat.CYCLE
        and len(day_words) == 2
        and day_words[0] == "day"
        and day_words[1].isdigit()
    ) and 1 <= int(day_words[1]) <= period:
        return Handoff(int(day_words[1]) - 1, clock)
    if repeat is Repeat.DAILY and not day_words:
        return Handoff(0, clock)
    examples = {
        Repeat.DAILY: "'08:00'",
        Repeat.WEEKLY: "'mon 08:00'",
        Repeat.CYCLE: f"'08:00' or 'day 2 08:00' (day 1..{period})",
    }
    node.error(f"{text!r} is not a {repeat.value} handoff; write {examples[repeat]}")
    return None


def _read_slots(
    node: Node, role: Role | None, org: Organisation
) -> tuple[tuple[str, ...], ...] | None:
    """`people`: in order; an item is a person, a list of people on call together, or null (off)."""
    items = node.items()
    if items is None:
        return None
    slots: list[tuple[str, ...]] = []
    complete = True
    for item in items:
        if item.value is None:
            members = []
        elif isinstance(item.value, list):
            members = item.items() or []
        else:
            members = [item]
        slot = tuple(p for p in (_read_member(m, role, org) for m in members) if p)
        complete = complete and len(slot) == len(members)
        slots.append(slot)
    if not complete:
        return None
    if not any(slots):
        node.error("the rotation is empty: it names no one")
        return None
    return tuple(slots)


def _read_member(node: Node, role: Role | None, org: Organisation) -> str | None:
    person = org.check_person(node)
    known = person in org.people and person not in org.roles_unknown
    if person and role and known and role not in org.people[person].roles:
        node.error(f"{person!r} does not hold the role {role.value!r} (add it to their roles)")
        return None
    return person


def _check_overlaps(rotations: dict[str, Rotation], nodes: dict[str, Node]) -> None:
    """Rotations for the same unit and role must not both have someone on call at once, at
    any time of a whole year from the later anchor (both daylight-saving seasons)."""
    if not rotations:
        return
    start = datetime.combine(max(r.start for r in rotations.values()), time(), tzinfo=UTC)
    end = start + OVERLAP_HORIZON
    reported: set[str] = set()
    for overlap in rotation_overlaps(rotations.values(), start, end):
        if overlap.second.id in reported:
            continue
        reported.add(overlap.second.id)
        nodes[overlap.second.id].error(
            f"overlaps rotation {overlap.first.id!r} for the same unit and role "
            f"{'; '.join(overlap.describe(start, end))}; put people on call together in one "
            "slot instead"
        )


def read_overrides(node: Node, org: Organisation) -> tuple[Override, ...]:
    ids = Ids("override")
    overrides: list[Override] = []
    for index, item in enumerate(node.items() or []):
        fields = item.mapping(("person", "from", "to"), ("id", "covers", "unit", "role", "reason"))
        if fields is None:
            continue
        override_id = ids.claim(fields["id"]) if "id" in fields else f"file-{index + 1}"
        person = org.check_person(fields["person"]) if "person" in fields else None
        covers = org.check_person(fields["covers"]) if "covers" in fields else None
        unit = org.check_unit(fields["unit"]) if "unit" in fields else None
        role = fields["role"].choice(Role) if "role" in fields else None
        start = fields["from"].instant() if "from" in fields else None
        end = fields["to"].instant() if "to" in fields else None
        reason = (fields["reason"].text() or "") if "reason" in fields else ""
        if start and end and end <= start:
            fields["to"].error("the override is empty: 'to' must be after 'from'")
            continue
        if "covers" not in fields and ("unit" not in fields or "role" not in fields):
            item.error(
                "an override without 'covers' adds a person to a role: give both 'unit' and 'role'"
            )
            continue
        if override_id and person and start and end and ("covers" not in fields or covers):
            overrides.append(
                Override(
                    override_id,
                    person,
                    start.astimezone(UTC),
                    end.astimezone(UTC),
                    covers,
                    unit,
                    role,
                    reason,
                    "contacts.yaml",
                )
            )
    return tuple(overrides)


def read_required(node: Node, org: Organisation) -> list[tuple[str, Role]]:
    pairs: list[tuple[str, Role]] = []
    for item in node.items() or []:
        fields = item.mapping(("unit", "role"))
        if fields is None or len(fields) < 2:
            continue
        unit = org.check_unit(fields["unit"], PLACEHOLDERS)
        role = fields["role"].choice(Role)
        if unit and role:
            pairs.append((unit, role))
    return pairs


def read_chains(node: Node, org: Organisation) -> dict[str, ChainSpec]:
    ids = Ids("chain")
    chains: dict[str, ChainSpec] = {}
    for item in node.items() or []:
        fields = item.mapping(("id", "steps"), ("name", "repeat", "status_updates"))
        if fields is None:
            continue
        chain_id = ids.claim(fields["id"]) if "id" in fields else None
        name = fields["name"].text() if "name" in fields else chain_id
        repeat = (
            fields["repeat"].integer(minimum=1, maximum=MAX_REPEAT) if "repeat" in fields else 1
        )
        step_nodes = (fields["steps"].items() or []) if "steps" in fields else []
        if "steps" in fields and fields["steps"].value == []:
            fields["steps"].error("a chain needs at least one step")
        steps = [_read_step(step, org) for step in step_nodes]
        read_steps = tuple(s for s in steps if s is not None)
        updates = fields["status_updates"].boolean() if "status_updates" in fields else None
        if chain_id and name and repeat and steps and len(read_steps) == len(steps):
            chains[chain_id] = ChainSpec(chain_id, name, read_steps, repeat, updates)
    return chains


def _read_step(node: Node, org: Organisation) -> ChainStep | None:
    fields = node.mapping(("targets", "channels", "wait_minutes"))
    if fields is None or len(fields) < 3:
        return None
    targets = [_read_target(t, org) for t in fields["targets"].items() or []]
    channels = [c.ident() for c in fields["channels"].items() or []]
    wait = fields["wait_minutes"].integer(minimum=0, maximum=MAX_WAIT_MINUTES)
    for key in ("targets", "channels"):
        if fields[key].value == []:
            fields[key].error(f"a step needs at least one of its {key}")
            return None
    read_targets = tuple(t for t in targets if t is not None)
    read_channels = tuple(c for c in channels if c is not None)
    if wait is None or len(read_targets) < len(targets) or len(read_channels) < len(channels):
        return None
    lines = tuple(c.line + 1 for c in fields["channels"].items() or [])  # as editors count
    return ChainStep(read_targets, read_channels, wait, lines)


def _read_target(node: Node, org: Organisation) -> Target | None:
    if isinstance(node.value, dict) and "person" in node.value:
        fields = node.mapping(("person",))
        person = org.check_person(fields["person"]) if fields else None
        return PersonTarget(person) if person else None
    fields = node.mapping(("unit", "role"))
    if fields is None or len(fields) < 2:
        return None
    unit = org.check_unit(fields["unit"], PLACEHOLDERS)
    role = fields["role"].choice(Role)
    return RoleTarget(unit, role) if unit and role else None
