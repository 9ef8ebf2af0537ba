"""The detail view: the record, the timeline, and the dispatcher's actions on it."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from dispatcher.store.requests import RequestRepository
from dispatcher.tui.screens.detail import DetailScreen


def timeline_text(app) -> str:
    table = app.screen.query_one("#timeline", DataTable)
    return "\n".join(" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count))


async def test_acknowledge_for_someone_who_confirmed_by_phone(make_app, night, store, settle):
    emergency = night[0]
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        record = str(app.screen.query_one("#summary", Static).render())
        assert emergency.id in record and "Billing lost" in record  # criterion 7, spelled out
        await pilot.press("a")
        await pilot.press(*"Li Na", "enter")
        await settle(pilot)
        assert RequestRepository(store).get(emergency.id).status.value == "acknowledged"
        # the name typed is checked against the roster and recorded as the roster shows it
        assert "acknowledged dispatched → acknowledged · Li Na (李娜) phone" in timeline_text(app)
        clocks = str(app.screen.query_one("#clocks", Static).render())
        assert clocks.splitlines()[0].endswith("met")  # the response clock stopped in time
        await pilot.press("escape")
        await settle(pilot)
        assert (
            app.screen.render_row(app.screen.query_one("#requests").rows[0])[0][7] == "acknowledged"
        )


async def test_note_level_reassign_and_resolve(make_app, night, store, settle):
    fault = night[1]
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("m", *"TAC on the bridge".replace(" ", "_"), "enter")
        await settle(pilot)
        await pilot.press("l")  # asks first, naming the new owner
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("r", *"tac", "space", *"tac-han-xu", "enter")
        await settle(pilot)
        await pilot.press("v", *"restarted", "enter")
        await settle(pilot)
        sr = RequestRepository(store).get(fault.id)
        assert (sr.level.value, sr.owner.unit, sr.owner.person, sr.status.value) == (
            "L2",
            "tac",
            "tac-han-xu",
            "resolved",
        )
        text = timeline_text(app)
        assert "note: TAC_on_the_bridge" in text and "escalated L1 → L2" in text
        assert "resolved" in text


async def test_an_illegal_move_says_why_and_changes_nothing(make_app, night, store, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("x")  # close before any callback
        await settle(pilot)
        assert RequestRepository(store).get(night[0].id).status.value == "dispatched"
        assert any("cannot close" in n.message for n in app._notifications)
