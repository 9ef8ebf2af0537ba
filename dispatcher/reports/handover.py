"""The shift handover: what the shift did and what the next shift takes over, printable as
Markdown.

Every request touched in the shift (opened, changed or closed, so an emergency opened and
closed within the night is there), the Red Flags opened and closed, open requests by state,
Red Flags open and their age, call-out chains running or exhausted, pages nobody answered,
SLA breaches of the shift (the engine's `sla_breached` events, and the clocks themselves, so
the report is right where no engine ran), the drills run with their reach rate, callbacks
due, the planned work of the next shift and the notes written during the shift. Drill
requests never count as service.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dispatcher.domain import metrics
from dispatcher.domain.callout import RunState
from dispatcher.domain.lifecycle import Status
from dispatcher.domain.localtime import local
from dispatcher.domain.metrics import Table
from dispatcher.domain.oncall import Roster
from dispatcher.domain.planned import PlannedState
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.sla import SlaState
from dispatcher.domain.timeline import Event, EventKind
from dispatcher.errors import DispatcherError
from dispatcher.i18n import N_
from dispatcher.reports import Report, shift
from dispatcher.store import Store
from dispatcher.store.callbacks import callback_queue
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.planned import PlannedRepository
from dispatcher.store.requests import RequestFilter, RequestRepository

SHIFT = timedelta(hours=12)


def shift_bounds(
    at: datetime, start: datetime | None = None, end: datetime | None = None
) -> tuple[datetime, datetime]:
    """The shift being handed over: as given, else the 12 hours up to `at`."""
    end = end or (start + SHIFT if start else at)
    start = start or end - SHIFT
    if end <= start:
        raise DispatcherError("--to must be after --from")
    return start, end


def _time(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def handover_report(
    store: Store, roster: Roster, start: datetime, end: datetime, now: datetime
) -> Report:
    zone = roster.zone  # the period and the times shown are the CSC's local ones
    start, end, now = local(start, zone), local(end, zone), local(now, zone)
    repository = RequestRepository(store)
    open_now = repository.matching(RequestFilter(drill=False))
    # closed ones touched in the shift, however long before it they were received
    recently_closed = [sr for sr in repository.changed_since(start) if not sr.is_open]
    items = [
        metrics.facts(sr, repository.timeline(sr.id), roster, end)
        for sr in open_now + recently_closed
    ]
    repository.release_archives()  # a desk that made a handover must not keep months in memory
    open_items = [f for f in items if f.sr.is_open]
    _, flags_open = metrics.red_flags([(f.sr.id, f.timeline) for f in open_items], start, end)
    next_end = end + (end - start)
    during = shift.touched(items, start, end)
    tables = (
        shift.requests_touched(during, start, end),
        shift.red_flags_of_shift(during, start, end),
        _open_by_state(open_items),
        _open_requests(open_items, end),
        Table(
            "red_flags_open",
            N_("Red Flags open, oldest first"),
            flags_open.columns,
            flags_open.rows,
        ),
        _chains(store, {f.sr.id for f in open_items}, start),
        shift.pages_unanswered(store, roster, during, start, end),
        _breaches(items, start, end),
        shift.drills_run(store, roster, start, end),
        _callbacks_due(store, end),
        _planned(
            store,
            start,
            end,
            "planned_shift",
            N_("Planned work of the shift, and faults during it"),
            [f.sr for f in items],
        ),
        _planned(
            store,
            end,
            next_end,
            "planned_next",
            N_("Planned work in the next shift"),
            [f.sr for f in items],
        ),
        _notes(items, start, end),
    )
    return Report("handover", N_("Shift handover"), start, end, now, tables)


def _open_by_state(items: list[metrics.Facts]) -> Table:
    counts = {status: sum(f.sr.status is status for f in items) for status in Status}
    return Table(
        "open_by_state",
        N_("Open requests by state"),
        ("status", "requests"),
        tuple((s.value, n) for s, n in counts.items() if n),
    )


def _open_requests(items: list[metrics.Facts], end: datetime) -> Table:
    ordered = sorted(items, key=lambda f: (not f.sr.is_emergency, f.sr.received, f.sr.id))
    return Table(
        "open_requests",
        N_("Open requests, emergencies first"),
        ("sr", "status", "severity", "emergency", "age_hours", "owner", "summary"),
        tuple(
            (
                f.sr.id,
                f.sr.status.value,
                f.sr.severity.value,
                "yes" if f.sr.is_emergency else "no",
                metrics.hours(end - f.sr.received),
                " / ".join(filter(None, (f.sr.owner.unit, f.sr.owner.person))),
                f.sr.summary,
            )
            for f in ordered
        ),
    )


def _chains(store: Store, open_ids: set[str], start: datetime) -> Table:
    """Chains still running, and exhausted ones whose request is open or that ran out during
    the shift: nobody acknowledged them, so the next shift must chase by hand."""
    records = [
        r
        for r in CalloutRepository(store).all()
        if not r.run.drill
        and (
            r.run.state is RunState.RUNNING
            or (
                r.run.state is RunState.EXHAUSTED
                and (r.sr in open_ids or (r.updated is not None and r.updated >= start))
            )
        )
    ]
    return Table(
        "chains",
        N_("Call-out chains running or exhausted"),
        ("sr", "chain", "state", "position", "started", "seen"),
        tuple(
            (
                r.sr,
                r.run.chain,
                r.run.state.value,
                r.position_label(),
                _time(r.run.started),
                "yes" if r.seen else "NO",
            )
            for r in records
        ),
    )


def _breaches(items: list[metrics.Facts], start: datetime, end: datetime) -> Table:
    """Deadlines that passed unmet during the shift, from the engine's events and the clocks."""
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for item in items:
        for event in item.timeline:
            if event.kind == EventKind.SLA_BREACHED and start <= event.at < end:
                kind = str(event.data.get("clock", ""))
                found[(item.sr.id, kind)] = (_deadline(event), "engine")
        for clock in item.clocks:
            missed = clock.state in (SlaState.BREACHED, SlaState.MISSED)
            if missed and start <= clock.deadline < end:
                key = (item.sr.id, clock.kind.value)
                source = "engine, clock" if key in found else "clock"
                found[key] = (_time(clock.deadline), source)
    return Table(
        "sla_breaches",
        N_("SLA breaches of the shift"),
        ("sr", "clock", "deadline", "seen_by"),
        tuple((sr, clock, *found[(sr, clock)]) for sr, clock in sorted(found)),
        keys=2,
    )


