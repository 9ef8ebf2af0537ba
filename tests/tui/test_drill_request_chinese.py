"""A built-in drill's request reads in Chinese on the Chinese desk's detail (PROMISES 7): the
summary, made-up customer and description the product wrote for the scenario are said as its
pages say them; a real request's text stays as it was typed."""

from __future__ import annotations

import re

from dispatcher.domain.drills import builtin_scenarios
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.drills import start_drill
from dispatcher.tui.screens.detail import DetailScreen

from .test_narrow_states import screen_lines


async def test_a_builtin_drill_reads_in_chinese_on_the_detail(
    make_app, desk, store, roster, settle
):
    scenario = next(s for s in builtin_scenarios(roster) if s.id == "drill-pl-core")
    record = start_drill(CalloutControl(store, roster), scenario, desk.now(), "Jiang Hong")
    app = make_app("zh")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(desk, "zh", record.sr))
        await settle(pilot)
        text = "\n".join(screen_lines(app))
    assert "中断" in text and "演练电信(虚构)" in text, text
    assert "演练场景 drill-pl-core:并非真实紧急事件。" in text, text
    left = [line for line in text.splitlines() if re.search("down in|fictional|not a real", line)]
    assert not left, left
