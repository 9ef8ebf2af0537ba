"""The drill screen in a small app of its own: pick a scenario, see the dry run, start the
drill, follow it as the engine pages, abort it, read the verdict."""

import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from textual.app import App
from textual.widgets import DataTable, Label, Static
from textual.worker import WorkerState

from dispatcher.domain.callout import RunState
from dispatcher.domain.drills import builtin_scenarios, dry_run
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine
from dispatcher.plugins.manager import PluginManager
from dispatcher.roster import parse_roster
from dispatcher.store import Store
from dispatcher.store.drills import DrillRepository
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.status import DeskStatus
from dispatcher.tui.screens import drill as drill_screen
from dispatcher.tui.screens.confirm import ConfirmScreen
from dispatcher.tui.screens.drill import DrillScreen

ROSTER = (
    (Path(__file__).parents[1] / "drills" / "drill_night.yaml")
    .read_text()
    .replace("channels: [voice, sms, email]", "channels: [desk]")
    .replace("channels: [voice, sms]", "channels: [desk]")
)


class DrillApp(App):
    status = DeskStatus()  # what the desk's header shows

    def __init__(self, screen: DrillScreen) -> None:
        super().__init__()
        self.drill_screen = screen

    def on_mount(self) -> None:
        self.push_screen(self.drill_screen)


def setting(tmp_path, clock):
    store = Store(tmp_path)
    roster = parse_roster(ROSTER.encode())
    control = CalloutControl(store, roster)
    engine = Engine(store, roster, PluginManager(environ={}, store=store).load(), clock)
    (core,) = builtin_scenarios(roster)
    scenarios = [core, replace(core, id="core-beijing", name="MSC down, second scenario")]
    desk = DeskContext(store, roster, "wang.fang", clock=clock)
    screen = DrillScreen(desk, "en", scenarios)
    return store, control, engine, screen


def rows(screen) -> list[list[str]]:
    table = screen.query_one("#people", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def text(screen, widget_id: str) -> str:
    return str(screen.query_one(widget_id, Static).render())


async def test_the_dry_run_then_a_live_drill_followed_to_its_verdict(
    tmp_path, controllable_clock, settle
):
    store, control, engine, screen = setting(tmp_path, controllable_clock)
    async with DrillApp(screen).run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        preview = rows(screen)
        assert [r[1] for r in preview] == [
            "Ann Sms",
            "Ben Key",
            "Cat Silent",
            "Dan Wrong",
            "Eve Line",
        ]
        assert all(r[3] == "would be paged" for r in preview)
        assert "dry run, nothing sent" in text(screen, "#status")
        assert DrillRepository(store).all() == []

        await pilot.press("s")  # real people would be paged: the screen names them, asks first
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmScreen)
        asked = " ".join(str(label.render()) for label in pilot.app.screen.query(Label))
        assert (
            "Run MSC Softswitch down in Shanghai (Core Network) LIVE?" in asked
            and "Ann Sms" in asked
            and "Eve Line" in asked
        )
        await pilot.press("n")
        await settle(pilot)
        assert DrillRepository(store).all() == []  # not confirmed: nothing started
        await pilot.press("s", "y")
        await settle(pilot)
        (drill,) = DrillRepository(store).all()
        assert RequestRepository(store).get(drill.sr).drill
        assert f"DRILL  {drill.sr}" in text(screen, "#status")
        await engine.run_once()  # the engine pages step 1 through the desk
        screen.refresh_progress()
        await settle(pilot)
        assert [(r[0], r[1], r[2]) for r in rows(screen)] == [
            ("round 1, step 1", name, "desk on the desk, to relay")
            for name in ("Ann Sms", "Ben Key", "Cat Silent", "Dan Wrong")
        ]
        assert "press a to abort" in text(screen, "#verdict")

        await controllable_clock.advance(timedelta(minutes=3))
        control.acknowledge(
            drill.sr, controllable_clock.now(), "wang.fang", by="Ann Sms", via="desk"
        )
        screen.refresh_progress()
        await settle(pilot)
        assert rows(screen)[0][3] == "acknowledged by desk"
        verdict = text(screen, "#verdict")
        assert verdict.startswith("FAILED")  # three of four never acknowledged
        assert "pass first acknowledgement within 10 min: after 3 min" in verdict
        assert "FAIL at least 100% of the people paged acknowledge: 25%" in verdict

        await pilot.press("down")  # another scenario: the finished drill gives way to its preview
        await settle(pilot)
        assert text(screen, "#status").startswith("MSC down, second scenario: ")
        assert "dry run, nothing sent" in text(screen, "#status")
    store.close()


