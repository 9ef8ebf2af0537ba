"""A worker thread's result reaches its screen, or the desk's header, only while that is still
on the desk: a read that ends after its screen was closed, or while the desk quits, is dropped,
never a traceback (a board read, then a status read, ending during the desk's close were seen
under `make test-stress` and at launch). The thread is real and held until the screen is gone."""

from __future__ import annotations

import threading

from dispatcher.testing.waiting import pilot_wait_for, wait_for_async
from dispatcher.tui.screens.board import BoardScreen
from dispatcher.tui.screens.history import HistoryScreen

HOLD = 30  # seconds a held read waits at most for the test to let it go


def watch_deliveries(screen) -> list[tuple[str, Exception | None]]:
    """Each result the screen's worker handed back: the callback's name, and what handing it
    over raised (None when nothing did)."""
    handed: list[tuple[str, Exception | None]] = []
    deliver = screen.from_worker

    def watched(callback, *args, **kwargs) -> None:
        try:
            deliver(callback, *args, **kwargs)
        except Exception as error:
            handed.append((callback.__name__, error))
        else:
            handed.append((callback.__name__, None))

    screen.from_worker = watched
    return handed


async def test_a_board_read_that_ends_while_the_desk_closes_is_dropped(make_app, night, settle):
    app = make_app()
    entered, release = threading.Event(), threading.Event()
    shown: list[str] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        read = board.reader.read

        def held_read(now, force):
            entered.set()
            release.wait(HOLD)
            return read(now, force=True)

        def show_rows(*_):
            shown.append("rows")

        def show_planned(*_):
            shown.append("planned")

        board.reader.read = held_read
        board.show_rows, board.show_planned = show_rows, show_planned
        handed = watch_deliveries(board)
        board.read_board(force=True)
        await wait_for_async(entered.is_set, what="the board read under way")
    release.set()  # the desk has closed; the read's thread ends now

    await wait_for_async(lambda: len(handed) == 2, what="the read handed back both results")
    assert handed == [("show_rows", None), ("show_planned", None)]
    assert shown == []


async def test_a_search_that_ends_after_its_screen_closed_is_dropped(
    make_app, night, desk, settle, monkeypatch
):
    app = make_app()
    entered, release = threading.Event(), threading.Event()
    shown: list[object] = []
    index = desk.history()

    class HeldIndex:
        def __getattr__(self, name):
            return getattr(index, name)

        def search(self, query):
            entered.set()
            release.wait(HOLD)
            return index.search(query)

    monkeypatch.setattr(desk, "history", HeldIndex)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        screen = HistoryScreen(desk, "en")
        await app.push_screen(screen)
        screen.show = shown.append
        handed = watch_deliveries(screen)
        screen.search("billing")
        await wait_for_async(entered.is_set, what="the search under way")
        app.pop_screen()
        await pilot_wait_for(
            pilot, lambda: isinstance(app.screen, BoardScreen), what="back on the board"
        )
        release.set()
        await pilot_wait_for(pilot, lambda: handed, what="the search handed back its result")
        await settle(pilot)

        assert handed == [("append", None)]
        assert shown == []
        assert isinstance(app.screen, BoardScreen)


async def test_a_status_read_that_ends_while_the_desk_closes_is_dropped(
    make_app, night, settle, monkeypatch
):
    import dispatcher.tui.app as desk_app

    app = make_app()
    entered, release = threading.Event(), threading.Event()
    on_shift = desk_app.on_shift

    def held_on_shift(*args):
        entered.set()
        release.wait(HOLD)
        return on_shift(*args)

    shown: list[object] = []

    def show_status(**changes):
        shown.append(changes)

    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(desk_app, "on_shift", held_on_shift)
        app.show_status = show_status
        handed = watch_deliveries(app)
        app.read_status()
        await wait_for_async(entered.is_set, what="the status read under way")
    release.set()  # the desk has closed; the status read's thread ends now

    await wait_for_async(lambda: handed, what="the status read handed back its result")
    assert handed == [("show_status", None)]
    assert shown == []


async def test_a_screen_the_start_up_work_could_not_import_opens_from_its_key(
    make_app, night, settle, monkeypatch
):
    """Python 3.11 can fail building two threads' syntax trees at once (CPython gh-106905,
    seen once in a long run): the start-up work's import of a screen failing so leaves the
    desk running, and the screen's key imports it."""
    import dispatcher.tui.screens.board as board_module

    real, failed = board_module.later, []

    def later(name):
        if name == "history" and threading.current_thread() is not threading.main_thread():
            failed.append(name)
            raise SystemError("AST constructor recursion depth mismatch (before=90, after=65)")
        return real(name)

    monkeypatch.setattr(board_module, "later", later)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot_wait_for(pilot, lambda: failed, what="the start-up import failing")
        await settle(pilot)
        await pilot.press("y")
        await pilot_wait_for(
            pilot, lambda: isinstance(app.screen, HistoryScreen), what="the history screen"
        )
