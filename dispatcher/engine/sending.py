"""Handing notifications to channels without letting any channel hold up the engine.

Every send is its own task under a time bound (`EngineSettings.send_timeout`, 20 s unless a
channel has its own), and every channel installed as a plugin runs on a worker of its own: a
thread with its own event loop. Why a thread and not just a task: a task is only as good as
the code it runs, and a plugin's `send` that calls `time.sleep`, a blocking socket or a slow
DNS lookup stops an event loop dead, with every step timer on it. On its own loop, a channel
that blocks stalls only its own sends; the engine's loop keeps its timers, times the send
out and records it. The channel's `poll`, `check` and `close` run on the same worker, so
clients bound to a loop (aiohttp, aiosmtplib) stay on the loop that made them. The built-in
desk channel is one store commit and runs on the engine's loop.

A plugin's mistake is contained and named: a `send` that raises, returns something other
than a `Receipt`, or outlives its bound becomes a failed `Receipt` naming the channel and the
fault. Several faults in a row mark the channel unhealthy (`FaultCount`), which the desk
shows; one good send clears it.

Every text a channel returns passes through `redact` (the plugin manager's: every secret
setting replaced) before the engine stores, logs or shows it (promise 6): a receipt's detail
and error code, a delivery update's, as a fault's. A reply's words are the person's and are
kept as they came.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import itertools
import logging
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from dispatcher.plugins.contract import (
    Channel,
    Failure,
    Notification,
    PollResult,
    Receipt,
    StatusUpdate,
    one_line,
)

log = logging.getLogger(__name__)

Priority = tuple[int, ...]  # lower goes first (`Slots`)
Answer = TypeVar("Answer", Receipt, StatusUpdate)  # what a channel says of a notification
# A real request's first send of its step (`engine.turns`: drill, sends of the step before it).
FIRST: Priority = (0, 0)

UNHEALTHY_AFTER = 3  # faults in a row that mark a channel unhealthy
CLOSE_SECONDS = 5.0  # how long a channel's close() may take when the engine stops
# Sends one channel has under way at once; the rest wait their turn in the order the engine
# started them, so in a burst each request's first notification goes before the others
# compete with it (a provider's own rate is lower still: Twilio's default is a call a second).
# First sends have as many again of their own (`Slots`).
SENDS_AT_ONCE = 8


async def _call(make: Callable[[], Any]) -> Any:
    """Call `make` and await what it returns if it is awaitable (a plugin may get it wrong)."""
    result = make()
    if inspect.isawaitable(result):
        result = await result
    return result


class InlineRunner:
    """Runs a built-in channel's calls as tasks on the engine's own loop."""

    def submit(self, make: Callable[[], Any]) -> Awaitable[Any]:
        return asyncio.ensure_future(_call(make))

    def stop(self) -> None:
        return None


class WorkerRunner:
    """A thread with an event loop of its own, for one plugin channel's calls."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        self._started.set()
        try:
            loop.run_forever()
        finally:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    def _ensure(self) -> asyncio.AbstractEventLoop:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._main, name=f"dispatcher-channel-{self.name}", daemon=True
            )
            self._thread.start()
            self._started.wait()
        assert self._loop is not None
        return self._loop

    def submit(self, make: Callable[[], Any]) -> Awaitable[Any]:
        """Run `make()` on this worker's loop; the answer is a future of the caller's loop."""
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_call(make), self._ensure()))

    def stop(self, timeout: float = CLOSE_SECONDS) -> None:
        """Stop the loop; a call still blocking the thread is left to finish on its own (the
        thread is a daemon and holds no engine state)."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
        self._loop = self._thread = None


class Slots:
    """At most `limit` holders at once, and `spare` more for first sends only (priority
    `FIRST`: a real request's first notification of its step); a waiter with a lower
    `priority` goes first, waiters of equal priority in the order they came. asyncio's
    `Semaphore` serves only in order of arrival, which in a burst puts a request's first page
    behind every page queued before it; and with every slot held by the pages of requests
    paged earlier, a new emergency's first page would still wait for one of them to end
    (0.25 s in a burst of fifty). Used on one event loop only: a channel's slots live on its
    worker, so a send that ends hands its slot to the next at once, however busy the engine's
    own loop is."""

    def __init__(self, limit: int, spare: int = 0) -> None:
        self.free = limit
        self.spare = spare
        self._waiting: list[tuple[Priority, int, asyncio.Future[bool]]] = []
        self._arrivals = itertools.count()

    async def acquire(self, priority: Priority) -> bool:
        """Wait for a slot; True when it is a spare one (hand it back with `release(True)`)."""
        if self.free > 0 and not self._waiting:
            self.free -= 1
            return False
        if priority == FIRST and self.spare > 0:
            self.spare -= 1
            return True
        turn: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._arrivals), turn))
        try:
            return await turn
        except asyncio.CancelledError:  # timed out waiting: a slot handed over meanwhile
            if turn.done() and not turn.cancelled():  # goes on to the next waiter
                self.release(turn.result())
            raise

    def release(self, spare: bool = False) -> None:
        """Hand the slot to the first waiter (a spare one only to a first send)."""
        while self._waiting and (not spare or self._waiting[0][0] == FIRST):
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():
                turn.set_result(spare)
                return
        if spare:
            self.spare += 1
        else:
            self.free += 1


@dataclass
class FaultCount:
    """A channel's faults in a row and the last one, for the desk's channel health."""

    channel: str
    in_a_row: int = 0
    last: str = ""

    @property
    def healthy(self) -> bool:
        return self.in_a_row < UNHEALTHY_AFTER


class Sender:
    """Sends, polls and closes channels, each call bounded in time and contained.

    `timeouts` maps a channel's name to its own bound in seconds; `default_timeout` is for
    the rest. `inline` names the channels trusted to run on the engine's loop. `on_health`
    is called (on the engine's loop) whenever a channel's fault count changes.
    """

    def __init__(
        self,
        channels: Mapping[str, Channel],
        *,
        inline: Collection[str] = (),
        default_timeout: float = 20.0,
        timeouts: Mapping[str, float] | None = None,
        concurrency: int = SENDS_AT_ONCE,
        on_health: Callable[[FaultCount], None] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        redact: Callable[[str], str] = str,
    ) -> None:
        self.channels = dict(channels)
        self.redact = redact  # a plugin's exception may quote a credential
        self.default_timeout = default_timeout
        self.timeouts = dict(timeouts or {})
        self.concurrency = concurrency
        self.on_health = on_health
        self.now = now  # the engine's clock, for when a channel answered
        self.faults = {name: FaultCount(name) for name in self.channels}
        self._runners: dict[str, InlineRunner | WorkerRunner] = {
            name: InlineRunner() if name in inline else WorkerRunner(name) for name in self.channels
        }
        self._slots: dict[str, Slots] = {}
        self._answers: dict[str, deque[Any]] = {}  # polls answered, not yet taken

    def timeout_for(self, channel: str) -> float:
        return self.timeouts.get(channel, self.default_timeout)

    async def send(self, channel: str, notification: Notification) -> Receipt:
        """What handing `notification` to `channel` came to; never raises, never takes
        longer than the channel's bound (waiting for a free slot included)."""
        receipt, _ = await self.send_stamped(channel, notification)
        return receipt

    async def send_stamped(
        self, channel: str, notification: Notification, priority: Priority = ()
    ) -> tuple[Receipt, datetime]:
        """`send`, and when the channel answered, read from `now` on the channel's own
        worker the moment its `send` returned (not when the engine got round to it). With
        all the channel's slots taken, a send waits its turn by `priority` (lower first)."""
        timeout = self.timeout_for(channel)
        try:
            result, at = await asyncio.wait_for(
                self._submit(channel, notification, priority), timeout
            )
        except TimeoutError:
            return self._fault(
                channel,
                Failure.TRANSIENT,
                f"channel {channel}: send timed out after {timeout:g} s",
                "timeout",
            ), self.now()
        except Exception as error:
            # A network error the plugin forgot to catch may pass; any other bug will not,
            # and the person's next contact method is paged at once.
            failure = Failure.TRANSIENT if isinstance(error, OSError) else Failure.PERMANENT
            return self._fault(
                channel,
                failure,
                f"channel {channel}: send raised {type(error).__name__}: {error}",
            ), self.now()
        if not isinstance(result, Receipt):
            return self._fault(
                channel,
                Failure.PERMANENT,
                f"channel {channel}: send returned {type(result).__name__}, not a Receipt",
            ), at
        self._healthy(channel)
        return self._redacted(result), at

    def _submit(
        self, channel: str, notification: Notification, priority: Priority
    ) -> Awaitable[tuple[Any, datetime]]:
        """Hand the send to the channel's worker now, not on a later turn of the engine's
        loop: in a burst that turn came only after the pass had marked its next fifty
        notifications, and each first page waited 0.1-0.25 s for it."""
        slots = self._slots.setdefault(channel, Slots(self.concurrency, self.concurrency))
        target = self.channels[channel]

        async def held() -> tuple[Any, datetime]:  # on the channel's worker: a slot, the send
            spare = await slots.acquire(priority)
            try:
                result = await _call(lambda: target.send(notification))
                return result, self.now()
            finally:
                slots.release(spare)

        return self._runners[channel].submit(held)

    async def poll(self, channel: str) -> PollResult | None:
        """The channel's replies and updates, or None (logged) when its poll failed.

        The channel's answer is kept on its own worker the moment `poll` returns, and taken
        here: an answer that comes just after the bound is reported with the next poll,
        never lost between the worker and the engine."""
        timeout = self.timeout_for(channel)
        target = self.channels[channel]
        answers = self._answers.setdefault(channel, deque())

        async def polled() -> None:  # on the channel's worker
            answers.append(await _call(target.poll))

        try:
            await asyncio.wait_for(self._runners[channel].submit(polled), timeout)
        except TimeoutError:
            log.warning("channel %s: poll timed out after %g s", channel, timeout)
        except Exception as error:
            log.warning("channel %s: poll failed: %s", channel, self.redact(one_line(str(error))))
        found: list[PollResult] = []
        while answers:
            result = answers.popleft()
            if isinstance(result, PollResult):
                found.append(result)
            else:
                log.warning("channel %s: poll returned %s", channel, type(result).__name__)
        if not found:
            return None
        return PollResult(
            replies=tuple(r for result in found for r in result.replies),
            updates=tuple(
                self._redacted(u) if isinstance(u, StatusUpdate) else u
                for result in found
                for u in result.updates
            ),
        )

    async def aclose(self) -> None:
        """Close every channel on its own worker, then stop the workers."""
        for name, target in self.channels.items():
            try:
                await asyncio.wait_for(self._runners[name].submit(target.close), CLOSE_SECONDS)
            except Exception as error:
                log.warning("channel %s: close failed: %s", name, self.redact(one_line(str(error))))
        for runner in self._runners.values():
            runner.stop()

    def _redacted(self, said: Answer) -> Answer:
        """A receipt or delivery update with its texts (detail, error code) redacted."""
        code = said.error_code
        return replace(
            said,
            detail=self.redact(str(said.detail or "")),
            error_code=None if code is None else self.redact(str(code)),
        )

    def _fault(self, channel: str, failure: Failure, detail: str, code: str = "fault") -> Receipt:
        detail = self.redact(one_line(detail))
        log.warning("%s", detail)
        count = self.faults.setdefault(channel, FaultCount(channel))
        count.in_a_row += 1
        count.last = detail
        self._tell(count)
        return Receipt.failed(channel, failure, detail, error_code=code)

    def _healthy(self, channel: str) -> None:
        count = self.faults.setdefault(channel, FaultCount(channel))
        if count.in_a_row:
            count.in_a_row = 0
            self._tell(count)

    def _tell(self, count: FaultCount) -> None:
        if self.on_health is not None:
            try:
                self.on_health(count)
            except Exception:  # recording health must never stop a send being recorded
                log.exception("channel %s: health not recorded", count.channel)
