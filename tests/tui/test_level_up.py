"""Level up on the desk pages the step the chain aims at the new level's unit, not merely the
next step: through the engine, the real sms and voice channels and the loopback Twilio peer,
the test asks who was paged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Label

from dispatcher.domain.callout import RunState
from dispatcher.domain.outbox import DEFAULT_LIMITS, Limit
from dispatcher.domain.request_parts import Category, Severity
from dispatcher.domain.roster import ContactKind, Person, Role
from dispatcher.domain.routing import step_for_unit
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine, EngineSettings
from dispatcher.plugins.manager import PluginManager
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.outbox import OutboxRepository
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.screens.confirm import ConfirmScreen
from dispatcher.tui.screens.detail import DetailScreen

from .conftest import NOW, register_request
from .test_lifecycle import open_row, timeline_text


@pytest.fixture
async def engine(store, roster, desk, twilio_settings, smtp_settings):
    """The engine this desk would run, its sms, voice and email channels pointed at the
    loopback peers, driven pass by pass on the desk's clock."""
    plugins = PluginManager(environ={**twilio_settings, **smtp_settings}, store=store).load()
    # a messaging service's rate: the clock stands still, a long code's one a second would
    # hold every text after the first
    limits = {**DEFAULT_LIMITS, "channel:sms": Limit(30, timedelta(seconds=1))}
    running = Engine(store, roster, plugins, desk.clock, settings=EngineSettings(limits=limits))
    yield running
    await running.aclose()


def mobile(person: Person) -> str:
    return next(c.address for c in person.contacts if c.kind is ContactKind.MOBILE)


def texts_to(peer, person: Person) -> int:
    """How many texts the loopback Twilio peer took for a person's mobile."""
    return sum(
        1
        for m in peer.messages.values()
        if m["direction"] == "outbound-api" and m["to"] == mobile(person)
    )


def on_call(roster, unit: str, role: Role) -> Person:
    [person] = roster.on_call(unit, role, NOW)
    return person


def asked(app) -> str:
    return " ".join(str(label.render()) for label in app.screen.query(Label))


async def raise_level(pilot, settle) -> str:
    """`l` on the detail screen, the question read, then `y`: what the desk asked."""
    await pilot.press("l")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ConfirmScreen)
    question = asked(pilot.app)
    await pilot.press("y")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DetailScreen)
    return question


async def test_level_up_pages_the_step_aimed_at_the_new_levels_unit(
    make_app, store, roster, engine, twilio_peer, settle
):
    # An emergency on msc-9000 (bd-network's) in Shanghai. L2 is the TAC, step 2 of the
    # emergency chain; L3 is bd-network, whose overall interface is also in step 2. The
    # next step after step 2 would be step 3, the CSC's duty manager and the CSQ: not theirs.
    sr = register_request(store, "Core network down", minutes_ago=2, criteria=("1",))
    CalloutControl(store, roster).start(sr.id, NOW, "phone-desk")
    await engine.run_once()  # step 1: the branch and the product line
    tac = on_call(roster, "tac", Role.TAC_ENGINEER)
    bd = on_call(roster, "bd-network", Role.OVERALL_INTERFACE)
    duty = on_call(roster, "csc", Role.DUTY_MANAGER)
    assert (texts_to(twilio_peer, tac), texts_to(twilio_peer, bd)) == (0, 0)

    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, settle, 0)
        question = await raise_level(pilot, settle)
        assert f"Raise {sr.id} from L1 to L2?" in question
        assert "pages step 2 of emergency, the step for tac" in question
        assert tac.display_name in question
        await engine.run_once()
        assert texts_to(twilio_peer, tac) == 1 and texts_to(twilio_peer, bd) == 1

        question = await raise_level(pilot, settle)
        assert f"Raise {sr.id} from L2 to L3?" in question
        assert "pages step 2 of emergency, the step for bd-network" in question
        await engine.run_once()
        # step 2 again, as a new instance of it: bd-network's interface (and the TAC) are
        # paged a second time; the duty manager of the next step is not paged at all
        assert texts_to(twilio_peer, bd) == 2 and texts_to(twilio_peer, tac) == 2
        assert texts_to(twilio_peer, duty) == 0

        chain = CalloutRepository(store).get(sr.id)
        assert (chain.run.state, chain.run.position.round, chain.run.position.step) == (
            RunState.RUNNING,
            0,
            1,
        )
        changed = RequestRepository(store).get(sr.id)
        assert (changed.level.value, changed.owner.unit) == ("L3", "bd-network")
        app.screen.reload()
        await settle(pilot)
        text = timeline_text(app)
        assert "escalated L1 → L2" in text and "escalated L2 → L3" in text
        assert "assigned — → tac" in text and "assigned tac → bd-network" in text
        assert "round 1, step 1 → round 1, step 2" in text
        assert "round 1, step 2 → round 1, step 2" in text
        assert "L3, step for bd-network" in text


