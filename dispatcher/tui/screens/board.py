"""The board: every open request in one table, emergencies pinned on top."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from dispatcher.domain.requests import ServiceRequest
from dispatcher.store.requests import RequestFilter, RequestRepository
from dispatcher.tui.labels import labels

COLUMNS = ("id", "received", "status", "severity", "level", "category", "customer", "site",
           "summary")
REFRESH_SECONDS = 2.0


def board_order(requests: list[ServiceRequest]) -> list[ServiceRequest]:
    """Emergencies first, then by time received."""
    return sorted(requests, key=lambda r: (not r.is_emergency, r.received, r.id))


class BoardScreen(Screen):
    BINDINGS = [
        Binding("r", "refresh_board", "Refresh", id="board.refresh",
                tooltip="Read the store again now"),
    ]

    def __init__(self, repository: RequestRepository, language: str) -> None:
        super().__init__()
        self.repository = repository
        self.words = labels(language)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        yield Static(id="counts")
        yield DataTable(id="requests", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(self.words[column], key=column)
        self.action_refresh_board()
        self.set_interval(REFRESH_SECONDS, self.action_refresh_board)

    def action_refresh_board(self) -> None:
        requests = board_order(self.repository.list(RequestFilter()))
        table = self.query_one(DataTable)
        table.clear()
        for request in requests:
            style = "bold red" if request.is_emergency else ""
            cells = (
                ("! " if request.is_emergency else "") + request.id,
                f"{request.received:%m-%d %H:%M}",
                request.status.value,
                request.severity.value,
                request.level.value,
                request.category.value,
                request.customer.name + (" ★VIP" if request.customer.vip else ""),
                request.site,
                request.summary,
            )
            table.add_row(*((f"[{style}]{c}[/]" if style else c) for c in cells), key=request.id)
        emergencies = sum(r.is_emergency for r in requests)
        self.query_one("#counts", Static).update(
            f"{len(requests)} {self.words['open']} · {emergencies} {self.words['emergencies']}")
