"""What the desk's own screens share: the desk they show, their language, their words."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar, runtime_checkable

from textual.screen import Screen

from dispatcher.tui.commands import localize
from dispatcher.tui.context import DeskContext
from dispatcher.tui.labels import labels
from dispatcher.tui.worker_results import WorkerResults

Result = TypeVar("Result")


@runtime_checkable
class KeepsTyping(Protocol):
    """A form: building it again in the other language would lose what was typed."""

    saving: bool  # a save under way: the form closes once it ends

    def typed(self) -> bool:
        """Whether the dispatcher changed anything since it opened."""
        ...

    def save_then_switch(self) -> None:
        """Save it (or, while `saving`, let the save under way end); once saved, the desk
        switches its language."""
        ...


class DeskScreen(WorkerResults, Screen[Result]):
    """A screen of one desk, in one language: its bindings (from the desk's one list, by the
    subclass's `SCOPE`) carry that language's words. Every subclass takes `(desk, language,
    ...)`, so `in_language` can build the same screen again in the other language."""

    _made_with: tuple[tuple[Any, ...], dict[str, Any]]  # the arguments it was built with

    def __new__(cls, *args, **kwargs):
        screen = super().__new__(cls)
        screen._made_with = (args, kwargs)
        return screen

    def in_language(self, language: str) -> DeskScreen:
        """The same screen, built again with `language`."""
        args, kwargs = self._made_with
        if "language" in kwargs:
            kwargs = {**kwargs, "language": language}
        else:
            args = (args[0], language, *args[2:])
        return type(self)(*args, **kwargs)

    def __init__(self, desk: DeskContext, language: str) -> None:
        super().__init__()
        localize(self, language)
        self.desk = desk
        self.language = language
        self.words = labels(language)
