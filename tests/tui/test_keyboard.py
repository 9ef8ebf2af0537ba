"""The keyboard gaps of a night: keys right after `n` are kept, Escape asks before throwing
a request away, ctrl+s says what is missing, ctrl+l keeps the dispatcher where they are."""

from __future__ import annotations

import pytest
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


async def test_ctrl_l_switches_an_untouched_form(make_app, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, NewRequestScreen) and app.screen.language == "zh"
        assert app.language == "zh" and "新建" in str(app.screen.query_one(".form-title").render())
        await pilot.press(*"Link")  # the form in Chinese takes keys as the English one did
        await settle(pilot)
        assert summary_typed(app) == "Link"


async def test_ctrl_l_on_a_half_typed_form_asks_to_save_it_first(make_app, store, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"Link", "ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and app.language == "en"
        await pilot.press("n")  # keep typing: the form as it was, in English
        await settle(pilot)
        assert isinstance(app.screen, NewRequestScreen) and app.language == "en"
        assert app.screen.query_one("#summary", Input).value == "Link"
        await pilot.press("ctrl+l", "y")  # save, then switch
        await settle(pilot)
        await pilot_wait_for(pilot, lambda: app.language == "zh", what="the desk in Chinese")
        assert isinstance(app.screen, BoardScreen) and app.screen.language == "zh"
        [sr] = RequestRepository(store).matching(RequestFilter())
        assert sr.summary == "Link"


async def test_ctrl_l_then_save_refused_keeps_the_form_and_its_language(make_app, store, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#site").value = "Shanghai"  # chosen, no summary typed
        await settle(pilot)
        await pilot.press("ctrl+l", "y")
        await settle(pilot)
        assert isinstance(app.screen, NewRequestScreen) and app.language == "en"
        assert app.screen.query_one("#summary", Input).has_focus
        assert "A summary is needed" in notices(app)
        assert RequestRepository(store).matching(RequestFilter()) == []


@pytest.mark.parametrize(
    "field, value",
    [("site", "Shanghai"), ("product", "msc-9000"), ("category", "complaint"),
     ("level", "L2"), ("severity", "major"), ("vip", "bank"), ("start_chain", False)],
)  # fmt: skip
async def test_escape_asks_when_only_a_list_was_chosen(make_app, settle, field, value):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one(f"#{field}").value = value
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
