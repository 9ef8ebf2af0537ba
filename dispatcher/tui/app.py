"""The desk application: opens the store and shows the board."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.labels import labels
from dispatcher.tui.screens.board import BoardScreen


class DeskApp(App):
    BINDINGS = [Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave the desk")]

    def __init__(self, store: Store, language: str = "en", subtitle: str = "") -> None:
        super().__init__()
        self.store = store
        self.language = language
        self.title = labels(language)["title"]
        self.sub_title = subtitle

    def on_mount(self) -> None:
        self.push_screen(BoardScreen(RequestRepository(self.store), self.language))
