"""Chasing the chains: page every step a run reached and has not paged, move on every run
whose wait is over, stop a run whose request was resolved, and tell observers as runs start,
reach steps and end (whichever process ended them). Synchronous store work for the engine's
pass; what it queues is sent by the engine.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from dispatcher.domain.callout import ReachedBy, RunState
from dispatcher.domain.lifecycle import OPEN_BEFORE_RESOLUTION
from dispatcher.engine.control import ENGINE, CalloutControl
from dispatcher.engine.paging import page_step
from dispatcher.errors import DispatcherError
from dispatcher.plugins.contract import CalloutEvent, CalloutEventKind, one_line
from dispatcher.plugins.manager import PluginManager
from dispatcher.store.callouts import CalloutRecord

log = logging.getLogger(__name__)

FINISHED = {
    RunState.ACKNOWLEDGED: CalloutEventKind.ACKNOWLEDGED,
    RunState.EXHAUSTED: CalloutEventKind.EXHAUSTED,
}


class Chaser:
    def __init__(self, control: CalloutControl, plugins: PluginManager) -> None:
        self.control = control
        self.plugins = plugins
        self._observed: dict[str, RunState] = {}
        self._heard: list[CalloutEvent] = []  # for observers, once the chase is committed
        self._chased: set[str] = set()  # the requests this pass has chased so far

    def chase(self, now: datetime, budget: float | None = None, *, resume: bool = False) -> bool:
        """Page every reached step not yet paged; move on every run whose wait is over.

        The requests chased in one call are one commit (each its own savepoint: a request
        that cannot be chased, say its chain left the roster, is logged and rolled back
        alone, and the others go on); observers hear of it once it is committed. Runs with
        nothing to write are only looked at: a pass that pages nobody takes no lock. With a
        `budget` (seconds of work), stop once it is spent, between two requests: True means
        some are left for the next call, so what is queued can go out first. A call with
        `resume` goes on with the same pass: the requests it chased already are not read
        again, only those left and those registered meanwhile (fifty emergencies at once are
        paged in slices, and each slice would otherwise look at all fifty again)."""
        deadline = None if budget is None else time.monotonic() + budget
        store = self.control.store
        self._heard = []
        if not resume:
            self._chased = set()
        due: list[str] = []  # runs with something to write, read again under the lock
        for record in self.control.callouts.all(skip=self._chased):
            if self._needs_chase(record, now):
                due.append(record.sr)
            else:  # nothing to write: the store's lock is not taken for it
                self._observe(record, now)
                self._chased.add(record.sr)
        more = False
        if due:
            with store.atomic(store.live):
                for n, sr_id in enumerate(due):
                    # at least one a call, however long the reading took: a call that paged
                    # nobody would be followed by another just like it
                    if n and deadline is not None and time.monotonic() > deadline:
                        more = True
                        break
                    heard = len(self._heard)
                    try:
                        with store.atomic(store.live):
                            again = self.control.callouts.get(sr_id)
                            if again is not None:
                                self._chase_one(again, now)
                    except DispatcherError as error:
                        del self._heard[heard:]
                        log.error("%s: chain not chased: %s", sr_id, one_line(str(error)))
                    self._chased.add(sr_id)
        for event in self._heard:
            self.plugins.callout_event(event)
        self._heard = []
        return more

    def _needs_chase(self, record: CalloutRecord, now: datetime) -> bool:
        """The run has a step to page, a wait that is over, or a request resolved under it."""
        return record.running and (
            record.needs_paging or record.run.step_deadline <= now or self._resolved(record.sr)
        )

    def _chase_one(self, record: CalloutRecord, now: datetime) -> None:
        self._observe(record, now)
        if not record.running:
            return
        if self._resolved(record.sr):
            record = self.control.stop(record.sr, now, ENGINE, "the request was resolved", "")
            self._observe(record, now)
            return
        while (
            record is not None
            and record.running
            and (record.needs_paging or record.run.step_deadline <= now)
        ):
            if record.needs_paging:
                started = (
                    record.run.position.round == 0
                    and record.run.position.step == 0
                    and not record.steps
                )
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
                record = self.control.move_on(record.sr, now, ENGINE, ReachedBy.TIMER)
            self._observe(record, now)

    def _resolved(self, sr_id: str) -> bool:
        """The SR was resolved (or closed) while its chain still ran."""
        try:
            return self.control.requests.status(sr_id) not in OPEN_BEFORE_RESOLUTION
        except DispatcherError:  # archived: closed
            return True

    def _observe(self, record: CalloutRecord, now: datetime) -> None:
        """Tell observers when a run seen running has ended, whichever process ended it."""
        before = self._observed.get(record.sr)
        self._observed[record.sr] = record.run.state
        if before is not RunState.RUNNING or record.running:
            return
        kind = FINISHED.get(record.run.state)
        if kind is not None:
            self._tell(kind, record, now, detail=record.run.acknowledged_by)
        if record.run.drill:
            self._tell(CalloutEventKind.DRILL_FINISHED, record, now, detail=record.run.state.value)

    def _tell(self, kind: CalloutEventKind, record: CalloutRecord, at: datetime, **fields) -> None:
        self._heard.append(CalloutEvent(kind, record.sr, at, record.run.drill, **fields))
