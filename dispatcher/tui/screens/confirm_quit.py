"""Asked before quitting while this desk runs the engine and chains are running."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from dispatcher.tui.labels import labels


class ConfirmQuitScreen(ModalScreen[bool]):
    CSS_PATH = "dialog.tcss"
    BINDINGS = [
        Binding("escape,n", "stay", "Stay", id="quit.stay", tooltip="Keep the desk open"),
        Binding(
            "y",
            "leave",
            "Quit",
            id="quit.leave",
            tooltip="Quit; the chains stop being chased until an engine runs again",
        ),
    ]

    def __init__(self, language: str, chains: list[str]) -> None:
        super().__init__()
        self.words = labels(language)
        self.chains = chains

    def compose(self) -> ComposeResult:
        words = self.words
        with Vertical(classes="dialog"):
            yield Label(words["quit.title"], classes="danger")
            yield Label(words["quit.body"])
            for chain in self.chains:
                yield Label(f"  • {chain}", classes="danger")
            with Horizontal(classes="buttons"):
                yield Button(f"{words['quit.no']} (n)", id="stay", variant="primary")
                yield Button(f"{words['quit.yes']} (y)", id="leave", variant="error")

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "leave")

    def action_stay(self) -> None:
        self.dismiss(False)

    def action_leave(self) -> None:
        self.dismiss(True)
