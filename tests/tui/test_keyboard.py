"""The keyboard gaps of a night: keys right after `n` are kept, Escape asks before throwing
a request away, ctrl+s says what is missing, ctrl+l keeps the dispatcher where they are."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from dispatcher.store.requests import RequestFilter, RequestRepository
from dispatcher.testing.waiting import pilot_wait_for
from dispatcher.tui.screens.board import BoardScreen
from dispatcher.tui.screens.confirm import ConfirmScreen
from dispatcher.tui.screens.detail import DetailScreen
from dispatcher.tui.screens.new_request import NewRequestScreen
from dispatcher.tui.screens.oncall import OnCallScreen


def summary_typed(app) -> str:
    """The new-request form's summary, once the form is up and has it ("" until then)."""
    if not isinstance(app.screen, NewRequestScreen):
        return ""
    return next((field.value for field in app.screen.query("#summary").results(Input)), "")


def notices(app) -> str:
    return "\n".join(n.message for n in app._notifications)


async def test_keys_typed_right_after_n_are_kept(make_app, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        for key in "nSlow":  # all queued at once, as a fast typist's keys arrive
            app.post_message(events.Key(key, key))
        # each key passes the app, the board's table and the board, then the form as it
        # mounts: on a busy machine that takes more than one turn of the loop
        await pilot_wait_for(
            pilot,
            lambda: summary_typed(app) == "Slow",
            what="the form with 'Slow' typed",
            describe=lambda: f"screen {app.screen!r}: {summary_typed(app)!r}",
        )


async def test_escape_asks_before_throwing_away_a_half_typed_request(make_app, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")  # nothing typed: it simply closes
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Link", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep typing: the text is still there
        await settle(pilot)
        assert app.screen.query_one("#summary", Input).value == "Link"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


async def test_ctrl_s_says_what_is_missing(make_app, store, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "A summary is needed" in notices(app)
        screen = app.screen
        await pilot.press(*"Billing", "space", *"lost")
        screen.query_one("#criteria").select("7")  # an emergency with no site, customer, product
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "An emergency needs Site, Customer (operator / enterprise), Product" in notices(app)
        assert isinstance(app.screen, NewRequestScreen)
        assert RequestRepository(store).matching(RequestFilter()) == []


async def test_ctrl_l_keeps_the_dispatcher_on_their_screen(make_app, night, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.language == "zh"
        assert app.screen.sr_id == night[0].id
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen) and app.screen.language == "zh"
        await pilot.press("o", "ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, OnCallScreen) and app.screen.language == "en"


async def test_ctrl_l_waits_while_a_request_is_half_typed(make_app, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"Link", "ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, NewRequestScreen) and app.language == "en"
        assert app.screen.query_one("#summary", Input).value == "Link"
        assert "Save or cancel the new request first" in notices(app)
