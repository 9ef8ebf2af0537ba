"""Bounded waits on what a test can observe, so that a test passes on a busy machine as on a
quiet one: never a fixed sleep standing in for "long enough".

    wait_for(lambda: peer.requests, timeout=10, what="the page reached the peer")
    await wait_for_async(lambda: record.delivered, timeout=10, what="the delivery recorded")
    await pilot_wait_for(pilot, lambda: "SR-1" in board_text(), what="the board shows SR-1")

Each polls `condition` (a callable taking nothing) until it returns a truthy value, and returns
that value. After `timeout` real seconds it fails with an `AssertionError` naming `what` and
the last value seen (plus `describe()`, when given, such as the screen as it stood). A
condition that raises `AssertionError` counts as not yet true, so a block of asserts can be
waited on; the last such error is named on failure.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT = 30.0  # seconds: generous, since a loaded machine is slow, not wrong
POLL_INTERVAL = 0.02  # seconds between two looks at the condition


class _Watch(Generic[T]):
    """One wait: looks at `condition` until `timeout` seconds from now."""

    def __init__(
        self,
        condition: Callable[[], T],
        what: str,
        timeout: float,
        describe: Callable[[], str] | None,
    ) -> None:
        self.condition, self.what, self.timeout, self.describe = condition, what, timeout, describe
        self.deadline = time.monotonic() + timeout

    def look(self) -> T | None:
        """The condition's value if truthy, else None; `AssertionError` once the time is up."""
        error: AssertionError | None = None
        try:
            value = self.condition()
        except AssertionError as failed:
            value, error = None, failed
        if value:
            return value
        if time.monotonic() < self.deadline:
            return None
        seen = f"the last check failed: {error}" if error is not None else f"last seen: {value!r}"
        extra = f"\n{self.describe()}" if self.describe is not None else ""
        raise AssertionError(f"not within {self.timeout:g} s: {self.what} ({seen}){extra}")


def wait_for(
    condition: Callable[[], T],
    *,
    what: str,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = POLL_INTERVAL,
    describe: Callable[[], str] | None = None,
) -> T:
    """Block until `condition()` is truthy and return it; `AssertionError` after `timeout` s.

    For threads, processes and files: the calling thread sleeps `interval` s between looks.
    """
    watch = _Watch(condition, what, timeout, describe)
    while (value := watch.look()) is None:
        time.sleep(interval)
    return value


async def wait_for_async(
    condition: Callable[[], T],
    *,
    what: str,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = POLL_INTERVAL,
    describe: Callable[[], str] | None = None,
) -> T:
    """`wait_for` inside an event loop: other tasks run between looks."""
    watch = _Watch(condition, what, timeout, describe)
    while (value := watch.look()) is None:
        await asyncio.sleep(interval)
    return value


async def pilot_wait_for(
    pilot: Any,
    condition: Callable[[], T],
    *,
    what: str,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = POLL_INTERVAL,
    describe: Callable[[], str] | None = None,
) -> T:
    """`wait_for` for a Textual app under `App.run_test()`: between looks the app's workers
    finish (one cancelled because a newer one replaced it is no failure) and the screen handles
    its messages, so the condition reads what a user would see next."""
    watch = _Watch(condition, what, timeout, describe)
    while (value := watch.look()) is None:
        await settle_workers(pilot, timeout=max(watch.deadline - time.monotonic(), interval))
        await pilot.pause(interval)
    return value


async def settle_workers(pilot: Any, *, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Wait (at most `timeout` s) until no worker of the app is pending or running, then let
    the screen handle what they posted. A worker cancelled because a newer one of its exclusive
    group replaced it is no failure here (`WorkerManager.wait_for_complete` raises for it): the
    newer one is what the screen shows."""
    from textual.worker import WorkerState  # imported only by a desk's test

    busy = (WorkerState.PENDING, WorkerState.RUNNING)
    deadline = time.monotonic() + timeout
    while any(w.state in busy for w in pilot.app.workers) and time.monotonic() < deadline:
        await asyncio.sleep(POLL_INTERVAL)
    await pilot.pause()
