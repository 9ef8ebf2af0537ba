"""`?`: every key of the desk, grouped by screen (the screen in front first, then the keys
that work everywhere, then the other screens), from the same list as the bindings and the
palette."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

from dispatcher.tui.commands import COMMANDS
from dispatcher.tui.labels import labels
from dispatcher.tui.plain import plain


def scope_order(first: str) -> list[str]:
    """Every scope of the command list once: `first`, the app's, then the others in order."""
    scopes = list(dict.fromkeys(c.scope for c in COMMANDS))
    head = [s for s in (first, "app") if s in scopes]
    return head + [s for s in scopes if s not in head]


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

    def __init__(self, language: str, scope: str = "board") -> None:
        super().__init__()
        self.language = language
        self.scope = scope

    def compose(self) -> ComposeResult:
        words = labels(self.language)
        with Vertical(classes="dialog"):
            yield Label(words["keys.title"])
            table: DataTable[str | Text] = DataTable(cursor_type="row")
            table.add_columns(words["key"], words["does"], "")
            for scope in scope_order(self.scope):
                title = words.get(f"scope.{scope}", scope)
                table.add_row(plain(title, "bold reverse"), plain(""), plain(""))
                for command in (c for c in COMMANDS if c.scope == scope):
                    table.add_row(
                        plain(self.app.get_key_display(command.binding(self.language))),
                        plain(command.text(self.language)),
                        plain(command.tip(self.language)),
                    )
            yield table
