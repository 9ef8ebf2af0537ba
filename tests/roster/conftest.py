from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import strategies as st

from dispatcher.domain.oncall import Roster
from dispatcher.domain.roster import ContactKind, ContactMethod, Person, Role, Unit, UnitKind
from dispatcher.domain.rotation import Handoff, Repeat, Rotation

HERE = Path(__file__).parent
SAMPLE = HERE.parent.parent / "contacts.yaml"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def person(person_id: str, *roles: Role, phone: bool = True, mobile: bool = True) -> Person:
    contacts = [ContactMethod(ContactKind.EMAIL, f"{person_id}@example.com")]
    if phone:
        kind = ContactKind.MOBILE if mobile else ContactKind.VOICE
        contacts.insert(0, ContactMethod(kind, "+12125550100"))
    return Person(
        person_id,
        person_id.title(),
        "br",
        roles=roles or (Role.CASE_HANDLER,),
        contacts=tuple(contacts),
    )


def rotation(
    rotation_id="r",
    *,
    slots,
    handoffs=((0, 8, 0), (0, 20, 0)),
    zone="Asia/Shanghai",
    repeat=Repeat.DAILY,
    period=1,
    start=date(2026, 11, 2),
    unit="br",
    role=Role.CASE_HANDLER,
) -> Rotation:
    from datetime import time

    return Rotation(
        rotation_id,
        unit,
        role,
        zone,
        repeat,
        start,
        tuple(Handoff(d, time(h, m)) for d, h, m in handoffs),
        tuple(tuple(s) if isinstance(s, (list, tuple)) else ((s,) if s else ()) for s in slots),
        period,
    )


def small_roster(*rotations: Rotation, people=None, **kwargs) -> Roster:
    people = people or [person(p) for p in ("alice", "bob", "carol")]
    return Roster(
        units={"br": Unit("br", UnitKind.BRANCH, "Branch", sites=("Shanghai",))},
        product_lines={},
        products={},
        people={p.id: p for p in people},
        rotations={r.id: r for r in rotations},
        required=[("br", Role.CASE_HANDLER)],
        **kwargs,
    )


@pytest.fixture
def base_text() -> str:
    return (HERE / "base.yaml").read_text()


CLOCK = st.tuples(st.integers(0, 23), st.sampled_from([0, 30]))


@st.composite
def daily_rotations(draw, slot, zones, most: int) -> list[Rotation]:
    """1 to `most` daily rotations of unit br, each with 1 to 3 handoffs on the half hour,
    1 to 4 slots drawn from `slot`, in a zone drawn from `zones`."""
    rotations = []
    for index in range(draw(st.integers(1, most))):
        times = sorted(set(draw(st.lists(CLOCK, min_size=1, max_size=3))))
        rotations.append(
            rotation(
                f"r{index}",
                slots=draw(st.lists(slot, min_size=1, max_size=4)),
                handoffs=tuple((0, h, m) for h, m in times),
                zone=draw(st.sampled_from(zones)),
                repeat=Repeat.DAILY,
            )
        )
    return rotations
