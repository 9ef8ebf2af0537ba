"""What the desk's own screens share: the desk they show, their language, their words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar, runtime_checkable

from textual.screen import Screen
from textual.types import NoActiveAppError

from dispatcher.tui.commands import localize
from dispatcher.tui.context import DeskContext
from dispatcher.tui.labels import labels

Result = TypeVar("Result")


@runtime_checkable
class KeepsTyping(Protocol):
    """A form: building it again in the other language would lose what was typed."""

    def typed(self) -> bool:
        """Whether the dispatcher changed anything since it opened."""
        ...

    def save_then_switch(self) -> None:
        """Save it; once saved, the desk switches its language."""
        ...


class ShownResults:
    """For a screen whose worker threads hand their results back to it."""

    def from_worker(self: Any, callback: Callable[..., object], *args: Any) -> None:
        """From a worker thread: run `callback(*args)` on the desk's loop, but only while this
        screen is still on the desk. A read or a save whose thread ends after the dispatcher
        closed its screen, or while or after the desk quits (a thread cannot be stopped), is
        dropped rather than reaching widgets already taken down (a `NoMatches` on the way
        out, or "App is not running" once it is gone)."""
        try:
            app = self.app
        except NoActiveAppError:  # taken off the desk: no app to hand anything to
            return
        if app.is_running:
            app.call_from_thread(self._while_shown, callback, *args)

    def _while_shown(self: Any, callback: Callable[..., object], *args: Any) -> None:
        if self.is_attached and self.app.is_running and self in self.app.screen_stack:
            callback(*args)


class DeskScreen(ShownResults, Screen[Result]):
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
