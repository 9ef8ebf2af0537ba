"""The dispatcher's changes, each one commit through the store; called from worker threads.

Call-out commands go through the engine's `CalloutControl`, as any process's do: whoever holds
the engine lease (this desk or another) pages what they ask for on its next pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from dispatcher.domain.callout import Position, next_position
from dispatcher.domain.emergency import check_criteria
from dispatcher.domain.lifecycle import CallbackOutcome
from dispatcher.domain.request_parts import Level, Owner
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.rotation import Override
from dispatcher.domain.routing import EMERGENCY_CHAIN, preview, route, step_for_unit
from dispatcher.domain.text import check
from dispatcher.domain.timeline import Event
from dispatcher.engine.control import CalloutControl
from dispatcher.errors import IllegalTransition
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.store.callouts import CalloutRecord, CalloutRepository
from dispatcher.store.outbox import OutboxRecord
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.context import DeskContext

CHANNEL = "desk"


@dataclass(frozen=True)
class LevelPlan:
    """What raising a request's support level does, for the dispatcher to confirm: the new
    level, the owner the routing gives it, the step of the chain it pages (0-based) and whom
    that step pages (by display name)."""

    sr: str
    level: Level
    next: Level
    owner: Owner
    chain: str | None
    restart: bool  # no chain running: the level's chain starts again at `step`
    paged: tuple[str, ...]
    step: int | None = None  # None: nothing to page
    aimed: bool = True  # the chain aims `step` at the owner; False: no step is, the next one
    at_end: bool = False  # no step is aimed at the owner and the running chain has no next
    # step: it stays where it is, and nobody new is paged


class Operations:
    def __init__(self, desk: DeskContext) -> None:
        self.desk = desk
        self.requests = RequestRepository(desk.store)
        self.control = CalloutControl(desk.store, desk.roster)

    def _change(
        self, sr_id: str, action: Callable[[ServiceRequest, datetime], list[Event]]
    ) -> ServiceRequest:
        at = self.desk.now()
        sr, _ = self.requests.change(sr_id, lambda sr: action(sr, at))
        return sr

    # -- the call-out ------------------------------------------------------------------------

    def register(
        self, build: Callable[[str], ServiceRequest], received: datetime, start_chain: bool = True
    ) -> ServiceRequest:
        """Register; with `start_chain` its routed chain starts in the same commit. A typed
        field holding a control character is refused (`UnsafeText`, naming the field)."""
        sr, _ = self.control.register(
            received,
            lambda sr_id: _typed(build(sr_id)),
            self.desk.now(),
            self.desk.actor,
            CHANNEL,
            start_chain=start_chain,
        )
        return sr

    def acknowledge(self, sr_id: str, by: str) -> CalloutRecord | None:
        """For someone who confirmed by phone: the SR is theirs, its chain stops."""
        check(by, "by")
        return self.control.acknowledge(sr_id, self.desk.now(), self.desk.actor, by, via="phone")

    def escalate(self, sr_id: str) -> CalloutRecord:
        return self.control.escalate(sr_id, self.desk.now(), self.desk.actor)

    def repage(self, sr_id: str) -> CalloutRecord:
        return self.control.repage(sr_id, self.desk.now(), self.desk.actor)

    def start_chain(self, sr_id: str) -> CalloutRecord:
        return self.control.start(sr_id, self.desk.now(), self.desk.actor)

    def retry(self, notification_id: int, channel: str | None = None) -> OutboxRecord:
        return self.control.retry(notification_id, self.desk.now(), self.desk.actor, channel)

    def mark_seen(self, sr_id: str) -> None:
        CalloutRepository(self.desk.store).mark_seen(sr_id)

    # -- the request -------------------------------------------------------------------------

    def note(self, sr_id: str, text: str) -> ServiceRequest:
        check(text, "note", multiline=True)
        return self._change(sr_id, lambda sr, at: sr.note(at, self.desk.actor, text, CHANNEL))

    def reassign(self, sr_id: str, unit: str, person: str) -> ServiceRequest:
        owner = Owner(check(unit, "unit"), check(person, "person"))
        return self._change(sr_id, lambda sr, at: sr.assign(at, self.desk.actor, owner, CHANNEL))

    def level_plan(self, sr_id: str) -> LevelPlan:
        """What `raise_level` will do now; raises when the request cannot go up a level."""
        sr = self.requests.get(sr_id)
        levels = list(Level)
        if sr.level is levels[-1]:
            raise IllegalTransition(f"cannot escalate {sr.id}: it is already at {sr.level.value}")
        following = levels[levels.index(sr.level) + 1]
        roster = self.desk.roster
        routing = route(
            roster, sr.category, following, sr.site, sr.product, sr.is_emergency, sr.severity
        )
        owner = Owner(routing.handler or sr.owner.unit, "")
        running = CalloutRepository(self.desk.store).get(sr.id)
        running = running if running is not None and running.running else None
        chain = running.run.chain if running else routing.chain
        if chain is None or chain not in roster.chains:
            return LevelPlan(sr.id, sr.level, following, owner, chain, running is None, ())
        spec = roster.chains[chain]
        step = step_for_unit(roster, spec, owner.unit, sr.site, sr.product)
        aimed = step is not None
        if step is None:  # no step for the unit: the chain pages on as an escalation does
            position = (
                next_position(spec, Position(running.run.position.round, running.run.position.step))
                if running
                else Position(0, 0)
            )
            step = position.step if position is not None else None
        at_end = step is None
        paged: tuple[str, ...] = ()
        if step is not None:
            steps = preview(
                roster, spec, self.desk.now(), sr.site, sr.product, self.desk.overrides()
            )
            paged = tuple(p.display_name for p in steps[step].people)
        return LevelPlan(
            sr.id, sr.level, following, owner, chain, running is None, paged, step, aimed, at_end
        )

    def raise_level(self, plan: LevelPlan) -> ServiceRequest:
        """Up one level, owned by the level's handler, and the call-out pages the step its
        chain aims at that handler (or, when none is, its next step): a running chain moves
        there now, a chain that ended starts again there. The timeline says level from → to,
        owner from → to, and the step paged."""

        def change(sr: ServiceRequest, at: datetime) -> list[Event]:
            events = sr.escalate(at, self.desk.actor, CHANNEL, f"to {plan.owner.unit}")
            if plan.owner != sr.owner:
                events += sr.assign(at, self.desk.actor, plan.owner, CHANNEL)
            return events

        sr = self._change(plan.sr, change)
        if plan.chain is None or plan.step is None or not plan.paged:
            return sr
        at, actor = self.desk.now(), self.desk.actor
        if plan.restart:
            self.control.start(plan.sr, at, actor, plan.chain, step=plan.step)
        elif plan.aimed:
            why = f"{plan.next.value}, step for {plan.owner.unit}"
            self.control.escalate_to(plan.sr, plan.step, at, actor, why, CHANNEL)
        else:
            self.escalate(plan.sr)
        return sr

    def start_work(self, sr_id: str) -> ServiceRequest:
        return self._change(sr_id, lambda sr, at: sr.start(at, self.desk.actor, CHANNEL))

    def restore(self, sr_id: str, text: str) -> ServiceRequest:
        return self._change(sr_id, lambda sr, at: sr.restore(at, self.desk.actor, CHANNEL, text))

    def reopen(self, sr_id: str, reason: str) -> ServiceRequest:
        return self._change(sr_id, lambda sr, at: sr.reopen(at, self.desk.actor, reason, CHANNEL))

    def declare(self, sr_id: str, criteria: tuple[str, ...]) -> ServiceRequest:
        """Emergency criteria found after registration: the Red Flag opens, and the emergency
        chain starts (in place of a calmer chain still running)."""
        sr, roster = self.requests.get(sr_id), self.desk.roster
        extra = (
            frozenset(c.id for c in roster.extra_criteria(sr.product))
            if sr.product in roster.products
            else None
        )
        check_criteria(criteria, extra)
        sr = self._change(sr_id, lambda sr, at: sr.declare(at, self.desk.actor, criteria, CHANNEL))
        running = CalloutRepository(self.desk.store).get(sr_id)
        if running is not None and running.running:
            if running.run.chain == EMERGENCY_CHAIN:
                return sr
            self.control.stop(sr_id, self.desk.now(), self.desk.actor, "declared an emergency")
        if EMERGENCY_CHAIN in self.desk.roster.chains:
            self.control.start(sr_id, self.desk.now(), self.desk.actor, EMERGENCY_CHAIN)
        return sr

    def resolve(self, sr_id: str, text: str) -> ServiceRequest:
        """Resolved: a chain still running has nobody left to find, so it stops first."""
        check(text, "resolution", multiline=True)
        chain = CalloutRepository(self.desk.store).get(sr_id)
        if chain is not None and chain.running:
            self.control.stop(sr_id, self.desk.now(), self.desk.actor, f"resolved: {text}")
        return self._change(sr_id, lambda sr, at: sr.resolve(at, self.desk.actor, CHANNEL, text))

    def callback(self, sr_id: str, outcome: CallbackOutcome, score: int | None) -> ServiceRequest:
        return self._change(
            sr_id,
            lambda sr, at: sr.record_callback(at, self.desk.actor, outcome, score, channel=CHANNEL),
        )

    def close(self, sr_id: str, without_callback: str = "") -> ServiceRequest:
        """Close after a reached callback; or, with the reason none was possible, after the
        unanswered tries the closure rule asks for."""
        return self._change(
            sr_id,
            lambda sr, at: sr.close(
                at, self.desk.actor, CHANNEL, without_callback=without_callback
            ),
        )

    def add_override(self, override: Override) -> Override:
        check(override.reason, "reason")
        return OverrideRepository(self.desk.store).add(override)


def _typed(sr: ServiceRequest) -> ServiceRequest:
    """`sr` as the form gave it, if no typed field holds a control character."""
    for field, value in (
        ("summary", sr.summary),
        ("reporter", sr.reporter.name),
        ("reporter_phone", sr.reporter.phone),
        ("reporter_email", sr.reporter.email),
        ("customer", sr.customer.name),
        ("site", sr.site),
        ("product", sr.product),
        ("owner_unit", sr.owner.unit),
        ("owner_person", sr.owner.person),
    ):
        check(value, field)
    check(sr.description, "description", multiline=True)
    return sr
