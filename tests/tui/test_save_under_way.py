"""A save that is under way when the dispatcher presses Escape or ctrl+l, or opens something
over its form: nothing asks to throw away or save what is already being saved, and once saved
the form closes, with whatever was opened over it, and the language switches when ctrl+l
asked for it (a save ending under a question once closed the question and left the saved
form open, its save key dead). The save's thread is real and held until the test lets it go."""

from __future__ import annotations

import threading

import pytest

from dispatcher.store import Store
from dispatcher.store.requests import RequestFilter, RequestRepository
from dispatcher.testing.waiting import pilot_wait_for, wait_for_async
from dispatcher.tui.data.operations import Operations
from dispatcher.tui.screens.board import BoardScreen
from dispatcher.tui.screens.callbacks import CallbackDialog, CallbackQueueScreen
from dispatcher.tui.screens.confirm import ConfirmScreen
from dispatcher.tui.screens.keys import KeysScreen
from dispatcher.tui.screens.new_request import NewRequestScreen
from tests.tui_service.test_callbacks_screen import QueueApp, fill, resolved_request

HOLD = 30  # seconds a held save waits at most for the test to let it go


def held(monkeypatch, owner, name: str) -> tuple[threading.Event, threading.Event]:
    """`owner.name` made to wait, once entered, until the returned `release` is set."""
    entered, release = threading.Event(), threading.Event()
    real = getattr(owner, name)

    def waiting(*args, **kwargs):
        entered.set()
        release.wait(HOLD)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, waiting)
    return entered, release


def stack(app) -> list[str]:
    return [type(screen).__name__ for screen in app.screen_stack[1:]]


async def start_saving(pilot, entered: threading.Event) -> NewRequestScreen:
    await pilot.press("n")
    await pilot_wait_for(
        pilot, lambda: isinstance(pilot.app.screen, NewRequestScreen), what="the form"
    )
    form = pilot.app.screen
    await pilot.press(*"outage", "ctrl+s")
    await wait_for_async(entered.is_set, what="the save under way")
    return form


@pytest.mark.parametrize("key", ["escape", "ctrl+l", "ctrl+s"])
async def test_a_key_pressed_while_the_form_saves_asks_nothing(
    make_app, store, settle, monkeypatch, key
):
    entered, release = held(monkeypatch, Operations, "register")
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        form = await start_saving(pilot, entered)
        await pilot.press(key)
        await pilot.pause()
        assert stack(app) == ["BoardScreen", "NewRequestScreen"]  # no question
        said = [n.message for n in app._notifications]
        assert any("Saving…" in message for message in said), said
        release.set()
        await pilot_wait_for(
            pilot, lambda: stack(app) == ["BoardScreen"], what="the saved form closed"
        )
        await settle(pilot)
        assert not form.is_attached
        assert app.language == ("zh" if key == "ctrl+l" else "en")
        [sr] = RequestRepository(store).matching(RequestFilter())
        assert sr.summary == "outage"
        board = app.screen
        assert isinstance(board, BoardScreen) and board.language == app.language
        assert sr.id in str(board.table.rows[0].sr.id)


async def test_a_save_that_ends_under_a_screen_opened_over_the_form_closes_both(
    make_app, store, settle, monkeypatch
):
    entered, release = held(monkeypatch, Operations, "register")
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await start_saving(pilot, entered)
        await pilot.press("tab", "question_mark")  # out of the summary: ? lists the keys
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, KeysScreen), what="the keys")
        release.set()
        await pilot_wait_for(
            pilot, lambda: stack(app) == ["BoardScreen"], what="the keys and the form closed"
        )
        await settle(pilot)
        [sr] = RequestRepository(store).matching(RequestFilter())
        assert [row.sr.id for row in app.screen.table.rows] == [sr.id]


async def test_a_callback_call_being_recorded_closes_once_saved_whatever_is_over_it(
    tmp_path, settle, monkeypatch
):
    store = Store(tmp_path)
    sr_id = resolved_request(RequestRepository(store), "link down", hours_ago=30)
    entered, release = held(monkeypatch, CallbackDialog, "_record")
    app = QueueApp(store)
    async with app.run_test(size=(150, 30)) as pilot:
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, CallbackQueueScreen)
        await pilot.press("c")
        dialog = app.screen
        assert isinstance(dialog, CallbackDialog)
        await fill(pilot, "#called", "Ma Li")
        await pilot.press("ctrl+s")
        await wait_for_async(entered.is_set, what="the call being recorded")
        await pilot.press("escape")  # not closed while it saves: it says so
        await pilot.pause()
        assert app.screen is dialog
        said = [n.message for n in app._notifications]
        assert any("Saving…" in message for message in said), said
        app.push_screen(ConfirmScreen("A question", "over the dialog", [], "Yes", "No"))
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="asked")
        release.set()
        await pilot_wait_for(pilot, lambda: app.screen is queue, what="the dialog closed")
        await settle(pilot)
        timeline = RequestRepository(Store(tmp_path)).timeline(sr_id)
        assert timeline[-1].data.get("called") == "Ma Li"
    store.close()
