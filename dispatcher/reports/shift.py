"""What happened during a shift, for the handover: every request touched (opened, changed or
closed), the Red Flags opened and closed, the pages nobody answered and the drills run.

A request counts as touched when its timeline has an event inside the shift, whatever its
state now: an emergency opened and closed within the night is in the handover with its Red
Flag. Drill requests never count as service; each drill run appears once, with its reach
rate and verdict from the drill report (`dispatcher.reports.drill`).
"""

from __future__ import annotations

from datetime import datetime

from dispatcher.domain import metrics
from dispatcher.domain.callout import RunState
from dispatcher.domain.metrics import Table
from dispatcher.domain.oncall import Roster
from dispatcher.domain.outbox import PAGES, shown_state
from dispatcher.domain.timeline import EventKind
from dispatcher.i18n import N_
from dispatcher.reports.drill import drill_report
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.drills import DrillRepository
from dispatcher.store.outbox import OutboxRepository


def _time(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat(timespec="minutes")


def _in(moment: datetime, start: datetime, end: datetime) -> bool:
    return start <= moment < end


def touched(items: list[metrics.Facts], start: datetime, end: datetime) -> list[metrics.Facts]:
    """The requests with a timeline event inside [start, end), emergencies first."""
    found = [f for f in items if any(_in(e.at, start, end) for e in f.timeline)]
    return sorted(found, key=lambda f: (not f.sr.is_emergency, f.sr.received, f.sr.id))


def requests_touched(items: list[metrics.Facts], start: datetime, end: datetime) -> Table:
    """Each request touched: its state now and what the shift did to it (opened, the states
    it moved through, closed)."""
    rows = []
    for item in items:
        moves = []
        for event in item.timeline:
            if not _in(event.at, start, end):
                continue
            if event.kind == EventKind.REGISTERED:
                moves.append("opened")
            elif event.kind == EventKind.CLOSED:
                moves.append("closed")
            elif "to" in event.data and "from" in event.data:
                moves.append(f"{event.kind} {event.data['from']}→{event.data['to']}")
        rows.append(
            (
                item.sr.id,
                "yes" if item.sr.is_emergency else "no",
                item.sr.status.value,
                "; ".join(dict.fromkeys(moves)) or "updated",
                item.sr.summary,
            )
        )
    return Table(
        "requests_touched",
        N_("Requests touched in the shift (opened, changed or closed), emergencies first"),
        ("sr", "emergency", "status_now", "during_the_shift", "summary"),
        tuple(rows),
    )


def red_flags_of_shift(items: list[metrics.Facts], start: datetime, end: datetime) -> Table:
    """Red Flags opened or closed during the shift, each with both times."""
    rows = []
    for item in items:
        flag = item.sr.red_flag
        if flag is None:
            continue
        opened = [e.at for e in item.timeline if e.kind == EventKind.RED_FLAG_OPENED]
        closed = [e.at for e in item.timeline if e.kind == EventKind.RED_FLAG_CLOSED]
        if not any(_in(at, start, end) for at in opened + closed):
            continue
        rows.append(
            (
                item.sr.id,
                _time(opened[-1] if opened else flag.opened),
                _time(flag.closed),
                "open" if flag.is_open else "closed",
                item.sr.summary,
            )
        )
    return Table(
        "red_flags_shift",
        N_("Red Flags opened or closed in the shift"),
        ("sr", "opened", "closed", "now", "summary"),
        tuple(rows),
    )


def pages_unanswered(
    store: Store, roster: Roster, items: list[metrics.Facts], start: datetime, end: datetime
) -> Table:
    """Pages of the shift that no acknowledgement answered: their chain is still calling,
    ran out or was stopped, or the page itself failed."""
    callouts = CalloutRepository(store)
    outbox = OutboxRepository(store)
    rows = []
    for item in items:
        chain = callouts.get(item.sr.id)
        answered = chain is not None and chain.run.state is RunState.ACKNOWLEDGED
        for page in outbox.for_sr(item.sr.id):
            if page.purpose not in PAGES or not _in(page.created, start, end):
                continue
            if answered and page.state.value != "failed":
                continue
            person = roster.people.get(page.person)
            rows.append(
                (
                    item.sr.id,
                    _time(page.created),
                    person.display_name if person else page.person,
                    page.channel,
                    # a page on the desk reached nobody until relayed: never "sent"
                    shown_state(page) + (f" ({page.error_code})" if page.error_code else ""),
                    chain.run.state.value if chain else "",
                )
            )
    return Table(
        "pages_unanswered",
        N_("Pages nobody answered"),
        ("sr", "at", "person", "channel", "page", "chain"),
        tuple(rows),
    )


def drills_run(store: Store, roster: Roster, start: datetime, end: datetime) -> Table:
    """Every drill started in the shift, with the figures of its drill report."""
    rows = []
    for drill in DrillRepository(store).all():
        if not _in(drill.started, start, end):
            continue
        report = drill_report(store, roster, drill.sr, end)
        state = "aborted" if report.aborted else report.state
        rows.append(
            (
                report.sr,
                report.scenario_name,
                _time(report.started),
                state,
                "-" if report.reach_rate is None else f"{report.reach_rate:.0%}",
                f"{sum(p.acknowledged_at is not None for p in report.people)} of "
                f"{len(report.people)}",
                {"passed": "passed", "failed": "FAILED"}.get(report.verdict, "running"),
            )
        )
    return Table(
        "drills",
        N_("Drills run in the shift"),
        ("drill", "scenario", "started", "state", "reach_rate", "acknowledged", "result"),
        tuple(rows),
    )