async def test_a_drill_is_aborted_from_the_screen(tmp_path, controllable_clock, settle):
    store, control, engine, screen = setting(tmp_path, controllable_clock)
    async with DrillApp(screen).run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s", "y")
        await settle(pilot)
        await engine.run_once()
        screen.refresh_progress()
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        (drill,) = DrillRepository(store).all()
        assert drill.aborted is not None and drill.aborted_by == "wang.fang"
        assert control.callouts.get(drill.sr).run.state is RunState.STOPPED
        assert f"{drill.sr}" in text(screen, "#status") and "aborted" in text(screen, "#status")
        await pilot.press("a")  # nothing left to abort: the screen says so, nothing changes
        await settle(pilot)
        assert DrillRepository(store).get(drill.sr).aborted == drill.aborted
    store.close()


async def test_the_refresh_never_cancels_an_abort_under_way(
    tmp_path, controllable_clock, monkeypatch, settle
):
    """The screen re-reads the drill every second: a read that starts while the abort is
    being written must not cancel it (it did, in the same exclusive group of workers)."""
    store, control, engine, screen = setting(tmp_path, controllable_clock)
    writing, real_abort = threading.Event(), drill_screen.abort_drill

    def abort_once_let(*args):
        writing.wait(30)  # held until the refresh has started
        return real_abort(*args)

    monkeypatch.setattr(drill_screen, "abort_drill", abort_once_let)
    async with DrillApp(screen).run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s", "y")
        await settle(pilot)
        await engine.run_once()
        await pilot.press("a")
        [abort] = [w for w in pilot.app.workers if w.name == "abort"]
        screen.refresh_progress()  # the refresh's tick, while the abort is under way
        writing.set()
        await settle(pilot)
        assert abort.state is WorkerState.SUCCESS
        (drill,) = DrillRepository(store).all()
        assert drill.aborted is not None
        assert control.callouts.get(drill.sr).run.state is RunState.STOPPED
    store.close()


async def test_the_people_are_drawn_whole_even_when_painted_before_the_table_is_idle(
    tmp_path, controllable_clock, settle
):
    """A DataTable sized its columns when idle and kept what it had drawn before at the
    labels' widths: on a loaded machine the Chinese snapshot showed "Li N  voic  将被". The
    screen's table is sized as its rows are given, so a paint at once draws them whole."""
    store, roster = Store(tmp_path), parse_roster(ROSTER.encode())
    (core,) = builtin_scenarios(roster)
    desk = DeskContext(store, roster, "wang.fang", clock=controllable_clock)
    screen = DrillScreen(desk, "en", [])  # no scenario: nothing previewed before the one below
    async with DrillApp(screen).run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        table = screen.query_one("#people", DataTable)
        at = controllable_clock.now()
        screen.show_preview(core, at, dry_run(roster, core, at), desk.reaches())
        painted = [table.render_line(y).text for y in range(1, 1 + table.row_count)]
        assert [line.split()[1:3] for line in painted][:2] == [["Ann", "Sms"], ["Ben", "Key"]]
        assert all("would be paged" in line for line in painted if "NOBODY" not in line)
        await settle(pilot)
        assert [table.render_line(y).text for y in range(1, 1 + table.row_count)] == painted
    store.close()
