"""The board at 80×24 keeps what a dispatcher needs; ids whole; counts in good English; a
drill shows no SLA clock."""

from __future__ import annotations

from textual.widgets import Static

from dispatcher.domain.drills import builtin_scenarios
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.drills import start_drill
from dispatcher.tui.screens.board_rows import board_columns
from dispatcher.tui.widgets.virtual_table import VirtualTable

from .conftest import NOW, register_request


def line_text(table, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y))


async def test_at_80_by_24_the_id_severity_status_callout_and_summary_show(make_app, night, settle):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(VirtualTable)
        assert [c.key for c in table.columns] == ["id", "severity", "status", "callout", "summary"]
        header, first = line_text(table, 0), line_text(table, 1)
        assert "Severity" in header and "Call-out" in header and "Summary" in header
        emergency = night[0]
        assert f"! {emergency.id}" in first  # the whole id
        assert "critical" in first and "dispatched" in first and "Billing" in first


async def test_wide_terminals_show_every_column_and_whole_names(make_app, night, settle):
    assert list(board_columns(250)) == [
        "id", "age", "category", "severity", "customer", "site", "owner", "status", "sla",
        "callout", "summary",
    ]  # fmt: skip
    assert board_columns(250)["category"] >= len("technical consultation")
    assert board_columns(250)["customer"] >= 28
    app = make_app()
    async with app.run_test(size=(250, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(VirtualTable)
        text = "\n".join(line_text(table, y) for y in range(1, 4))
        assert "technical consultation" in text and "北京示例联通" in text


async def test_counts_say_one_request_not_one_requests(make_app, store, settle):
    register_request(store, "Only one", criteria=("2",))
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        counts = str(app.screen.query_one("#counts", Static).render())
        assert counts.startswith("1 open request · 1 emergency ·")


async def test_a_drill_on_the_board_has_no_sla_clock(make_app, store, roster, settle):
    control = CalloutControl(store, roster)
    start_drill(control, builtin_scenarios(roster)[0], NOW, "night-desk")
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        [row] = app.screen.query_one(VirtualTable).rows
        assert row.sr.drill and row.clocks == ()
        cells, _ = app.screen.render_row(row)
        assert cells[0].endswith(" D") and str(cells[8]) == ""
