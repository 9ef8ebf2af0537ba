"""Paging a step: whom it reaches now, by which contact methods, and the fallback after a
permanent failure. Synchronous store work, each call one commit, used by the engine holder.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from dispatcher.domain import messages
from dispatcher.domain.callout import (
    MANUAL_CHANNEL,
    PersonRoutes,
    ReachedBy,
    Route,
    channels_used,
    first_routes,
    routes_for,
)
from dispatcher.domain.outbox import PAGES, DeliveryState, Purpose, Urgency
from dispatcher.domain.routing import describe_target, preview_step
from dispatcher.domain.timeline import EventKind
from dispatcher.engine.control import ENGINE, CalloutControl
from dispatcher.plugins.contract import Failure
from dispatcher.store.callouts import CalloutRecord, StepLog
from dispatcher.store.outbox import OutboxRecord

# A notification that will not reach its person: failed, or cancelled before it was sent.
GAVE_UP = frozenset({DeliveryState.FAILED, DeliveryState.CANCELLED})


def page_step(control: CalloutControl, sr_id: str, at: datetime) -> CalloutRecord | None:
    """Queue the pages of a run's current step, log the step and put it on the timeline, all
    in one commit. A step that reaches nobody is logged as skipped, with no channel and the
    targets and people nobody was found for, and the run moves on at once; returns the run
    as it then stands (None when there was nothing to page)."""
    store = control.store
    with store.atomic(store.live):
        record = control.callouts.get(sr_id)
        if record is None or not record.needs_paging:
            return None
        sr = control.requests.get(sr_id)
        spec = control.chain(record.run.chain)
        step = spec.steps[record.run.position.step]
        found = preview_step(
            control.roster,
            spec,
            record.run.position.step + 1,
            at,
            sr.site,
            sr.product,
            control.overrides(),
        )
        nobody = [describe_target(t) for t in found.nobody_for]
        label = record.position_label()
        purpose = Purpose.REPAGE if record.how == ReachedBy.REPAGED else Purpose.PAGE
        pages: list[OutboxRecord] = []
        paged: list[str] = []
        codes = control.codes.ack_codes(sr.id, [p.id for p in found.people], at)
        for person in found.people:
            routes = first_routes(person, step.channels, control.reaches)
            if not routes:
                nobody.append(f"{person.id} (no contact method for {', '.join(step.channels)})")
                continue
            paged.append(person.id)
            text = messages.page(sr, person.language, record.position_label(person.language))
            pages += [
                OutboxRecord(
                    sr=sr.id,
                    person=person.id,
                    channel=route.channel,
                    contact_kind=route.contact.kind,
                    address=route.contact.address,
                    ack_code=codes[person.id],
                    purpose=purpose,
                    created=at,
                    due=at,
                    drill=sr.drill,
                    round=record.run.position.round,
                    step=record.run.position.step,
                    run=record.run.started.isoformat(),
                    instance=f".{record.repages}" if record.repages else "",
                    urgency=Urgency.EMERGENCY if sr.is_emergency else Urgency.HIGH,
                    short_text=text.short,
                    long_text=text.long,
                    spoken_text=text.spoken,
                    language=person.language,
                )
                for route in routes
            ]
        # The channels really paged by (the step's, or a fallback), as every view names them:
        # none for a step that pages nobody, never the channels it asked for and did not use.
        channels = list(channels_used(found.people, step.channels, control.reaches))
        log = StepLog(
            record.run.position.round,
            record.run.position.step,
            at,
            tuple(paged),
            tuple(channels),
            tuple(nobody),
            skipped=not paged,
            how=record.how,
        )
        record = replace(record, paged=record.step_key, steps=(*record.steps, log), updated=at)
        if paged:
            control.outbox.enqueue(pages)
            line = f"{label}: paging {', '.join(paged)} by {', '.join(channels)}"
            if nobody:
                line += f"; nobody for {', '.join(nobody)}"
            kind = EventKind.STEP_REACHED
        else:
            line = f"{label} reaches nobody ({', '.join(nobody)}): skipped"
            kind = EventKind.STEP_SKIPPED
        control.requests.change(
            sr.id,
            lambda sr: sr.record(
                at,
                ENGINE,
                kind,
                line,
                "",
                people=paged,
                channels=channels,
                nobody_for=nobody,
                round=log.round + 1,
                step=log.step + 1,
                how=log.how,
            ),
        )
        control.callouts.save(record)
        if not paged:
            record = control.move_on(sr.id, at, ENGINE, ReachedBy.SKIPPED)
    return record


def fallback(control: CalloutControl, failed: OutboxRecord, at: datetime) -> OutboxRecord | None:
    """The person's next route, queued at once, when a page failed: after a permanent failure
    the first route not yet tried in this step (an SMS to a dead number becomes a call); after
    a transient failure of a channel the step did not name (a fallback: the failed one is
    retried meanwhile), the route after it, once (not again when a retry fails), so a
    fallback never holds the person (`callout.FALLBACK_ORDER`). None when none is left, the
    chain has moved on (to another step, or to a re-page of this one), or a step's own
    channel failed for a passing reason (it is retried until the step's wait ends).

    What was tried is the step instance's own (`OutboxRecord.instance`): a re-page falls back
    over the same routes as the first paging did, the one that worked included. The desk's
    relay takes a phone number first (`callout.relay_contacts`), one that failed for good
    in this instance last. A notice has a rule of its own (`_notice_fallback`).
    """
    if failed.purpose == Purpose.NOTICE:
        return _notice_fallback(control, failed, at)
    if failed.purpose not in PAGES:
        return None
    store = control.store
    with store.atomic(store.live):
        record = control.callouts.get(failed.sr)
        if (
            record is None
            or not record.running
            or (record.run.position.round, record.run.position.step) != (failed.round, failed.step)
            or _step_instance(failed.instance) != (f".{record.repages}" if record.repages else "")
        ):
            return None
        person = control.roster.people.get(failed.person)
        if person is None:
            return None
        step = control.chain(record.run.chain).steps[record.run.position.step]
        permanent = failed.failure == Failure.PERMANENT.value
        if not permanent and failed.channel in step.channels:
            return None
        same = [
            r
            for r in control.outbox.for_sr(failed.sr)
            if r.person == failed.person
            and r.purpose in PAGES
            and (r.round, r.step, r.instance) == (failed.round, failed.step, failed.instance)
        ]
        tried = {(r.channel, r.address) for r in same}
        ordered = _dead_relays_last(routes_for(person, step.channels, control.reaches), same)
        if not permanent:  # the route after the failed one, once: its retries go on
            ways = [(r.channel, r.contact.address) for r in ordered]
            way = (failed.channel, failed.address)
            after = ways[ways.index(way) + 1 :] if way in ways else ways
            ordered = [] if tried.intersection(after) else ordered[len(ways) - len(after) :]
        why = "failed permanently" if permanent else "failed and is retried"
        return _first_untried(control, failed, at, ordered, tried, why)


def _dead_relays_last(routes: PersonRoutes, tried: list[OutboxRecord]) -> list[Route]:
    """`routes` in order, but among the desk's relays, one to a phone number that failed for
    good among `tried` after one to any other number (a phone number still before a mail,
    `callout.relay_contacts`): the dispatcher is given a number that may answer."""
    dead = {r.address for r in tried if r.failure == Failure.PERMANENT.value}
    relays = iter(
        sorted(
            (r for r in routes.ordered if r.channel == MANUAL_CHANNEL),
            key=lambda r: (not r.contact.reaches_by_phone, r.contact.address in dead),
        )
    )
    return [next(relays) if r.channel == MANUAL_CHANNEL else r for r in routes.ordered]


def _step_instance(instance: str) -> str:
    """The step instance a page belongs to: its own, or for a page sent again by hand
    (`CalloutControl.retry`: "<instance> again #N") the instance it was sent again from."""
    return instance.split(" again ", 1)[0]


def _notice_fallback(
    control: CalloutControl, failed: OutboxRecord, at: datetime
) -> OutboxRecord | None:
    """A notice (a Red Flag to CSQ, an SLA clock to the owner) whose every way to its person
    has failed for good: the person's next way not tried for it, voice, sms, email, then the
    desk's relay (`callout.FALLBACK_ORDER`), so a dead number never loses a notice. None
    while another way is still trying or has reached them, or when none is left."""
    if failed.state not in GAVE_UP:  # still retried
        return None
    store = control.store
    with store.atomic(store.live):
        person = control.roster.people.get(failed.person)
        if person is None:
            return None
        same = [
            r
            for r in control.outbox.for_sr(failed.sr)
            if (r.purpose, r.topic, r.person) == (failed.purpose, failed.topic, failed.person)
        ]
        if any(r.state not in GAVE_UP for r in same if r.id != failed.id):
            return None
        tried = {(r.channel, r.address) for r in same}
        ordered = _dead_relays_last(routes_for(person, (), control.reaches), same)
        return _first_untried(control, failed, at, ordered, tried, "failed")


def _first_untried(
    control: CalloutControl,
    failed: OutboxRecord,
    at: datetime,
    ordered: list[Route],
    tried: set[tuple[str, str]],
    why: str,
) -> OutboxRecord | None:
    """Queue `failed` again by the first of `ordered` not among `tried` (channel, address);
    its detail says which it stands in for and `why`. None when every route was tried."""
    for route in ordered:
        if (route.channel, route.contact.address) not in tried:
            return control.outbox.again(
                failed,
                at,
                channel=route.channel,
                contact_kind=route.contact.kind,
                address=route.contact.address,
                detail=f"instead of {failed.channel} {failed.address}, which {why}",
            )
    return None
