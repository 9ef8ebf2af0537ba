"""The engine: one asyncio runtime that pages, chases, sends, listens and watches the clocks.

Each pass (`tick`) does, in order: page the steps that runs reached and have not paged yet,
move on the runs whose wait is over, send what the outbox has due (real pages before drill
ones; within provider throttles; the same page not twice to one address within the window),
poll the channels for replies and delivery updates, and look at SLA clocks and Red Flags.
`run` repeats passes until told to stop, sleeping until the next thing falls due (and at most
`idle_seconds`, so commands from other processes are picked up at once).

Everything it decides is in the store before anything is sent, so a process killed at any
moment resumes where it stopped: due notifications are sent, none confirmed sent is sent again.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dispatcher.domain.callout import RunState
from dispatcher.domain.oncall import Roster
from dispatcher.domain.outbox import (
    DEFAULT_LIMITS,
    DUPLICATE_WINDOW,
    DeliveryState,
    Limit,
    PageKey,
    RetryPolicy,
    Throttle,
    is_duplicate,
    throttle_keys,
)
from dispatcher.domain.requests import OPEN_BEFORE_RESOLUTION
from dispatcher.domain.roster import ContactKind, ContactMethod, Person
from dispatcher.engine.clock import Clock, SystemClock
from dispatcher.engine.control import ENGINE, CalloutControl
from dispatcher.engine.lease import EngineLease, LeaseHolder
from dispatcher.engine.outcomes import Outcomes
from dispatcher.engine.paging import page_step
from dispatcher.engine.watch import Watcher
from dispatcher.errors import DispatcherError
from dispatcher.plugins.contract import (
    CalloutEvent,
    CalloutEventKind,
    Channel,
    Failure,
    Notification,
    Receipt,
    one_line,
)
from dispatcher.plugins.manager import PluginManager
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRecord
from dispatcher.store.outbox import OutboxRecord

log = logging.getLogger(__name__)

SMS_RATE_ENV = "DISPATCHER_SMS_PER_SECOND"
FINISHED = {
    RunState.ACKNOWLEDGED: CalloutEventKind.ACKNOWLEDGED,
    RunState.EXHAUSTED: CalloutEventKind.EXHAUSTED,
}


@dataclass(frozen=True)
class EngineSettings:
    poll_seconds: float = 2.0  # how often channels are asked for replies and delivery updates
    idle_seconds: float = 0.2  # the longest sleep: other processes' commands wait no longer
    watch_seconds: float = 5.0  # how often SLA clocks and Red Flags are looked at
    max_concurrent_sends: int = 64
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limits: dict[str, Limit] | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> EngineSettings:
        """`DISPATCHER_SMS_PER_SECOND`: what the SMS sender may send a second (a long code 1,
        the default; a short code or a messaging service more)."""
        raw = environ.get(SMS_RATE_ENV, "").strip()
        if not raw:
            return cls()
        try:
            rate = int(raw)
            if rate < 1:
                raise ValueError
        except ValueError:
            raise DispatcherError(
                f"{SMS_RATE_ENV} must be a whole number of 1 or more, not {raw!r}"
            ) from None
        return cls(limits={**DEFAULT_LIMITS, "channel:sms": Limit(rate, timedelta(seconds=1))})


class Engine:
    def __init__(
        self,
        store: Store,
        roster: Roster,
        plugins: PluginManager,
        clock: Clock | None = None,
        *,
        settings: EngineSettings = EngineSettings(),
        poll_seconds: float | None = None,
    ) -> None:
        self.store = store
        self.roster = roster
        self.plugins = plugins
        self.clock = clock or SystemClock()
        self.settings = settings
        self.poll_every = timedelta(
            seconds=poll_seconds if poll_seconds is not None else settings.poll_seconds
        )
        self.channels: dict[str, Channel] = plugins.channels
        self.control = CalloutControl(
            store, roster, reaches={n: c.reaches for n, c in self.channels.items()}
        )
        self.watcher = Watcher(self.control)
        self.outcomes = Outcomes(self.control, plugins, settings.retry)
        # The limits channels declare, then the engine's own (which win where both set one).
        self.throttle = Throttle({**plugins.limits(), **(settings.limits or DEFAULT_LIMITS)})
        self._deferred: dict[int, datetime] = {}  # outbox id -> when its throttle lets it go
        self._last_page: dict[PageKey, datetime] = {}
        self._next_poll: datetime | None = None
        self._next_watch: datetime | None = None
        self._observed: dict[str, RunState] = {}
        self._sends = asyncio.Semaphore(settings.max_concurrent_sends)
        self._remember_recent_sends()

    # -- one pass -----------------------------------------------------------------------------

    async def tick(self) -> None:
        now = self.clock.now()
        self.store.refresh()
        self._chase(now)
        if self._next_watch is None or now >= self._next_watch or self._watch_due(now):
            self._next_watch = now + timedelta(seconds=self.settings.watch_seconds)
            self.watcher.check(now)
        await self._send_due(self.clock.now())
        now = self.clock.now()
        if self._next_poll is None or now >= self._next_poll:
            self._next_poll = now + self.poll_every
            await self._poll(now)
            self._chase(self.clock.now())

    def next_wakeup(self) -> datetime:
        """When the next pass is needed: a step's wait ends, a notification falls due, a poll."""
        moments = [self._next_poll or self.clock.now()]
        moments += [r.step_deadline for r in self.control.callouts.running()]
        moments += self._deferred.values()
        queued = self.control.outbox.next_due()
        if queued is not None:
            moments.append(queued)
        if self._next_watch is not None:
            moments.append(self._next_watch)
        return min(moments)

    def _watch_due(self, now: datetime) -> bool:
        wake = self.watcher.next_wakeup()
        return wake is not None and wake <= now

    # -- chains -------------------------------------------------------------------------------

    def _chase(self, now: datetime) -> None:
        """Page every reached step not yet paged; move on every run whose wait is over."""
        for record in self.control.callouts.all():
            self._observe(record, now)
            if not record.running:
                continue
            if self._resolved(record.sr):
                record = self.control.stop(record.sr, now, ENGINE, "the request was resolved", "")
                self._observe(record, now)
                continue
            while (
                record is not None
                and record.running
                and (record.needs_paging or record.step_deadline <= now)
            ):
                if record.needs_paging:
                    started = record.round == 0 and record.step == 0 and not record.steps
                    paged = page_step(self.control, record.sr, now)
                    if paged is None:
                        break
                    if started:
                        self._tell(CalloutEventKind.CHAIN_STARTED, record, now)
                    last = paged.steps[-1] if paged.steps else None
                    if last is not None and not last.skipped:
                        self._tell(
                            CalloutEventKind.STEP_REACHED,
                            paged,
                            now,
                            step=last.step,
                            detail=", ".join(last.people),
                        )
                    record = paged
                else:
                    record = self.control.move_on(record.sr, now, ENGINE, "timer")
                self._observe(record, now)

    def _resolved(self, sr_id: str) -> bool:
        """The SR was resolved (or closed) while its chain still ran."""
        try:
            return self.control.requests.get(sr_id).status not in OPEN_BEFORE_RESOLUTION
        except DispatcherError:  # archived: closed
            return True

    def _observe(self, record: CalloutRecord, now: datetime) -> None:
        """Tell observers when a run seen running has ended, whichever process ended it."""
        before = self._observed.get(record.sr)
        self._observed[record.sr] = record.state
        if before is not RunState.RUNNING or record.running:
            return
        kind = FINISHED.get(record.state)
        if kind is not None:
            self._tell(kind, record, now, detail=record.acknowledged_by)
        if record.drill:
            self._tell(CalloutEventKind.DRILL_FINISHED, record, now, detail=record.state.value)

    def _tell(self, kind: CalloutEventKind, record: CalloutRecord, at: datetime, **fields) -> None:
        self.plugins.callout_event(CalloutEvent(kind, record.sr, at, record.drill, **fields))

    # -- sending ------------------------------------------------------------------------------

    async def _send_due(self, now: datetime) -> None:
        """Send everything due, each request's first notification before anyone's second,
        all marked as being sent in one commit before the first is handed over."""
        ready: list[tuple[OutboxRecord, Channel]] = []
        for record in _each_request_in_turn(self.control.outbox.due(now)):
            if self._deferred.get(record.id, now) > now:
                continue
            self._deferred.pop(record.id, None)
            channel = self._ready(record, now)
            if channel is not None:
                ready.append((record, channel))
        if not ready:
            return
        sending = self.control.outbox.sending_many([r.id for r, _ in ready], now)
        await asyncio.gather(
            *(
                self._send(record, channel)
                for record, (_, channel) in zip(sending, ready, strict=False)
            )
        )

    def _ready(self, record: OutboxRecord, now: datetime) -> Channel | None:
        """The channel to send `record` through now, or None after settling why not."""
        outbox = self.control.outbox
        if record.purpose in ("page", "repage"):
            run = self.control.callouts.get(record.sr)
            if run is None or not run.running:
                if record.state is DeliveryState.SENDING:
                    outbox.move(record.id, DeliveryState.QUEUED, now)
                outbox.move(
                    record.id,
                    DeliveryState.CANCELLED,
                    now,
                    detail=f"not sent: the chain is {run.state.value if run else 'gone'}",
                )
                return None
        channel = self.channels.get(record.channel)
        if channel is None:
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
        key = _page_key(record)
        if record.state is DeliveryState.QUEUED and is_duplicate(key, self._last_page, now):
            outbox.move(
                record.id,
                DeliveryState.CANCELLED,
                now,
                detail=f"the same message went to {record.address} less than "
                f"{int(DUPLICATE_WINDOW.total_seconds() // 60)} min ago",
            )
            return None
        keys = throttle_keys(record.channel, record.address)
        earliest = self.throttle.earliest(keys, now)
        if earliest > now:
            self._deferred[record.id] = earliest
            return None
        self.throttle.record(keys, now)
        self._last_page[key] = now
        return channel

    async def _send(self, sending: OutboxRecord, channel: Channel) -> None:
        async with self._sends:
            try:
                receipt = await channel.send(self._notification(sending))
            except Exception as error:  # a plugin's bug: retried like a provider hiccup
                log.exception("channel %s: send failed", channel.name)
                receipt = Receipt.failed(
                    channel.name, Failure.TRANSIENT, one_line(f"{type(error).__name__}: {error}")
                )
        self.outcomes.settle(sending, receipt, self.clock.now())

    def _notification(self, record: OutboxRecord) -> Notification:
        person = self.roster.people.get(record.person) or Person(record.person, record.person, "")
        return Notification(
            id=str(record.id),
            recipient=person,
            contact=ContactMethod(ContactKind(record.contact_kind), record.address),
            sr_id=record.sr,
            short_text=record.short_text,
            long_text=record.long_text,
            spoken_text=record.spoken_text,
            ack_code=record.ack_code,
            language=record.language,
            drill=record.drill,
        )

    def _remember_recent_sends(self) -> None:
        """After a restart: the sends of the last quarter hour still count against throttles
        and the duplicate window. One interrupted mid-send is sent again in its own place,
        so it does not count twice."""
        now = self.clock.now()
        window = max(DUPLICATE_WINDOW, timedelta(minutes=15))
        for record in self.control.outbox.all():
            if record.state is DeliveryState.SENDING:
                continue
            if record.attempt and record.updated and now - record.updated < window:
                self.throttle.record(throttle_keys(record.channel, record.address), record.updated)
                key = _page_key(record)
                self._last_page[key] = max(self._last_page.get(key, record.updated), record.updated)

    # -- listening ----------------------------------------------------------------------------

    async def _poll(self, now: datetime) -> None:
        channels = list(self.channels.values())
        results = await asyncio.gather(*(c.poll() for c in channels), return_exceptions=True)
        for channel, result in zip(channels, results, strict=False):
            if isinstance(result, BaseException):
                log.warning("channel %s: poll failed: %s", channel.name, one_line(str(result)))
                continue
            for update in result.updates:
                self.outcomes.update(update, now)
            for reply in result.replies:
                self.outcomes.reply(reply, now)

    # -- running --------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Passes until `stop` is set. A failing pass (a full disk) is logged and tried again."""
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
            sleeper = asyncio.ensure_future(self.clock.sleep_until(wake))
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
            for task in (sleeper, stopper):
                task.cancel()

    async def aclose(self) -> None:
        await self.plugins.aclose()


