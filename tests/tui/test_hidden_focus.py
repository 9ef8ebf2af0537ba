"""No widget out of sight takes the focus or the keys, on any desk screen; a board filtered by
a search always shows the query (keys typed at launch once went into the board's hidden search
and emptied the board with no sign why; `test_terminal.py` shows it in a real terminal)."""

from __future__ import annotations

import pytest
from textual.widget import Widget

from dispatcher.testing.waiting import pilot_wait_for
from dispatcher.tui.screens.board import BoardScreen
from dispatcher.tui.widgets.virtual_table import VirtualTable


def on_display(widget: Widget) -> bool:
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


def focused_at_activation(screen) -> Widget | None:
    """The widget Textual focuses as `screen` activates, before its `on_mount` runs (the
    app's `AUTO_FOCUS` "*": the first focusable widget); keys typed then go to it."""
    return next((widget for widget in screen.query("*") if widget.focusable), None)


@pytest.mark.parametrize("key", ["none", "enter", "n", "o", "b", "k", "h", "g", "y", "l", "d"])
async def test_no_desk_screen_lets_a_hidden_widget_take_keys(make_app, night, settle, key):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        if key != "none":
            await pilot.press(key)
            await pilot_wait_for(
                pilot, lambda: not isinstance(app.screen, BoardScreen), what=f"{key} opened"
            )
            await settle(pilot)
        first = focused_at_activation(app.screen)
        assert first is None or on_display(first), first
        focused = app.screen.focused
        assert focused is None or on_display(focused), focused


async def test_a_board_filtered_by_a_query_always_shows_it(make_app, night, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        board = app.screen
        table = board.query_one(VirtualTable)
        await pilot.press("slash", *"zz", "enter")  # searched, back on the table
        assert table.has_focus and table.rows == []
        counts = str(board.query_one("#counts").render())
        assert "Search: zz · 0 shown" in counts
        await pilot.press("escape")  # on the table, Escape ends the search too
        assert len(table.rows) == 3
        assert "Search" not in str(board.query_one("#counts").render())
        assert not board.query_one("#search").display and table.has_focus
