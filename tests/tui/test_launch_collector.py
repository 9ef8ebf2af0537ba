"""The desk launches with the cyclic garbage collector paused (`dispatcher.tui.collector`): the
command pauses it before the desk is imported, the board's first rows are built without it,
and the desk resumes it as its start-up work begins. A desk refused before it opens resumes it
too: the collector is never left off."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.testing.waiting import pilot_wait_for
from dispatcher.tui.app import DeskApp
from dispatcher.tui.screens.board import BoardScreen

from .conftest import SIZE

SAMPLE = Path(__file__).resolve().parents[2] / "contacts.yaml"


class Cycle:
    me: Cycle


@pytest.fixture
def collector_restored():
    yield
    gc.enable()  # whatever a failing test left


async def test_the_board_shows_with_the_collector_paused_and_the_desk_resumes_it(
    make_app, night, monkeypatch, collector_restored
):
    collecting_when_shown: list[bool] = []
    show_rows = BoardScreen.show_rows

    def noted(self, *args, **kwargs):
        collecting_when_shown.append(gc.isenabled())
        return show_rows(self, *args, **kwargs)

    monkeypatch.setattr(BoardScreen, "show_rows", noted)
    frozen_before = gc.get_freeze_count()
    gc.disable()  # as `dispatcher desk` does before it imports the desk
    let_go = Cycle()
    let_go.me = let_go  # a reference cycle launch makes and lets go: only the collector frees it
    cycle = weakref.ref(let_go)
    del let_go
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot_wait_for(pilot, lambda: app.started_work, what="the desk's start-up work")
        assert collecting_when_shown[:1] == [False]  # the first rows: built and shown paused
        assert gc.isenabled()
        assert gc.get_freeze_count() > frozen_before  # what launch built: out of full passes
        assert cycle() is None  # collected first, not frozen for good


@pytest.mark.parametrize(("person", "opens"), [("Xie Ning", True), ("Evil Stranger", False)])
def test_the_desk_command_pauses_the_collector_and_never_leaves_it_off(
    tmp_path, monkeypatch, quiet_environ, collector_restored, person, opens
):
    collecting_when_run: list[bool] = []
    monkeypatch.setattr(DeskApp, "run", lambda self: collecting_when_run.append(gc.isenabled()))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli,
        ["desk", "--as", person, "--roster", str(SAMPLE), "--data", str(tmp_path / "data")],
        env=quiet_environ,
    )
    assert (result.exit_code == 0) is opens, result.output
    assert collecting_when_run == ([False] if opens else [])
    assert gc.isenabled()
