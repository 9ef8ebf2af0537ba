"""A worker thread's result handed back to the desk: to the screen that started it, or to the
desk as a whole, and only while that is still on the desk.

A thread cannot be stopped: a read or a save may end after the dispatcher closed its screen, or
while or after the desk quits. Its result is then dropped, rather than reaching widgets already
taken down (a `NoMatches` on the way out, or "App is not running" once the desk is gone).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen
from textual.types import NoActiveAppError


class WorkerResults:
    """For a desk's app or one of its screens (a Textual `MessagePump`)."""

    def from_worker(self: Any, callback: Callable[..., object], *args: Any, **kwargs: Any) -> None:
        """From a worker thread: run `callback(*args, **kwargs)` on the desk's loop, and wait
        for it, while `still_shown()`; otherwise drop it."""
        try:
            app = self.app
        except NoActiveAppError:  # taken off the desk: no app to hand anything to
            return
        if app.is_running:
            app.call_from_thread(self._while_shown, callback, *args, **kwargs)

    def _while_shown(self, callback: Callable[..., object], *args: Any, **kwargs: Any) -> None:
        if self.still_shown():
            callback(*args, **kwargs)

    def still_shown(self: Any) -> bool:
        """A screen: on the desk's screen stack while the desk runs."""
        return self.is_attached and self.app.is_running and self in self.app.screen_stack


def close_with(screen: Screen[Any], result: Any) -> None:
    """On the UI thread, once a worker's save ended: dismiss `screen` with `result`, and with it
    whatever the dispatcher opened over it meanwhile (a question, the list of keys), closed
    unanswered. Textual's `dismiss` pops the top screen: alone, it closed the question and left
    the saved form open. `screen` must be on the stack (a `from_worker` callback is)."""
    while screen.app.screen is not screen:
        screen.app.pop_screen()
    screen.dismiss(result)
