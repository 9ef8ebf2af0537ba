"""The engine: one asyncio runtime that pages, chases, sends, listens and watches the clocks.

Each pass (`tick`) does, in order: page the steps that runs reached and have not paged yet,
move on the runs whose wait is over, look at SLA clocks and Red Flags, start a send for each
notification due (real pages before drill ones, each request's first before anyone's
second; a throttled one is delayed, never dropped), and start a poll of each channel for
replies and delivery updates when one is due (each its own task: a channel whose poll
hangs delays no other channel's replies). A pass never waits for a send or a poll: each
is a task of its own under a time bound (`dispatcher.engine.sending`), so a provider that
hangs holds up neither another page nor a step timer. `run` repeats passes until told to
stop, sleeping until the next thing falls due, the store changes (a command from another
process or thread: looked for every `notice_seconds`) or `idle_seconds` have passed.

Everything it decides is in the store before anything is sent, so a process killed at any
moment resumes where it stopped: due notifications are sent, none confirmed sent is sent again.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from datetime import datetime, timedelta

from dispatcher.domain.oncall import Roster
from dispatcher.domain.outbox import DEFAULT_LIMITS, PAGES, DeliveryState, Throttle, throttle_keys
from dispatcher.engine.chase import Chaser
from dispatcher.engine.clock import Clock, SystemClock
from dispatcher.engine.compose import notification_for
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.outcomes import Outcomes
from dispatcher.engine.recording import Recorder
from dispatcher.engine.sending import Priority, Sender
from dispatcher.engine.settings import EngineSettings
from dispatcher.engine.turns import Turns, each_request_in_turn
from dispatcher.engine.watch import Watcher
from dispatcher.errors import DispatcherError
from dispatcher.plugins.contract import (
    Failure,
    PollResult,
    Receipt,
    one_line,
)
from dispatcher.plugins.manager import PluginManager
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRecord
from dispatcher.store.outbox import OutboxRecord

log = logging.getLogger(__name__)

BUILT_IN = "desk"  # the plugin whose channels run on the engine's own loop
THROTTLE_MEMORY = timedelta(minutes=15)  # the longest window of the default limits
# Paging fifty emergencies at once takes a while (a commit each): their pages go out in
# slices, each request's as soon as it is paged, not all after the last one is.
CHASE_SLICE_SECONDS = 0.05
# Notifications marked as being sent in one commit (each request's first before anyone's
# second); the loop gets a turn between two such commits.
CLAIM_CHUNK = 50
SWITCH_SECONDS = 0.001  # how long a thread waiting for the interpreter waits (default 5 ms)


class Engine:
    def __init__(
        self,
        store: Store,
        roster: Roster,
        plugins: PluginManager,
        clock: Clock | None = None,
        *,
        settings: EngineSettings | None = None,
        poll_seconds: float | None = None,
    ) -> None:
        settings = settings or EngineSettings()
        self.store = store
        self.roster = roster
        self.plugins = plugins
        self.clock = clock or SystemClock()
        self.settings = settings
        self.poll_every = timedelta(
            seconds=poll_seconds if poll_seconds is not None else settings.poll_seconds
        )
        self.channels = plugins.channels
        self.control = CalloutControl(
            store, roster, reaches={n: c.reaches for n, c in self.channels.items()}
        )
        self.watcher = Watcher(self.control)
        self.chaser = Chaser(self.control, plugins)
        self.outcomes = Outcomes(self.control, plugins, settings.retry)
        self.recorder = Recorder(store, self.outcomes, self.clock.now)
        # The limits channels declare, then the engine's own (which win where both set one).
        self.throttle = Throttle({**plugins.limits(), **(settings.limits or DEFAULT_LIMITS)})
        self.sender = Sender(
            self.channels,
            inline={i.name for i in plugins.channel_infos if i.plugin == BUILT_IN and i.enabled},
            default_timeout=settings.send_timeout,
            timeouts=settings.send_timeouts,
            concurrency=settings.max_concurrent_sends,
            on_health=self.recorder.health,
            now=self.clock.now,
            redact=plugins.redact,
        )
        self._inflight: dict[int, asyncio.Task[None]] = {}  # outbox id -> its send
        self._turns = Turns()
        self._polls: dict[str, asyncio.Task[None]] = {}  # channel -> its poll under way
        self._unrecorded: dict[
            str, list[PollResult]
        ] = {}  # channel -> poll results a commit failed to keep
        self._next_poll: datetime | None = None
        self._next_watch: datetime | None = None
        self._remember_recent_sends()

    # -- one pass -----------------------------------------------------------------------------

    async def tick(self) -> None:
        now = self.clock.now()
        self.store.refresh()
        await self._chase(resume=False)
        if self._next_watch is None or now >= self._next_watch or self._watch_due(now):
            self._next_watch = now + timedelta(seconds=self.settings.watch_seconds)
            self.watcher.check(now)
        while self._send_due(self.clock.now()):
            await asyncio.sleep(0)  # the sends started go out while the rest are marked
            # A request registered meanwhile is paged now (the chase's read catches up with
            # the store), its first page marked before the rest of this pass's: in a burst of
            # fifty, the last no longer waits for the others' hundreds of pages to be marked.
            await self._chase(resume=True)
        now = self.clock.now()
        if self._next_poll is None or now >= self._next_poll:
            self._next_poll = now + self.poll_every
            for name in self.channels:  # each on its own: a slow one holds up no other
                if name not in self._polls:
                    self._polls[name] = asyncio.create_task(self._poll(name))

    async def _chase(self, resume: bool) -> None:
        """Page what the runs reached, a slice of requests at a time. After each slice the
        first page of each request it paged is marked and handed to its channel, and nothing
        else: paging fifty emergencies at once, the last one's first page no longer waits
        for the others' second and third to be marked and started."""
        more = self.chaser.chase(self.clock.now(), CHASE_SLICE_SECONDS, resume=resume)
        while more:
            self._send_due(self.clock.now(), firsts_only=True)
            await asyncio.sleep(0)  # they reach their channels while the rest are paged
            more = self.chaser.chase(self.clock.now(), CHASE_SLICE_SECONDS, resume=True)

    async def settle(self, timeout: float = 30.0) -> None:
        """Wait (at most `timeout` real seconds) until every send and poll under way is
        recorded: for commands, tests and benches that need a pass's outcome."""
        deadline = asyncio.get_running_loop().time() + timeout
        while tasks := [*self._inflight.values(), *self._polls.values()]:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return
            await asyncio.wait(tasks, timeout=remaining)

    async def run_once(self) -> None:
        """One pass, then wait until what it started is recorded."""
        await self.tick()
        await self.settle()

    def next_wakeup(self) -> datetime:
        """When the next pass is needed: a step's wait ends, a notification falls due, a poll."""
        moments = [self._next_poll or self.clock.now()]
        moments += self.control.callouts.deadlines()
        queued = self.control.outbox.next_due()
        if queued is not None:
            moments.append(queued)
        if self._next_watch is not None:
            moments.append(self._next_watch)
        return min(moments)

    @property
    def sends_in_flight(self) -> int:
        return len(self._inflight)

    def _watch_due(self, now: datetime) -> bool:
        wake = self.watcher.next_wakeup()
        return wake is not None and wake <= now

    # -- sending ------------------------------------------------------------------------------

    def _send_due(self, now: datetime, firsts_only: bool = False) -> bool:
        """Start a send for what is due, the first of each step none of whose sends started
        before anything else, then each request's next before anyone's after that
        (`each_request_in_turn`): at most `CLAIM_CHUNK`, marked as being sent in one commit
        before the first is handed over. True when more are due: in a burst, the first pages
        of fifty requests go out before the next hundreds are marked. With `firsts_only`,
        only those firsts. With nothing due, no lock is taken."""
        if not self.control.outbox.due(now, skip=self._inflight.keys()):
            return False
        ready: list[tuple[OutboxRecord, str]] = []
        runs: dict[str, CalloutRecord | None] = {}  # each request's run, read once a pass
        more = False
        with self.store.atomic(self.store.live):  # one commit: delays, cancellations, claims
            due = self.control.outbox.due(now, skip=self._inflight.keys())
            for first, record in each_request_in_turn(due, self._turns.untouched):
                if len(ready) == CLAIM_CHUNK or (firsts_only and not first):
                    more = True
                    break
                channel = self._ready(record, now, runs)
                if channel is not None:
                    ready.append((record, channel))
            if not ready:
                return False
            sending = self.control.outbox.sending_many([r.id for r, _ in ready], now)
        for record, (_, channel) in zip(sending, ready, strict=True):
            task = asyncio.create_task(self._send(record, channel, self._turns.priority(record)))
            self._inflight[record.id] = task

            def forget(_: asyncio.Task[None], key: int = record.id) -> None:
                self._inflight.pop(key, None)

            task.add_done_callback(forget)
        return more

    def _ready(
        self, record: OutboxRecord, now: datetime, runs: dict[str, CalloutRecord | None]
    ) -> str | None:
        """The channel to send `record` through now, or None after settling why not (`runs`
        holds the runs read so far this pass, by request)."""
        outbox = self.control.outbox
        if record.purpose in PAGES:
            if record.sr not in runs:
                runs[record.sr] = self.control.callouts.get(record.sr)
            run = runs[record.sr]
            if run is None or not run.running:
                if record.state is DeliveryState.SENDING:
                    outbox.move(record.id, DeliveryState.QUEUED, now)
                outbox.move(
                    record.id,
                    DeliveryState.CANCELLED,
                    now,
                    detail=f"not sent: the chain is {run.run.state.value if run else 'gone'}",
                )
                return None
        if record.channel not in self.channels:
            self.outcomes.settle(
                record,
                Receipt.failed(
                    record.channel,
                    Failure.PERMANENT,
                    f"channel {record.channel} is not enabled here",
                ),
                now,
            )
            return None
        keys = throttle_keys(record.channel, record.address)
        earliest = self.throttle.earliest(keys, now)
        if earliest > now:
            outbox.delay(record.id, earliest, now, self.throttle.holding(keys, now))
            return None
        self.throttle.record(keys, now)
        return record.channel

    async def _send(self, sending: OutboxRecord, channel: str, priority: Priority) -> None:
        try:
            notification = notification_for(sending, self.roster.people)
        except Exception as error:  # a record this version cannot read: say so, send no more
            receipt = Receipt.failed(
                channel, Failure.PERMANENT, one_line(f"cannot compose notification: {error}")
            )
            at = self.clock.now()
        else:
            receipt, at = await self.sender.send_stamped(channel, notification, priority)
        await self.recorder.receipt(sending, receipt, at)

    def _remember_recent_sends(self) -> None:
        """After a restart: the sends of the last quarter hour still count against throttles.
        One interrupted mid-send is sent again in its own place, so it does not count twice."""
        now = self.clock.now()
        for record in self.control.outbox.all():
            if record.state is DeliveryState.SENDING:
                continue
            if record.attempt and record.updated and now - record.updated < THROTTLE_MEMORY:
                self.throttle.record(throttle_keys(record.channel, record.address), record.updated)

    # -- listening ----------------------------------------------------------------------------

    async def _poll(self, name: str) -> None:
        """Ask one channel for replies and updates, on its worker under its bound, and record
        what came back. Results a failed commit (a full disk) did not keep are recorded with
        the channel's next poll (recording one twice changes nothing: a reply is kept by its
        key, a delivery moves a notification once)."""
        try:
            result = await self.sender.poll(name)
            found = [*self._unrecorded.pop(name, []), *([result] if result else [])]
            now = self.clock.now()
            # A status, or a key pressed on a call, names its page by the provider's id that
            # the page's receipt holds: the receipts of the sends that ended before this poll
            # are recorded first (one came too late, and the page was not found).
            await self.recorder.receipts_so_far()
            try:
                await self.recorder.record(
                    [lambda u=u: self.outcomes.update(u, now) for r in found for u in r.updates]
                    + [lambda p=p: self.outcomes.reply(p, now) for r in found for p in r.replies],
                    "poll result",
                )
            except Exception as error:  # kept, and recorded with the next poll
                self._unrecorded[name] = found
                log.error("channel %s: poll not recorded: %s", name, one_line(str(error)))
        finally:
            self._polls.pop(name, None)

    # -- running --------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Passes until `stop` is set. A failing pass (a full disk) is logged and tried again.

        What is loaded by then (the store's documents: 10,000 open requests, say) lives as long
        as the engine, so it is kept out of the collector's full passes (`gc.freeze`): each
        of those walked every object and held the loop for 0.2-0.3 s in the middle of a burst
        of pages. What is made later is collected as before.

        Each channel sends on a thread of its own, and a send hands the interpreter back and
        forth a dozen times (connect, write, read); beside a busy pass each handover waited
        the interpreter's 5 ms switch interval, so the interval is `SWITCH_SECONDS`."""
        self.store.refresh()
        gc.freeze()
        sys.setswitchinterval(SWITCH_SECONDS)
        while not stop.is_set():
            try:
                await self.tick()
                wake = min(
                    self.next_wakeup(),
                    self.clock.now() + timedelta(seconds=self.settings.idle_seconds),
                )
            except Exception as error:
                log.error(
                    "engine pass failed: %s",
                    one_line(str(error)),
                    exc_info=not isinstance(error, DispatcherError),
                )
                wake = self.clock.now() + timedelta(seconds=1)
            seen = self.store.version(self.store.live)  # what this pass saw, or undid
            waits = {
                asyncio.ensure_future(self.clock.sleep_until(wake)),
                asyncio.ensure_future(stop.wait()),
                asyncio.ensure_future(self._changed(seen)),
            }
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for task in waits:
                task.cancel()

    async def _changed(self, seen: int) -> None:
        """Return once the live partition has changed since `seen` (`Store.version`): a
        request registered, a chain acknowledged or stopped, by a command, a desk or another
        thread, or a send's outcome recorded. Looks every `notice_seconds` (real time)."""
        live = self.store.live
        while True:
            await asyncio.sleep(self.settings.notice_seconds)
            try:
                self.store.refresh(live)
            except DispatcherError:  # damage, say: the passes report it, at their own pace
                continue
            if self.store.version(live) != seen:
                return

    async def aclose(self) -> None:
        """Let the sends under way end (each within its bound), then close every channel."""
        bounds = [self.settings.send_timeout, *self.settings.send_timeouts.values()]
        await self.settle(timeout=max(bounds))
        await self.sender.aclose()
