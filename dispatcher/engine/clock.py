"""All engine time comes from a clock, so tests and drills can fast-forward.

`SystemClock` is the wall clock. `ManualClock` moves only when told to (unit tests).
`ScaledClock` runs N times faster than real time (end-to-end tests against real peers, where
real sockets need real time to pass but a ten-minute wait should not take ten minutes).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

# A long sleep on the wall clock is cut into slices, so a clock change (NTP, suspend) delays
# a timer by at most one slice.
WALL_SLICE_SECONDS = 30.0


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""

    async def sleep_until(self, when: datetime) -> None:
        """Return once `now() >= when`."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, when: datetime) -> None:
        while (remaining := (when - self.now()).total_seconds()) > 0:
            await asyncio.sleep(min(remaining, WALL_SLICE_SECONDS))


class ScaledClock:
    """Real time, `factor` times faster, starting at `start`."""

    def __init__(self, factor: float, start: datetime | None = None) -> None:
        if factor <= 0:
            raise ValueError("a clock's speed must be positive")
        self.factor = factor
        self._start = start or datetime.now(UTC)
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=(time.monotonic() - self._origin) * self.factor)

    async def sleep_until(self, when: datetime) -> None:
        while (remaining := (when - self.now()).total_seconds()) > 0:
            await asyncio.sleep(remaining / self.factor)


class ManualClock:
    """A clock that stands still until `advance()` moves it, waking sleepers in time order."""

    def __init__(self, start: datetime) -> None:
        self._now = start
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> datetime:
        return self._now

    async def sleep_until(self, when: datetime) -> None:
        if when <= self._now:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (when, next(self._order), future))
        await future

    @property
    def next_wakeup(self) -> datetime | None:
        live = [s for s in self._sleepers if not s[2].done()]
        return min(live)[0] if live else None

    async def advance(self, delta: timedelta) -> None:
        """Move time forward, stopping at each sleeper's time so what it does comes in order."""
        if delta < timedelta(0):
            raise ValueError("time does not go backwards")
        target = self._now + delta
        while self._sleepers and self._sleepers[0][0] <= target:
            when, _, future = heapq.heappop(self._sleepers)
            self._now = max(self._now, when)
            if not future.done():
                future.set_result(None)
            await settle()
        self._now = target
        await settle()


async def settle(rounds: int = 20) -> None:
    """Let woken tasks run until they wait again (a few turns of the event loop)."""
    for _ in range(rounds):
        await asyncio.sleep(0)