class EngineThread:
    """The engine in a thread of its own, with its own event loop, so that a desk's screen
    never waits on a provider or the disk. Only the holder of the data directory's engine
    lease runs it; any other desk reads and writes through the store."""

    def __init__(
        self,
        store: Store,
        roster: Roster,
        plugins: PluginManager,
        role: str = "desk",
        clock: Clock | None = None,
        settings: EngineSettings | None = None,
    ) -> None:
        self.store = store
        self.roster = roster
        self.plugins = plugins
        self.role = role
        self.clock = clock
        self.settings = settings or EngineSettings.from_environ(os.environ)
        self.lease = EngineLease(store.data_dir)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def holder(self) -> LeaseHolder | None:
        return self.lease.holder()

    def start(self) -> bool:
        """Run the engine if no other process does; False when another holds the lease."""
        if self.running:
            return True
        if not self.lease.acquire(self.role):
            return False
        self._thread = threading.Thread(target=self._main, name="dispatcher-engine", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=10)
        return True

    def _main(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            engine = Engine(
                self.store, self.roster, self.plugins, self.clock, settings=self.settings
            )
            self._ready.set()
            try:
                await engine.run(self._stop)
            finally:
                await engine.aclose()

        try:
            asyncio.run(main())
        except Exception:
            log.exception("the engine stopped")
        finally:
            self._ready.set()
            self.lease.release()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the pass under way, and give the lease back."""
        if self._loop is not None and self._stop is not None and self.running:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None


def _each_request_in_turn(records: list[OutboxRecord]) -> list[OutboxRecord]:
    """Records taken in turns, one per request: with fifty emergencies at once, each one's
    first page goes out before any one's last. Real before drill stays first."""
    turn: dict[str, int] = {}
    ranked = []
    for record in records:
        turn[record.sr] = turn.get(record.sr, -1) + 1
        ranked.append((record.drill, turn[record.sr], record.due, record.id, record))
    return [entry[-1] for entry in sorted(ranked, key=lambda e: e[:4])]


def _page_key(record: OutboxRecord) -> PageKey:
    """Two notifications are the same page when they say the same thing to the same address
    about the same request (a Red Flag's closing is not its opening said again)."""
    return PageKey(
        record.sr, record.channel, record.address, f"{record.purpose}|{record.short_text}"
    )
