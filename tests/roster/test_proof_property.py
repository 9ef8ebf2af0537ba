"""The proof and the engine agree: for random rosters (rotations in several zones, overrides
stacked in random order, some in the file and some at run time), the proof's holes are exactly
the minutes at which a request's step 1, resolved as the engine pages it (`preview`, then
`routes_for` over the enabled channels), reaches nobody."""

import tempfile
from datetime import timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dispatcher.domain.callout import routes_for
from dispatcher.domain.chains import ChainSpec, ChainStep, PersonTarget, RoleTarget
from dispatcher.domain.oncall import Roster
from dispatcher.domain.proof import prove_chains
from dispatcher.domain.request_parts import Category
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.roster import (
    ContactKind,
    ContactMethod,
    Person,
    Product,
    ProductLine,
    Role,
    Unit,
    UnitKind,
)
from dispatcher.domain.rotation import Override
from dispatcher.domain.routing import preview
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.paging import page_step
from dispatcher.store import Store

from .conftest import daily_rotations, utc

START = utc(2027, 3, 26)  # London's spring change and Sydney's autumn one inside
DAYS = 10
ZONES = ["Asia/Shanghai", "Europe/London", "America/New_York", "Australia/Sydney"]
MOBILE = ContactMethod(ContactKind.MOBILE, "+12125550100")
DESK_PHONE = ContactMethod(ContactKind.VOICE, "+12125550101")
MAIL = ContactMethod(ContactKind.EMAIL, "x@example.com")
PEOPLE = {
    "alice": (MOBILE, MAIL),
    "bob": (DESK_PHONE,),
    "carol": (MAIL,),
    "dave": (),
}
REACHES = [
    {"sms": frozenset({ContactKind.MOBILE}), "email": frozenset({ContactKind.EMAIL})},
    {"voice": frozenset({ContactKind.MOBILE, ContactKind.VOICE})},
    {"sms": frozenset({ContactKind.MOBILE})},
]
names = st.sampled_from(sorted(PEOPLE))
slot = st.one_of(st.none(), names, st.lists(names, min_size=1, max_size=2, unique=True))


@st.composite
def cases(draw):
    rotations = draw(daily_rotations(slot, ZONES, 3))
    overrides = []
    for index in range(draw(st.integers(0, 5))):
        start = START + timedelta(minutes=30 * draw(st.integers(0, 48 * DAYS)))
        length = timedelta(minutes=30 * draw(st.integers(1, 60)))
        who = draw(names)
        if draw(st.booleans()):
            covers = draw(names)
            overrides.append(Override(f"o{index}", who, start, start + length, covers=covers))
        else:
            overrides.append(
                Override(f"o{index}", who, start, start + length, unit="br", role=Role.CASE_HANDLER)
            )
    overrides = draw(st.permutations(overrides))
    split = draw(st.integers(0, len(overrides)))
    targets = [RoleTarget("$branch", Role.CASE_HANDLER)]
    if draw(st.booleans()):
        targets.append(PersonTarget(draw(names)))
    step = ChainStep(tuple(targets), ("sms",), 5)
    roster = Roster(
        units={
            "csc": Unit("csc", UnitKind.CSC, "CSC", zone="Asia/Shanghai"),
            "br": Unit("br", UnitKind.BRANCH, "Branch", sites=("Shanghai",)),
            "bd": Unit("bd", UnitKind.BD, "BD", product_lines=("pl",)),
        },
        product_lines={"pl": ProductLine("pl", "Line", "bd", products=("p",))},
        products={"p": Product("p", "P", "pl", handed_over=draw(st.booleans()))},
        people={p: Person(p, p.title(), "br", contacts=c) for p, c in PEOPLE.items()},
        rotations={r.id: r for r in rotations},
        overrides=tuple(overrides[:split]),  # from the file
        chains={"emergency": ChainSpec("emergency", "E", (step,))},
    )
    return roster, tuple(overrides[split:]), draw(st.sampled_from(REACHES))


@settings(max_examples=80, deadline=None)
@given(cases(), st.lists(st.integers(0, DAYS * 24 * 60 - 1), min_size=1, max_size=60))
def test_the_proofs_holes_are_exactly_the_minutes_the_engine_reaches_nobody(case, minutes):
    roster, at_run_time, reaches = case
    end = START + timedelta(days=DAYS)
    proof = prove_chains(roster, START, end, reaches, at_run_time)
    [hole] = [h for h in proof.holes if h.step == 1] or [None]
    intervals = hole.intervals if hole else ()
    edges = {int((t - START).total_seconds() // 60) for i in intervals for t in i}
    probes = set(minutes) | {m + d for m in edges for d in (-1, 0)}
    chain = roster.chains["emergency"]
    for minute in sorted(m for m in probes if 0 <= m < DAYS * 24 * 60):
        at = START + timedelta(minutes=minute)
        [step] = preview(roster, chain, at, "Shanghai", "p", at_run_time)
        reached = [p for p in step.people if routes_for(p, ("sms",), reaches).ordered]
        in_hole = any(a <= at < b for a, b in intervals)
        assert in_hole == (not reached), (at, [p.id for p in step.people], intervals)


@settings(max_examples=25, deadline=None)
@given(cases(), st.lists(st.integers(0, DAYS * 24 * 60 - 1), min_size=1, max_size=4))
def test_a_registered_emergency_skips_step_1_exactly_in_the_proofs_holes(case, minutes):
    """The same, through the engine's paging: an emergency registered at each minute, its
    step 1 paged by `page_step`, is skipped exactly when the minute lies in a hole."""
    roster, at_run_time, reaches = case
    proof = prove_chains(roster, START, START + timedelta(days=DAYS), reaches, at_run_time)
    intervals = next((h.intervals for h in proof.holes if h.step == 1), ())
    # the drawn minutes, and both sides of every hole's and override's edges
    edges = [t for i in intervals for t in i] + [
        t for o in roster.overrides + at_run_time for t in (o.start, o.end)
    ]
    probes = [START + timedelta(minutes=m) for m in minutes]
    probes += [t + d for t in edges[:8] for d in (timedelta(minutes=-1), timedelta())]
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder)) as store:
        control = CalloutControl(store, roster, overrides=at_run_time, reaches=reaches)
        for at in (p for p in probes if START <= p < START + timedelta(days=DAYS)):
            sr, routing = control.register(
                at,
                lambda sr_id, at=at: ServiceRequest(
                    sr_id,
                    at,
                    Category.FAULT_SUPPORT,
                    "Core down",
                    site="Shanghai",
                    product="p",
                    criteria=("1",),
                ),
                at,
                "desk",
                "phone",
            )
            assert routing.chain == "emergency"
            page_step(control, sr.id, at)
            [logged] = control.callouts.get(sr.id).steps[:1]
            in_hole = any(a <= at < b for a, b in intervals)
            assert logged.skipped == in_hole, (at, logged, intervals)
