"""History: closed requests found by id, customer, phone or text across every archive month;
Enter opens one read only. Nothing is read as the screen opens: each search runs in a worker,
reading the archive months newest first as it needs them (see `HistoryIndex`)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Static

from dispatcher.tui.commands import bindings_for
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.history import Found
from dispatcher.tui.labels import name_of
from dispatcher.tui.plain import plain
from dispatcher.tui.screens.desk_screen import DeskScreen
from dispatcher.tui.screens.detail import DetailScreen
from dispatcher.tui.widgets.desk_footer import DeskFooter
from dispatcher.tui.widgets.desk_header import DeskHeader


class HistoryScreen(DeskScreen):
    SCOPE = "history"
    BINDINGS = bindings_for(SCOPE)
    DEFAULT_CSS = """
    HistoryScreen #history-count { padding: 0 1; }
    HistoryScreen #history-results { height: 1fr; }
    """

    def __init__(self, desk: DeskContext, language: str, query: str = "") -> None:
        super().__init__(desk, language)
        self.query_text = query
        self.found: Found | None = None

    def compose(self) -> ComposeResult:
        words = self.words
        yield DeskHeader(self.desk, words)
        yield Input(self.query_text, placeholder=words["history.search"], id="history-query")
        yield Static(id="history-count")
        table: DataTable[str | Text] = DataTable(
            id="history-results", cursor_type="row", zebra_stripes=True
        )
        table.add_columns(
            words["id"], words["received"], words["status"], words["customer"], words["summary"]
        )
        yield table
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#history-query", Input).focus()
        if self.query_text.strip():
            self.search(self.query_text)
        else:
            self.query_one("#history-count", Static).update(self.words["history.ready"])

    @on(Input.Submitted, "#history-query")
    def submitted(self, event: Input.Submitted) -> None:
        self.search(event.value)

    def search(self, query: str) -> None:
        if not query.strip():
            return
        self.query_one("#history-count", Static).update(plain(self.words["history.searching"]))
        self.read(query)

    @work(thread=True, exclusive=True, group="history")
    def read(self, query: str) -> None:
        found = self.desk.history().search(query)
        self.from_worker(self.show, found)

    def show(self, found: Found) -> None:
        self.found = found
        table = self.query_one(DataTable)
        table.clear()
        for sr in found.requests:
            table.add_row(
                plain(sr.id),
                plain(f"{self.desk.local(sr.received):%Y-%m-%d %H:%M}"),
                plain(name_of(sr.status, self.language)),
                plain(sr.customer.name),  # text from outside stays text
                plain(sr.summary),
                key=sr.id,
            )
        count = len(found.requests)
        self.query_one("#history-count", Static).update(
            plain(
                self.words["history.found"].format(count=f"{count}{'+' if found.more else ''}")
                if count
                else self.words["history.none"]
            )
        )
        if count:
            table.focus()

    @on(DataTable.RowSelected, "#history-results")
    def chosen(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(DetailScreen(self.desk, self.language, str(event.row_key.value)))

    def action_focus_search(self) -> None:
        self.query_one("#history-query", Input).focus()
