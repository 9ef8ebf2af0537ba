"""Asked before quitting while this desk runs the engine and chains are running."""

from __future__ import annotations

from dispatcher.tui.labels import labels
from dispatcher.tui.screens.confirm import ConfirmScreen


class ConfirmQuitScreen(ConfirmScreen):
    def __init__(self, language: str, chains: list[str]) -> None:
        words = labels(language)
        super().__init__(
            words["quit.title"], words["quit.body"], chains, words["quit.yes"], words["quit.no"]
        )
