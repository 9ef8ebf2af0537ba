"""`?`: every key of the desk, from the same list as the bindings and the palette."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from dispatcher.tui.commands import COMMANDS
from dispatcher.tui.labels import labels


class KeysScreen(ModalScreen[None]):
    CSS_PATH = "dialog.tcss"
    BINDINGS = [
        Binding(
            "escape,question_mark,q",
            "dismiss",
            "Close",
            id="keys.close",
            tooltip="Close the list of keys",
        )
    ]

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def compose(self) -> ComposeResult:
        words = labels(self.language)
        with Vertical(classes="dialog"):
            yield Label(words["keys.title"])
            table = DataTable(cursor_type="row")
            table.add_columns(words["key"], words["does"], "")
            for command in COMMANDS:
                table.add_row(
                    self.app.get_key_display(command.binding(self.language)),
                    command.text(self.language),
                    command.tip(self.language),
                )
            yield table
