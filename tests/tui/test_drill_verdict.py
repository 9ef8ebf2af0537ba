"""The desk's drill screen gives a verdict only once it is decided: a drill still inside its
targets' time reads "in progress" (never FAILED), in English and in Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Static

from dispatcher.domain.drills import builtin_scenarios
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.drills import start_drill
from dispatcher.engine.runtime import Engine
from dispatcher.plugins.manager import PluginManager
from dispatcher.testing.waiting import pilot_wait_for
from dispatcher.tui.screens.drill import DrillScreen

from .conftest import NOW


@pytest.mark.parametrize(
    ("language", "awaited", "in_progress", "failed"),
    [
        ("en", "first acknowledgement awaited", "in progress", "FAILED"),
        ("zh", "等待首次确认", "进行中", "未通过"),
    ],
)
async def test_a_running_drill_is_in_progress_until_its_time_has_passed(
    make_app, store, roster, desk, settle, language, awaited, in_progress, failed
):
    scenario = next(s for s in builtin_scenarios(roster) if s.id == "drill-pl-core")
    start_drill(CalloutControl(store, roster), scenario, NOW - timedelta(seconds=15), "night-desk")
    engine = Engine(store, roster, PluginManager(store=store), desk.clock)
    await engine.run_once()  # step 1 paged
    await engine.aclose()
    app = make_app(language)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)

        def verdict() -> str:
            return str(app.screen.query_one("#verdict", Static).render())

        shown = await pilot_wait_for(
            pilot, lambda: awaited in verdict() and verdict(), what="the drill's progress"
        )
        assert in_progress in shown and failed not in shown and "FAIL" not in shown

        # Ten minutes on, nobody acknowledged: the first target is missed for good.
        await desk.clock.advance(timedelta(minutes=10))
        app.screen.refresh_progress()
        shown = await pilot_wait_for(
            pilot, lambda: failed in verdict() and verdict(), what="the drill's verdict"
        )
        assert in_progress in shown  # the reach rate waits for the chain's end
