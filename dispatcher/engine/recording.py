"""Recording what sends and polls bring back, for the engine (`dispatcher.engine.runtime`).

Receipts are recorded by one task, `RECORD_CHUNK` to a commit, the loop getting a turn after
each commit (a pass paging a new emergency). A channel's fault count (`sending.FaultCount`)
is written in the commit of the receipts that follow the send that changed it, and kept until
a commit holding it succeeds: a webhook failing every other send once cost a commit of its own
per send. A poll's results wait for the receipts of the sends that ended before it: a status,
or a key pressed on a call, names its page by the provider's id its receipt holds, and one
that came first found no page.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from dispatcher.engine.outcomes import Outcomes
from dispatcher.engine.sending import FaultCount
from dispatcher.errors import DispatcherError
from dispatcher.plugins.contract import Receipt, one_line
from dispatcher.store import Store
from dispatcher.store.channel_health import record_faults
from dispatcher.store.outbox import OutboxRecord

log = logging.getLogger(__name__)

RECORD_CHUNK = 25  # receipts or poll results recorded in one commit before timers get a turn

Health = tuple[int, str, datetime, bool]  # faults in a row, the last, when, healthy


class Recorder:
    def __init__(self, store: Store, outcomes: Outcomes, now: Callable[[], datetime]) -> None:
        self.store = store
        self.outcomes = outcomes
        self.now = now
        # Receipts to record, each with a future set once it is, and the one task recording
        # them (`_record_receipts`).
        self._receipts: list[tuple[OutboxRecord, Receipt, datetime, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        self._recording: set[asyncio.Future[None]] = set()  # the futures not set yet
        self._health: dict[str, Health] = {}  # channel -> its count, until written

    async def receipt(self, sending: OutboxRecord, receipt: Receipt, at: datetime) -> None:
        """Record what a send came to (`Outcomes.settle`); return once it is recorded, or its
        commit failed (the record then stays `sending`, to go again)."""
        recorded = asyncio.get_running_loop().create_future()
        self._receipts.append((sending, receipt, at, recorded))
        self._recording.add(recorded)
        recorded.add_done_callback(self._recording.discard)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._record_receipts())
        await recorded

    def health(self, count: FaultCount) -> None:
        """A channel's fault count changed (`Sender`'s `on_health`): written with the
        receipts of the send that changed it."""
        self._health[count.channel] = (count.in_a_row, count.last, self.now(), count.healthy)

    async def receipts_so_far(self) -> None:
        """Until every receipt handed over by now is recorded (or its commit failed)."""
        if self._recording:
            await asyncio.wait(set(self._recording))

    async def record(self, changes: list, what: str) -> None:
        """Store changes, `RECORD_CHUNK` to a commit, each change a savepoint of its own (one
        that fails is logged and undone alone; a receipt not recorded leaves its record
        `sending`, to go again), yielding between commits so that timers keep their time."""
        live = self.store.live
        for start in range(0, len(changes), RECORD_CHUNK):
            with self.store.atomic(live):
                for change in changes[start : start + RECORD_CHUNK]:
                    try:
                        with self.store.atomic(live):
                            change()
                    except Exception as error:  # a bug in one must not lose the others
                        log.error(
                            "%s not recorded: %s",
                            what,
                            one_line(str(error)),
                            exc_info=not isinstance(error, DispatcherError),
                        )
            await asyncio.sleep(0)

    async def _record_receipts(self) -> None:
        """Record the receipts of the sends that ended, by one task. When every send that
        ended recorded chunks of its own, one turn of the loop recorded them all, and a
        burst's receipts held it for 0.3-0.5 s."""
        await asyncio.sleep(0)  # the other sends ending now add theirs: recorded together
        while self._receipts:
            health = dict(self._health)
            chunk = self._receipts[: max(1, RECORD_CHUNK - len(health))]
            del self._receipts[: len(chunk)]
            written: list[str] = []
            try:
                await self.record(
                    [
                        *(
                            lambda c=c, h=h, w=written: self._write_health(c, h, w)
                            for c, h in health.items()
                        ),
                        *(
                            lambda r=r, c=c, t=t: self.outcomes.settle(r, c, t)
                            for r, c, t, _ in chunk
                        ),
                    ],
                    "receipt",
                )
            except Exception as error:  # a failed commit: these stay `sending`, to go again
                log.error("receipts not recorded: %s", one_line(str(error)))
            else:  # a count is kept until written, unless it changed meanwhile
                for channel in written:
                    if self._health.get(channel) == health[channel]:
                        del self._health[channel]
            finally:
                for *_, recorded in chunk:
                    if not recorded.done():
                        recorded.set_result(None)

    def _write_health(self, channel: str, health: Health, written: list[str]) -> None:
        in_a_row, last, at, healthy = health
        record_faults(self.store, channel, in_a_row, last, at, not healthy)
        written.append(channel)
