"""A DataTable whose columns take their widths when its rows are given, never later.

Textual's DataTable (8.x) sizes an automatic column when the table is next idle, and caches
each cell it draws under a count of changes that this sizing leaves as it was. A paint that
falls between adding the rows and that idle moment (a loaded machine makes it likely) draws the
cells at the width of the column labels, and they stay cut ("Li N", "voic") until something
else changes the table. `SizedTable.fill` measures the rows itself and gives every column a
fixed width before any paint, so the first picture is the final one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from dispatcher.tui.plain import plain

Cell = str | Text


def as_text(cell: Cell) -> Text:
    """`cell` as the table draws it: a string is plain text, never markup (it may hold data:
    `dispatcher.tui.plain`)."""
    return plain(cell) if isinstance(cell, str) else cell


def width_of(cell: Cell) -> int:
    """Terminal cells `cell` takes as the table draws it (a wide character takes 2)."""
    return as_text(cell).cell_len


class SizedTable(DataTable[Cell]):
    """A DataTable with fixed `labels`, refilled whole by `fill(rows)`."""

    def __init__(self, labels: Sequence[str], **options: Any) -> None:
        super().__init__(**options)
        self.labels = tuple(labels)

    def on_mount(self) -> None:
        self.fill(())

    def fill(self, rows: Iterable[Sequence[Cell]]) -> None:
        """Replace every row; each column becomes as wide as its label or its widest cell."""
        rows = [tuple(row) for row in rows]
        self.clear(columns=True)
        for index, label in enumerate(self.labels):
            cells = [row[index] for row in rows if index < len(row)]
            self.add_column(label, width=max(map(width_of, [label, *cells])))
        for row in rows:
            self.add_row(*(as_text(cell) for cell in row))
