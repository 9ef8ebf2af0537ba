"""Every lifecycle action of the command line, on the desk: names and units checked against
the roster, a confirmation before a level is raised, the closure rule's reason, the timeline
saying what changed."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import DataTable, Label, Static

from dispatcher.domain.callout import RunState
from dispatcher.engine.clock import ManualClock
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.app import DeskApp
from dispatcher.tui.context import DeskContext
from dispatcher.tui.screens.confirm import ConfirmScreen
from dispatcher.tui.screens.detail import DetailScreen
from tests.tui.conftest import NOW


def timeline_text(app) -> str:
    table = app.screen.query_one("#timeline", DataTable)
    return "\n".join(" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count))


def notices(app) -> str:
    return "\n".join(n.message for n in app._notifications)


async def open_row(pilot, settle, downs: int) -> None:
    await settle(pilot)
    await pilot.press(*(["down"] * downs), "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DetailScreen)


async def test_a_name_or_unit_not_in_the_roster_is_refused(make_app, night, store, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, settle, 1)
        await pilot.press("a", *"Nobody Here", "enter")
        await settle(pilot)
        await pilot.press("r", *"no-such-unit bob", "enter")
        await settle(pilot)
        await pilot.press("r", *"tac Li Na", "enter")  # Li Na is not of the TAC
        await settle(pilot)
        sr = RequestRepository(store).get(night[1].id)
        assert sr.status.value == "new" and sr.owner.unit == ""
        said = notices(app)
        assert "'Nobody Here' is not in the roster" in said
        assert "'no-such-unit' is not a unit of the roster" in said
        assert "'Li Na' is not in tac" in said


async def test_a_name_two_people_share_is_refused_and_names_are_read_as_the_command_line_does(
    store, roster, night, settle
):
    """The desk resolves names as the command line does: a name of two people acknowledges
    nobody (it says whom it names); a unit's id is read in any case, a person by any name."""
    li_na = roster.person("sh-li-na")
    twin = replace(li_na, id="bj-li-na", unit="br-beijing", name_zh="")
    shared = replace(roster, people={**roster.people, twin.id: twin})
    app = DeskApp(DeskContext(store, shared, "night-desk", clock=ManualClock(NOW)), "en")
    app.NOTIFICATION_TIMEOUT = 3600
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, settle, 1)
        await pilot.press("a", *"li na", "enter")
        await settle(pilot)
        assert "'li na' names more than one person (sh-li-na, bj-li-na)" in notices(app)
        assert RequestRepository(store).get(night[1].id).status.value == "new"
        await pilot.press("r", *"shanghai", "enter")  # a site, not a unit
        await settle(pilot)
        assert "'shanghai' is not a unit of the roster" in notices(app)
        await pilot.press("r", *"BR-SHANGHAI", "space", *"李娜", "enter")
        await settle(pilot)
        owner = RequestRepository(store).get(night[1].id).owner
        assert (owner.unit, owner.person) == ("br-shanghai", "sh-li-na")


async def test_a_name_is_completed_from_the_roster(make_app, night, store, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, settle, 1)
        await pilot.press("a", *"li n")
        await settle(pilot)
        answer = app.screen.query_one("#answer")
        assert answer._suggestion.casefold().startswith("li na")
        await pilot.press("right", "enter")  # take the completion
        await settle(pilot)
        assert RequestRepository(store).get(night[1].id).status.value == "acknowledged"


async def test_level_up_asks_names_the_owner_and_pages_the_tacs_step(
    make_app, night, store, settle
):
    emergency = night[0]
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, settle, 0)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        asked = " ".join(str(label.render()) for label in app.screen.query(Label))
        assert f"Raise {emergency.id} from L1 to L2?" in asked
        assert "The owner becomes tac" in asked
        await pilot.press("n")  # not confirmed: nothing changes
        await settle(pilot)
        assert RequestRepository(store).get(emergency.id).level.value == "L1"
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        sr = RequestRepository(store).get(emergency.id)
        assert (sr.level.value, sr.owner.unit) == ("L2", "tac")
        chain = CalloutRepository(store).get(emergency.id)
        assert (
            chain.run.state is RunState.RUNNING and chain.run.position.step == 1
        )  # step 2, the TAC's
        text = timeline_text(app)
        assert "escalated L1 → L2" in text and "assigned — → tac" in text


async def test_start_work_restore_resolve_and_close_after_three_unanswered_tries(
    make_app, night, store, settle
):
    fault = night[1]
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, settle, 1)
        await pilot.press("a", *"Li Na", "enter")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("t", *"reboot", "enter")
        await settle(pilot)
        await pilot.press("v", *"patched", "enter")
        await settle(pilot)
        await pilot.press("x")  # no callback yet: the desk says what is missing
        await settle(pilot)
        assert "never called back" in notices(app) and "0 of 3" in notices(app)
        for _ in range(3):
            await pilot.press("c", *"not_reached", "enter")
            await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"number out of service", "enter")
        await settle(pilot)
        sr = RequestRepository(store).get(fault.id)
        assert sr.status.value == "closed"
        text = timeline_text(app)
        assert "started acknowledged → in progress" in text
        assert "restored in progress → restored: reboot" in text
        assert "not reached · #3" in text
        assert "closed resolved → closed · number out of service (3×)" in text
        record = str(app.screen.query_one("#summary", Static).render())
        assert "CLOSED — read only" in record
        await pilot.press("m")  # read only: no note can be added
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)


async def test_declare_an_emergency_on_an_existing_request(make_app, night, store, settle):
    fault = night[1]
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, settle, 1)
        await pilot.press("exclamation_mark", *"2 12", "enter")
        await settle(pilot)
        sr = RequestRepository(store).get(fault.id)
        assert sr.criteria == ("2", "12") and sr.red_flag is not None and sr.red_flag.is_open
        chain = CalloutRepository(store).get(fault.id)
        assert chain.run.chain == "emergency" and chain.running
        assert "red flag opened" in timeline_text(app)


async def test_reopen_after_a_failed_callback(make_app, night, store, settle):
    fault = night[1]
    requests = RequestRepository(store)
    requests.change(fault.id, lambda sr: sr.resolve(sr.received, "night-desk"))
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, settle, 1)
        await pilot.press("o", *"customer says still slow", "enter")
        await settle(pilot)
        assert requests.get(fault.id).status.value == "in_progress"
        assert "reopened resolved → in progress: customer says still slow" in timeline_text(app)
