"""A table that draws only the rows on screen, so 10,000 rows cost what 40 do.

Textual's DataTable measures and stores every cell when rows are added (seconds for 10,000
rows); here the rows are plain Python objects and a `render_row` function turns the visible
ones into cells at paint time. Replacing the rows, moving the cursor or ticking a countdown
repaints one screen of lines. Cells are cut and padded by terminal cells, so Chinese text
(two cells a character) lines up.

With `keep_lines`, a row object is drawn once and its line kept until `invalidate()` (the
owner calls it when what a row shows may have changed without a new row object: a countdown's
second): moving the cursor, paging back or switching to a filter whose rows were drawn
repaints from kept lines. Lines are kept per row object, cursor, focus, scroll and width.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from dispatcher.domain.text import escape_line, first_unsafe

GAP = 1  # blank cells between columns
KEPT_LINES = 2_000  # lines kept at most (`keep_lines`): a few screens of a tall terminal


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int  # cells; the last column takes what is left


RowRenderer = Callable[[Any], tuple[Sequence[Text | str], Style | None]]


class VirtualTable(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    VirtualTable { height: 1fr; }
    VirtualTable > .virtual-table--header { text-style: bold; background: $panel; }
    VirtualTable > .virtual-table--cursor { background: $accent 60%; }
    VirtualTable:blur > .virtual-table--cursor { background: $accent 25%; }
    """
    COMPONENT_CLASSES = {"virtual-table--header", "virtual-table--cursor"}
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False, id="table.up", tooltip="Previous row"),
        Binding("down", "cursor(1)", "Down", show=False, id="table.down", tooltip="Next row"),
        Binding(
            "pageup", "page(-1)", "Page up", show=False, id="table.page_up", tooltip="One screen up"
        ),
        Binding(
            "pagedown",
            "page(1)",
            "Page down",
            show=False,
            id="table.page_down",
            tooltip="One screen down",
        ),
        Binding("home", "ends(0)", "First", show=False, id="table.first", tooltip="First row"),
        Binding("end", "ends(1)", "Last", show=False, id="table.last", tooltip="Last row"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Chosen(Message):
        """Enter or a click on the highlighted row."""

        def __init__(self, table: VirtualTable, row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

    def __init__(
        self,
        columns: Sequence[Column],
        render_row: RowRenderer,
        key: Callable[[Any], Hashable] = id,
        *,
        id: str | None = None,
        keep_lines: bool = False,
    ) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.render_row = render_row
        self.row_key = key
        self.rows: list[Any] = []
        self.keep_lines = keep_lines
        # (id of the row, its line's state) -> (the row, kept so its id is not reused; line)
        self._lines: dict[tuple[int, bool, bool, int, int], tuple[Any, Strip]] = {}

    def invalidate(self) -> None:
        """What the rows show may have changed: draw every line again."""
        self._lines.clear()
        self.refresh()

    # -- data --------------------------------------------------------------------------------

    def set_rows(self, rows: list[Any]) -> None:
        """Show these rows; the cursor stays on the same row when it is still there."""
        current = self.current
        self.rows = rows
        position = 0
        if current is not None:
            wanted = self.row_key(current)
            position = next(
                (i for i, r in enumerate(rows) if self.row_key(r) == wanted),
                min(self.cursor, max(0, len(rows) - 1)),
            )
        self.virtual_size = Size(self._total_width(), len(rows) + 1)
        self.cursor = position
        self.refresh()

    def set_columns(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self._lines.clear()
        self.virtual_size = Size(self._total_width(), len(self.rows) + 1)
        self.refresh()

    @property
    def current(self) -> Any | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def _total_width(self) -> int:
        return sum(c.width + GAP for c in self.columns)

    # -- moving ------------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        body = max(1, self.size.height - 1)
        top = round(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + body:
            self.scroll_to(y=new - body + 1, animate=False, immediate=True)
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.size.height - 2)

    def action_ends(self, last: int) -> None:
        self.cursor = len(self.rows) - 1 if last else 0

    def key_enter(self) -> None:
        if self.current is not None:
            self.post_message(self.Chosen(self, self.current))

    def on_click(self, event: Click) -> None:
        index = event.y - 1 + round(self.scroll_offset.y)
        if event.y == 0 or not 0 <= index < len(self.rows):
            return
        if index == self.cursor:
            self.post_message(self.Chosen(self, self.rows[index]))
        self.cursor = index

    # -- drawing -----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = round(self.scroll_offset.x), round(self.scroll_offset.y)
        index = scroll_y + y - 1
        row = self.rows[index] if y > 0 and 0 <= index < len(self.rows) else None
        key = (id(row), index == self.cursor, self.has_focus, scroll_x, width)
        kept = self._lines.get(key) if self.keep_lines and row is not None else None
        if kept is not None and kept[0] is row:
            return kept[1]
        base = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("virtual-table--header")
            cells: Sequence[Text | str] = [Text(c.label) for c in self.columns]
            return self._strip(cells, base + header, scroll_x, width)
        if row is None:
            return Strip.blank(width, base)
        cells, style = self.render_row(row)
        line_style = base + style if style else base
        if index == self.cursor:
            line_style += self.get_component_rich_style("virtual-table--cursor")
        strip = self._strip(cells, line_style, scroll_x, width)
        if self.keep_lines:
            if len(self._lines) > KEPT_LINES:
                self._lines.clear()
            self._lines[key] = (row, strip)
        return strip

    def _strip(self, cells: Sequence[Text | str], style: Style, scroll_x: int, width: int) -> Strip:
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        used = 0
        for number, (column, cell) in enumerate(zip(self.columns, cells, strict=False)):
            text = cell if isinstance(cell, Text) else Text(str(cell))
            if first_unsafe(text.plain) is not None:  # data from outside: shown, never obeyed
                text = Text(escape_line(text.plain), style=text.style)
            last = number == len(self.columns) - 1
            cell_width = max(column.width, width + scroll_x - used) if last else column.width
            text = text.copy()
            text.truncate(cell_width, overflow="ellipsis", pad=True)
            line.append_text(text)
            if not last:
                line.append(" " * GAP)
            used += cell_width + GAP
        segments = list(line.render(self.app.console))
        strip = Strip(Segment.apply_style(segments, style)).crop(scroll_x, scroll_x + width)
        return strip.extend_cell_length(width, style)
