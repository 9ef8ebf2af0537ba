"""What the desk's own screens share: the desk they show, their language, their words."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import Screen

from dispatcher.tui.commands import localize
from dispatcher.tui.context import DeskContext
from dispatcher.tui.labels import labels

Result = TypeVar("Result")


class DeskScreen(Screen[Result]):
    """A screen of one desk, in one language: its bindings (from the desk's one list, by the
    subclass's `SCOPE`) carry that language's words."""

    def __init__(self, desk: DeskContext, language: str) -> None:
        super().__init__()
        localize(self, language)
        self.desk = desk
        self.language = language
        self.words = labels(language)