def _deadline(event: Event) -> str:
    """The deadline an engine's breach event names (the event's time if it names none)."""
    try:
        return _time(datetime.fromisoformat(str(event.data["deadline"])))
    except (KeyError, ValueError):
        return _time(event.at)


def _callbacks_due(store: Store, end: datetime) -> Table:
    return Table(
        "callbacks_due",
        N_("Callbacks (回访) waiting, most overdue first"),
        ("subject", "kind", "due", "overdue", "attempts", "customer", "contact"),
        tuple(
            (
                i.subject,
                i.kind,
                _time(i.due),
                "yes" if i.overdue(end) else "no",
                i.attempts,
                i.customer,
                i.contact,
            )
            for i in callback_queue(store)
        ),
    )


def _planned(
    store: Store,
    start: datetime,
    end: datetime,
    name: str,
    title: str,
    requests: list[ServiceRequest],
) -> Table:
    """Planned work whose window overlaps [start, end), and the faults reported during it."""
    works = [
        w
        for w in PlannedRepository(store).between(start, end)
        if w.state is not PlannedState.CANCELLED
    ]
    return Table(
        name,
        title,
        ("id", "kind", "start", "end", "site", "state", "title", "faults_during"),
        tuple(
            (
                w.id,
                w.kind.value,
                _time(w.start),
                _time(w.end),
                w.site,
                w.state.value,
                w.title,
                " ".join(sr.id for sr in w.linked_faults(requests)),
            )
            for w in works
        ),
    )


def _notes(items: list[metrics.Facts], start: datetime, end: datetime) -> Table:
    notes = sorted(
        (
            (e.at, f.sr.id, e.actor, e.text)
            for f in items
            for e in f.timeline
            if e.kind == EventKind.NOTE and start <= e.at < end
        ),
        key=lambda n: (n[0], n[1]),
    )
    return Table(
        "notes",
        N_("Notes of the shift"),
        ("at", "sr", "by", "note"),
        tuple((_time(at), sr, actor, text) for at, sr, actor, text in notes),
    )
