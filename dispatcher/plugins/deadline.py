"""A plugin's code run under a time bound, for loading plugins (`dispatcher.plugins.manager`).

Python cannot stop a thread, so the call runs on a daemon thread of its own and the caller
stops waiting for it: a plugin that never answers (a login with no timeout) is left behind,
holding nothing of the caller's, and the process still exits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class NoAnswer(Exception):
    """The call did not answer in time; the message is the one-line reason shown for it."""


def within(call: Callable[[], Any], seconds: float, what: str) -> Any:
    """`call()`'s answer, or what it raised, if it ends within `seconds`; else `NoAnswer`
    ("`what` did not answer within N s")."""
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, call()))
        except BaseException as error:  # handed to the caller's thread
            outcome.append((False, error))

    worker = threading.Thread(target=run, name=f"dispatcher-plugin-{what}", daemon=True)
    worker.start()
    worker.join(seconds)
    if not outcome:
        raise NoAnswer(f"{what} did not answer within {seconds:g} s")
    answered, value = outcome[0]
    if not answered:
        raise value
    return value
