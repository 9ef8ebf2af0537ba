"""The sized table: its columns are as wide as their widest cell the moment rows are given, so
a paint before the table is next idle draws every cell whole (Textual's own sizing waits for
idle and keeps what it drew before at the labels' widths)."""

from __future__ import annotations

from rich.text import Text
from textual.app import App

from dispatcher.tui.widgets.sized_table import SizedTable, width_of


class TableApp(App):
    CSS = "SizedTable { height: 1fr; width: 1fr; }"  # a size the rows never change

    def compose(self):
        yield SizedTable(["who", "by"])


def test_a_cell_is_measured_as_the_table_draws_it():
    assert width_of(Text("NOBODY", style="red")) == 6  # a style takes no room
    assert width_of("[red]NOBODY[/]") == 14  # data is shown as typed, never read as markup
    assert width_of("将被呼叫") == 8  # a Han character takes two cells
    assert width_of("Li Na (李娜)") == 12


async def test_rows_are_drawn_whole_at_the_first_paint_and_stay_so():
    async with TableApp().run_test(size=(60, 8)) as pilot:
        table = pilot.app.query_one(SizedTable)
        table.fill([("Li Na (李娜)", "voice, sms, email"), (Text("NOBODY: csc", "red"), "")])
        first = [table.render_line(y).text.rstrip() for y in range(3)]  # painted before idle
        assert first == [" who           by", " Li Na (李娜)  voice, sms, email", " NOBODY: csc"]
        await pilot.pause()
        assert [table.render_line(y).text.rstrip() for y in range(3)] == first
        table.fill([("Sun Hao (孙浩)", "sms")])  # narrower rows: the columns follow them
        assert table.render_line(1).text.rstrip() == " Sun Hao (孙浩)  sms"
        assert [c.width for c in table.columns.values()] == [14, 3]
