"""A one-line question in a dialog: Enter answers, Escape cancels (answer None). With
`choices`, typing completes from them (the right arrow takes the completion)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label

from dispatcher.tui.plain import plain


class PromptScreen(ModalScreen[str | None]):
    CSS_PATH = "dialog.tcss"
    BINDINGS = [
        Binding(
            "escape",
            "dismiss_none",
            "Cancel",
            id="prompt.cancel",
            tooltip="Close without an answer",
        )
    ]

    def __init__(self, question: str, value: str = "", choices: list[str] | None = None) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.choices = choices

    def compose(self) -> ComposeResult:
        suggester = SuggestFromList(self.choices, case_sensitive=False) if self.choices else None
        with Vertical(classes="dialog"):
            yield Label(plain(self.question))
            yield Input(self.value, id="answer", suggester=suggester)

    @on(Input.Submitted)
    def answered(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
