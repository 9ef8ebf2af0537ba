"""A yes-or-no question before something that cannot be taken back: `y` does it, `n` or
Escape does not (answer False)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from dispatcher.tui.plain import plain


class ConfirmScreen(ModalScreen[bool]):
    CSS_PATH = "dialog.tcss"
    BINDINGS = [
        Binding("escape,n", "answer(False)", "No", id="confirm.no", tooltip="Do nothing"),
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Go ahead"),
    ]

    def __init__(
        self, title: str, body: str, lines: list[str], yes: str, no: str, danger: bool = True
    ) -> None:
        super().__init__()
        self.title_text, self.body, self.lines = title, body, lines
        self.yes, self.no, self.danger = yes, no, danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.title_text), classes="danger" if self.danger else "")
            if self.body:
                yield Label(plain(self.body, lines=True))
            for line in self.lines:
                yield Label(plain(f"  • {line}"), classes="danger" if self.danger else "")
            with Horizontal(classes="buttons"):
                yield Button(plain(f"{self.no} (n)"), id="no", variant="primary")
                yield Button(
                    plain(f"{self.yes} (y)"),
                    id="yes",
                    variant="error" if self.danger else "success",
                )

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
