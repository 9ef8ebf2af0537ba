"""A clock that moves only when a test tells it to."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

DEFAULT_START = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 3 a.m., when it matters


class ControllableClock:
    """`now()` and `sleep()` as an engine or channel uses them; `advance()` moves time on.

    Sleepers wake when `advance()` passes their deadline, in deadline order. Use it from one
    event loop (the test's).
    """

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        self._now = start
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        return self._now

    def advance(self, by: float | timedelta) -> datetime:
        """Move time on by seconds (or a timedelta) and wake every sleeper now due."""
        step = by if isinstance(by, timedelta) else timedelta(seconds=by)
        if step < timedelta(0):
            raise ValueError("time does not go backwards")
        self._now += step
        due = sorted((s for s in self._sleepers if s[0] <= self._now), key=lambda s: s[0])
        for sleeper in due:
            self._sleepers.remove(sleeper)
            if not sleeper[1].done():
                sleeper[1].set_result(None)
        return self._now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self._now + timedelta(seconds=seconds), future))
        await future

    @property
    def sleepers(self) -> int:
        """How many `sleep()` calls are waiting."""
        return len(self._sleepers)