async def test_a_chain_that_ended_starts_again_at_the_step_for_the_new_level(
    make_app, store, roster, engine, twilio_peer, settle
):
    # A critical fault (not an emergency) whose chain was acknowledged at step 1: raising it
    # to L2 starts fault-critical again at step 2, the TAC's, not at the branch's step 1.
    sr = register_request(store, "Trunk group alarms", minutes_ago=2, severity=Severity.CRITICAL)
    control = CalloutControl(store, roster)
    control.start(sr.id, NOW, "phone-desk")
    await engine.run_once()
    branch = on_call(roster, "br-shanghai", Role.CASE_HANDLER)
    assert texts_to(twilio_peer, branch) == 1
    control.acknowledge(sr.id, NOW + timedelta(minutes=1), "phone-desk", branch.display_name)
    tac = on_call(roster, "tac", Role.TAC_ENGINEER)

    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, settle, 0)
        question = await raise_level(pilot, settle)
        assert "pages step 2 of fault-critical, the step for tac" in question
        await engine.run_once()

    chain = CalloutRepository(store).get(sr.id)
    assert (chain.run.chain, chain.run.state, chain.run.position.step) == (
        "fault-critical",
        RunState.RUNNING,
        1,
    )
    assert texts_to(twilio_peer, tac) == 1
    assert texts_to(twilio_peer, branch) == 1  # the branch was not paged again
    assert RequestRepository(store).get(sr.id).owner.unit == "tac"


def test_the_step_a_chain_aims_at_a_unit(roster):
    chains = roster.chains
    assert step_for_unit(roster, chains["emergency"], "tac", "Shanghai", "msc-9000") == 1
    assert step_for_unit(roster, chains["emergency"], "bd-network", "Shanghai", "msc-9000") == 1
    assert step_for_unit(roster, chains["fault"], "tac", "Shanghai", "msc-9000") == 1
    # fault has no $bd step: the product line's step is the business division's own
    assert step_for_unit(roster, chains["fault"], "bd-network", "Shanghai", "msc-9000") == 2
    assert step_for_unit(roster, chains["consultation"], "tac", "Shanghai", "msc-9000") is None


@pytest.mark.parametrize(
    ("language", "says"),
    [
        (
            "en",
            "The owner becomes csc; nobody new is paged: consultation has no step for csc and "
            "none after the step it is on, which goes on waiting.",
        ),
        (
            "zh",
            "处理人改为 csc;不呼叫新的人:consultation 没有 csc 的步骤,当前这一步之后也没有"
            "下一步,呼叫链继续等待当前这一步。",
        ),
    ],
)
async def test_level_up_on_a_chain_at_its_last_step_says_nobody_new_is_paged(
    make_app, store, roster, engine, settle, language, says
):
    # A consultation, handled by the CSC at every level: its chain has one step, the
    # product line's, and no step for the CSC. At that last step, raising the level changes
    # the owner and pages nobody new; the desk says so, not that the routing names no one.
    sr = register_request(store, "How to read the trunk counters", category=Category.CONSULTATION)
    CalloutControl(store, roster).start(sr.id, NOW, "phone-desk")
    await engine.run_once()
    paged = len(OutboxRepository(store).for_sr(sr.id))
    assert paged > 0

    app = make_app(language)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, settle, 0)
        question = await raise_level(pilot, settle)
        assert says in question
        assert "names no one" not in question and "没有指定任何人" not in question
        await engine.run_once()

    assert len(OutboxRepository(store).for_sr(sr.id)) == paged  # nobody new was paged
    chain = CalloutRepository(store).get(sr.id)
    assert (chain.run.chain, chain.run.state, chain.run.position.step) == (
        "consultation",
        RunState.RUNNING,
        0,
    )
    changed = RequestRepository(store).get(sr.id)
    assert (changed.level.value, changed.owner.unit) == ("L2", "csc")
