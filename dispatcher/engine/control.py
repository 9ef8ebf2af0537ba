"""Commands to the call-out: register and start, acknowledge, escalate, re-page, stop, retry.

Synchronous and safe from any process (a command, a desk, a drill): each call is one commit
on the live partition, changing the SR's timeline and its call-out run together. Whoever holds
the engine lease notices the change within about 20 ms (`Engine.run`) and pages what the run
now needs; nothing here talks to a provider. What the commands read (the roster, its chains,
routing, zone, the channels' reach) is `dispatcher.engine.context`; the reachability audit is
`dispatcher.engine.audit`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from dispatcher.domain.callout import (
    ReachedBy,
    RunState,
    acknowledge,
    advance,
    move_to,
    repage,
    start_run,
    stop,
)
from dispatcher.domain.lifecycle import Status
from dispatcher.domain.outbox import PAGES, DeliveryState, Purpose
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.roster import ContactMethod
from dispatcher.domain.routing import Routing
from dispatcher.domain.timeline import Event, EventKind
from dispatcher.engine.context import ControlContext
from dispatcher.engine.notices import tell_drill_over, tell_status
from dispatcher.errors import DispatcherError, IllegalTransition
from dispatcher.store.callouts import CALLOUTS, CalloutRecord
from dispatcher.store.outbox import OutboxRecord

ENGINE = "engine"  # the actor of what the engine does by itself


class CalloutControl(ControlContext):
    """The commands; each is one commit on the live partition (see the module's docstring)."""

    # -- starting ---------------------------------------------------------------------------

    def register(
        self,
        received: datetime,
        build: Callable[[str], ServiceRequest],
        at: datetime,
        actor: str,
        channel: str,
        *,
        chain: str | None = None,
        start_chain: bool = True,
    ) -> tuple[ServiceRequest, Routing | None]:
        """Register an SR and, when its routing (or `chain`) gives a chain, start it in the
        same commit: the engine holder pages step 1 on its next pass."""
        found: list[Routing] = []

        def also(sr: ServiceRequest):
            routing = self.routing(sr)
            found.append(routing)
            chain_id = chain or routing.chain
            if not start_chain or chain_id is None:
                return [], {}
            record, events = self._begin(sr, chain_id, at, actor, channel)
            return events, {CALLOUTS: [self.callouts.document(record)]}

        sr, _ = self.requests.register(
            received, build, at, actor, channel, also=also, zone=self.roster_zone
        )
        return sr, found[0] if found else None

    def start(
        self,
        sr_id: str,
        at: datetime,
        actor: str,
        chain: str | None = None,
        channel: str = "desk",
        step: int = 0,
    ) -> CalloutRecord:
        """Start (or start again) an SR's chain, from its first step or from `step` (0-based:
        a raised level starts at the step aimed at the level's unit)."""
        started: list[CalloutRecord] = []

        def action(sr: ServiceRequest) -> list[Event]:
            existing = self.callouts.get(sr.id)
            if existing is not None and existing.running:
                raise DispatcherError(
                    f"the chain of {sr.id} is already running ({existing.position_label()})"
                )
            if sr.status not in (
                Status.NEW,
                Status.DISPATCHED,
                Status.ACKNOWLEDGED,
                Status.IN_PROGRESS,
                Status.RESTORED,
            ):
                raise IllegalTransition(
                    f"cannot start a chain for {sr.id}: it is {sr.status.value}"
                )
            chain_id = chain or self.routing(sr).chain
            if chain_id is None:
                raise DispatcherError(f"no chain applies to {sr.id}: {self.routing(sr).why}")
            record, events = self._begin(sr, chain_id, at, actor, channel, step)
            started.append(record)
            return events

        with self.store.atomic(self.store.live):
            self.requests.change(sr_id, action)
            self.callouts.save(started[0])
        return started[0]

    def _begin(
        self,
        sr: ServiceRequest,
        chain_id: str,
        at: datetime,
        actor: str,
        channel: str,
        step: int = 0,
    ) -> tuple[CalloutRecord, list[Event]]:
        spec = self.chain(chain_id)
        run = start_run(sr.id, chain_id, spec, at, drill=sr.drill, step=step)
        record = CalloutRecord.begin(run, len(spec.steps), max(1, spec.repeat))
        events = sr.record(
            at, actor, EventKind.CALLOUT_STARTED, spec.name, channel, chain=chain_id, drill=sr.drill
        )
        if sr.status is Status.NEW:
            events += sr.dispatch(at, actor, channel, f"call-out chain {chain_id}")
        return record, events

    # -- changing a running chain -------------------------------------------------------------

    def acknowledge(
        self,
        sr_id: str,
        at: datetime,
        actor: str,
        by: str,
        via: str = "desk",
        note: str = "",
        person: str = "",
    ) -> CalloutRecord | None:
        """Someone owns the problem: the SR is acknowledged, and its chain stops; everyone
        else paged in the run is told who took it when the chain says so (`person` is the
        roster id of who acknowledged, when known). Returns the chain it stopped, or None
        when none was running."""
        with self.store.atomic(self.store.live):
            record = self.callouts.get(sr_id)
            running = record is not None and record.running

            def action(sr: ServiceRequest) -> list[Event]:
                text = note or f"acknowledged by {by}"
                if sr.status in (Status.NEW, Status.DISPATCHED):
                    return sr.acknowledge(at, actor, via, text, by=by)
                if running:
                    return sr.record(
                        at, actor, EventKind.CALLOUT_ACKNOWLEDGED, text, via, by=by, via=via
                    )
                raise IllegalTransition(
                    f"cannot acknowledge {sr.id}: it is {sr.status.value} and no chain is running"
                )

            sr, _ = self.requests.change(sr_id, action)
            if running and record is not None:
                record = record.with_run(acknowledge(record.run, at, by, via), at)
                self.callouts.save(record)
                self.outbox.cancel_queued(sr_id, at, f"acknowledged by {by}", PAGES)
                if self.has_roster and self.chain(record.run.chain).tells_status(sr.is_emergency):
                    run = record.run.started.isoformat()
                    tell_status(self.outbox, self.roster.people, sr, run, at, by, person)
        return record if running else None

    def escalate(
        self, sr_id: str, at: datetime, actor: str, channel: str = "desk"
    ) -> CalloutRecord:
        """Move the chain on to its next step now, without waiting."""
        return self.move_on(sr_id, at, actor, ReachedBy.ESCALATED, channel)

    def escalate_to(
        self, sr_id: str, step: int, at: datetime, actor: str, why: str, channel: str = "desk"
    ) -> CalloutRecord:
        """Page `step` (0-based) of the current round now: the step the chain aims at a raised
        level's unit, ahead or behind. A step already paged in this round is paged again as a
        new instance (as a re-page is), so its pages are not taken for the earlier ones."""
        with self.store.atomic(self.store.live):
            record = self._running(sr_id)
            position = record.run.position
            before = (position.round + 1, position.step + 1)
            again = any(s.round == position.round and s.step == step for s in record.steps)
            record = record.with_run(
                move_to(record.run, self.chain(record.run.chain), step, at),
                at,
                how=ReachedBy.ESCALATED,
                repages=record.repages + again,
            )
            text = f"{record.position_label()} (escalated: {why})"
            self.requests.change(
                sr_id,
                lambda sr: sr.record(
                    at,
                    actor,
                    EventKind.CALLOUT_ESCALATED,
                    text,
                    channel,
                    previous_round=before[0],
                    previous_step=before[1],
                    round=record.run.position.round + 1,
                    step=step + 1,
                ),
            )
            self.callouts.save(record)
        return record

    def move_on(
        self, sr_id: str, at: datetime, actor: str, how: ReachedBy, channel: str = ""
    ) -> CalloutRecord:
        """The next step (its wait ended, or a dispatcher escalated); after the last step of
        the last round the chain is exhausted, and flashes on the desk until seen."""
        with self.store.atomic(self.store.live):
            record = self._running(sr_id)
            run = advance(record.run, self.chain(record.run.chain), at)
            if run.state is RunState.EXHAUSTED:
                record = record.with_run(run, at, how=how, seen=False)
                kind, text = (
                    EventKind.CALLOUT_EXHAUSTED,
                    (
                        f"chain {record.run.chain} ran out after {record.repeat} round(s) without an "
                        "acknowledgement"
                    ),
                )
            else:
                record = record.with_run(run, at, how=how)
                kind = (
                    EventKind.CALLOUT_ESCALATED
                    if how is ReachedBy.ESCALATED
                    else EventKind.STEP_REACHED
                )
                text = f"{record.position_label()} ({how})"
            if how is ReachedBy.ESCALATED or kind == EventKind.CALLOUT_EXHAUSTED:
                self.requests.change(sr_id, lambda sr: sr.record(at, actor, kind, text, channel))
            self.callouts.save(record)
        return record

    def repage(self, sr_id: str, at: datetime, actor: str, channel: str = "desk") -> CalloutRecord:
        """Page the current step again now, and wait its full time from now."""
        with self.store.atomic(self.store.live):
            record = self._running(sr_id)
            record = record.with_run(
                repage(record.run, self.chain(record.run.chain), at),
                at,
                how=ReachedBy.REPAGED,
                repages=record.repages + 1,
            )
            self.requests.change(
                sr_id,
                lambda sr: sr.record(
                    at, actor, EventKind.CALLOUT_REPAGED, record.position_label(), channel
                ),
            )
            self.callouts.save(record)
        return record

    def stop(
        self, sr_id: str, at: datetime, actor: str, reason: str, channel: str = "desk"
    ) -> CalloutRecord:
        """Stop a chain (a drill aborted, an SR resolved without an acknowledgement). A drill's
        stop tells everyone already paged that it is over."""
        if not reason.strip():
            raise DispatcherError(f"stopping the chain of {sr_id} needs a reason")
        with self.store.atomic(self.store.live):
            record = self._running(sr_id)
            record = record.with_run(stop(record.run), at, stopped_reason=reason)
            sr, _ = self.requests.change(
                sr_id, lambda sr: sr.record(at, actor, EventKind.CALLOUT_STOPPED, reason, channel)
            )
            self.callouts.save(record)
            self.outbox.cancel_queued(sr_id, at, f"chain stopped: {reason}", PAGES)
            if record.run.drill:
                tell_drill_over(self.outbox, sr, at, reason)
        return record

    def _running(self, sr_id: str) -> CalloutRecord:
        record = self.callouts.get(sr_id)
        if record is None:
            self.requests.status(sr_id)  # NotFound ("no request SR-…") when the store holds none
            raise DispatcherError(f"{sr_id} has no call-out chain")
        if not record.running:
            raise IllegalTransition(
                f"the chain of {sr_id} is {record.run.state.value}, not running"
            )
        return record

    # -- the outbox ---------------------------------------------------------------------------

    def retry(
        self, notification_id: int, at: datetime, actor: str, channel: str | None = None
    ) -> OutboxRecord:
        """Send a failed (or cancelled) notification again, or by another channel."""
        original = self.outbox.get(notification_id)
        if original.state not in (DeliveryState.FAILED, DeliveryState.CANCELLED):
            raise DispatcherError(
                f"notification {notification_id} is {original.state.value}; "
                "only a failed or cancelled one can be sent again"
            )
        channel = channel or original.channel
        contact = ContactMethod(original.contact_kind, original.address)
        if channel != original.channel:
            person = self.roster.person(original.person)
            contact = self.contact_for(person, channel)
        # A page sent again by hand is a re-page, with a key of its own.
        purpose = Purpose.REPAGE if original.purpose in PAGES else original.purpose
        return self.outbox.again(
            original,
            at,
            purpose=purpose,
            channel=channel,
            contact_kind=contact.kind,
            address=contact.address,
            detail=f"sent again by {actor} (was #{notification_id})",
            instance=f"{original.instance} again #{notification_id}",
        )
