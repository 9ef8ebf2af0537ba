"""The call-out from the desk: an emergency's chain starts on save, the board follows it step
by step, and the dispatcher escalates, acknowledges, retries; quitting while this desk runs the
engine asks first."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta

import pytest

from dispatcher.domain.callout import RunState
from dispatcher.domain.outbox import DeliveryState
from dispatcher.engine.lease import EngineLease
from dispatcher.engine.runtime import Engine, EngineThread
from dispatcher.plugins.manager import PluginManager
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.outbox import OutboxRepository
from dispatcher.testing.waiting import pilot_wait_for
from dispatcher.tui.app import DeskApp
from dispatcher.tui.screens.board import BoardScreen
from dispatcher.tui.screens.confirm_quit import ConfirmQuitScreen
from dispatcher.tui.screens.detail import DetailScreen
from dispatcher.tui.widgets.virtual_table import VirtualTable

from .conftest import register_request


@pytest.fixture
async def engine(store, roster, desk):
    """The engine this desk would run, driven pass by pass."""
    running = Engine(store, roster, PluginManager(store=store), desk.clock)
    yield running
    await running.aclose()


def callout_cell(app, row_index: int = 0) -> str:
    board = app.screen
    row = board.query_one(VirtualTable).rows[row_index]
    return str(board.render_row(row)[0][9])


async def register_emergency(pilot) -> None:
    await pilot.press("n")
    await pilot.press(*"Core network down".replace(" ", "_"))
    await pilot.press("tab", "tab", "tab", "tab", "enter", *"Shanghai", "enter")
    await pilot.press("tab", "enter", *"msc", "enter", "tab", "tab", *"Example_Mobile")
    await pilot.press(*["tab"] * 5, "space", "ctrl+s")  # an emergency needs its customer


async def test_the_chain_starts_on_save_and_the_board_follows_it(
    make_app, store, engine, desk, settle
):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await register_emergency(pilot)
        await settle(pilot)
        [chain] = CalloutRepository(store).all()
        assert (chain.run.chain, chain.run.state, chain.run.position.step) == (
            "emergency",
            RunState.RUNNING,
            0,
        )
        await engine.run_once()  # step 1 is paged
        app.screen.action_refresh_board()
        await settle(pilot)
        cell = callout_cell(app)
        assert cell.startswith("1.1/3 → ") and "Li Na" in cell  # on the night shift
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("e")  # escalate: step 2 now
        await settle(pilot)
        await engine.run_once()
        app.screen.reload()
        await settle(pilot)
        chain = CalloutRepository(store).get(chain.sr)
        assert (chain.run.position.step, chain.steps[-1].how) == (1, "escalated")
        progress = str(app.screen.query_one("#callout").render())
        assert "round 1, step 2" in progress and "He Ping" in progress  # bd-network's interface
        await pilot.press("a", *"Li", "space", *"Na", "enter")
        await settle(pilot)
        chain = CalloutRepository(store).get(chain.sr)
        assert (chain.run.state, chain.run.acknowledged_by, chain.run.acknowledged_via) == (
            RunState.ACKNOWLEDGED,
            "Li Na (李娜)",  # as the roster shows her: the name typed was checked against it
            "phone",
        )
        queued = [
            r for r in OutboxRepository(store).for_sr(chain.sr) if r.state is DeliveryState.QUEUED
        ]
        # No page goes out once someone owns it; the others paged are told who took it.
        assert {r.purpose for r in queued} == {"status_update"}
        assert "sh-li-na" not in {r.person for r in queued}
        await pilot.press("escape")
        await settle(pilot)
        assert callout_cell(app) == "✓ Li Na (李娜)"


async def test_an_exhausted_chain_flashes_until_seen(make_app, store, engine, desk, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await register_emergency(pilot)
        await settle(pilot)
        [chain] = CalloutRepository(store).all()
        for _ in range(9):  # three steps, three rounds
            await desk.clock.advance(timedelta(minutes=16))
            await engine.run_once()
        assert CalloutRepository(store).get(chain.sr).run.state is RunState.EXHAUSTED
        app.screen.action_refresh_board()
        await settle(pilot)
        board = app.screen
        row = board.query_one(VirtualTable).rows[0]
        styles = set()
        for _ in range(2):
            await desk.clock.advance(timedelta(seconds=1))
            styles.add(board.render_row(row)[1])
        assert any(s is not None and s.bgcolor is not None for s in styles)
        await pilot.press("enter")
        await settle(pilot)
        assert CalloutRepository(store).get(chain.sr).seen  # every desk stops flashing it


async def test_a_failed_page_sent_again_by_another_channel(make_app, store, engine, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await register_emergency(pilot)
        await settle(pilot)
        await engine.run_once()
        outbox = OutboxRepository(store)
        page = outbox.all()[0]
        [sms] = outbox.enqueue(
            [
                replace(
                    page,
                    id=0,
                    channel="sms",
                    state=DeliveryState.QUEUED,
                    attempt=0,
                    provider_id="",
                    provider_status="",
                )
            ]
        )
        outbox.sending(sms.id, sms.created)
        failed = outbox.move(
            sms.id,
            DeliveryState.FAILED,
            sms.created,
            failure="permanent",
            detail="number not in service",
        )
        await pilot.press("b")
        await settle(pilot)
        table = app.screen.query_one(VirtualTable)
        table.cursor = next(i for i, r in enumerate(table.rows) if r.id == failed.id)
        await pilot.press("y", *"email", "enter")
        await settle(pilot)
        again = [r for r in outbox.all() if f"was #{failed.id}" in r.detail]
        assert [(r.channel, r.state) for r in again] == [("email", DeliveryState.QUEUED)]


async def this_desk_runs_the_engine(pilot, engine) -> None:
    """Wait until this desk runs the engine and its header says so (it starts once the
    board has painted its rows)."""
    await pilot_wait_for(
        pilot,
        lambda: engine.running and "this desk" in str(pilot.app.status.engine),
        what="this desk running the engine",
    )


async def test_quitting_while_this_desk_chases_chains_asks_and_names_them(
    desk, store, roster, settle
):
    engine = EngineThread(store, roster, PluginManager(store=store), clock=desk.clock)
    app = DeskApp(desk, "en", engine)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await this_desk_runs_the_engine(pilot, engine)
            await register_emergency(pilot)
            await settle(pilot)
            [chain] = CalloutRepository(store).running()
            await pilot.press("q")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmQuitScreen)
            assert any(chain.sr in str(label.render()) for label in app.screen.query("Label"))
            await pilot.press("n")
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmQuitScreen) and app.is_running
            await pilot.press("q")
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            assert not app.is_running
    finally:
        engine.stop()
    assert not engine.running


async def test_a_second_desk_leaves_the_engine_to_its_holder_and_quits_at_once(
    desk, store, roster, settle
):
    holder = EngineLease(store.data_dir)
    assert holder.acquire("engine")  # `dispatcher engine` runs elsewhere on this data
    engine = EngineThread(store, roster, PluginManager(store=store), clock=desk.clock)
    app = DeskApp(desk, "en", engine)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            assert not engine.running
            assert f"engine pid {os.getpid()}" in app.status.engine
            await register_emergency(pilot)  # the holder will page it: nothing to ask
            await settle(pilot)
            assert CalloutRepository(store).running()
            await pilot.press("q")
            await settle(pilot)
            assert not app.is_running
    finally:
        engine.stop()
        holder.release()


async def test_a_desk_takes_the_engine_over_when_its_holder_quits(desk, store, roster, settle):
    """Timers never wait for a restart: the next status read after the holder is gone starts
    this desk's engine, and the header says so."""
    holder = EngineLease(store.data_dir)
    assert holder.acquire("engine")
    engine = EngineThread(store, roster, PluginManager(store=store), clock=desk.clock)
    app = DeskApp(desk, "en", engine)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            assert not engine.running
            holder.release()  # `dispatcher engine` stopped, or its machine died
            app.read_status()
            await pilot_wait_for(
                pilot, lambda: app.status.engine == "this desk", what="the desk took the engine"
            )
            assert engine.running
    finally:
        engine.stop()
        holder.release()
    assert not engine.start()  # a stopped desk engine is never started again


async def test_the_desk_starts_its_engine_once_the_board_shows_its_rows(
    desk, store, roster, monkeypatch
):
    """At launch the engine (its plugins, a look at every open request) would share the one
    interpreter with the board's first read: it starts once the rows are shown."""
    register_request(store, "E1 down at Pudong")
    engine = EngineThread(store, roster, PluginManager(store=store), clock=desk.clock)
    running_as_rows_shown: list[bool] = []
    show_rows = BoardScreen.show_rows

    def shown(screen, *rows):
        running_as_rows_shown.append(engine.running)
        show_rows(screen, *rows)

    monkeypatch.setattr(BoardScreen, "show_rows", shown)
    app = DeskApp(desk, "en", engine)
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await this_desk_runs_the_engine(pilot, engine)
            assert running_as_rows_shown[0] is False
    finally:
        engine.stop()
