"""The daily, weekly and monthly service reports: the measures the process names.

A report covers the requests received in [start, end) (drills never count), as their records
stand when it is made; Red Flags also count every older request still open. Periods are in
the CSC's local time (the roster's csc zone, never the machine's): without dates, a daily
report is yesterday, a weekly one last week (Monday to Monday), a monthly one last month.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dispatcher.domain import metrics
from dispatcher.domain.localtime import local, local_day, midnight, wall_time
from dispatcher.domain.oncall import Roster
from dispatcher.domain.planned import PlannedKind, PlannedState
from dispatcher.domain.timeline import Event
from dispatcher.errors import DispatcherError
from dispatcher.i18n import N_
from dispatcher.reports import Report
from dispatcher.store import Store
from dispatcher.store.codec import decoding_in_bulk
from dispatcher.store.complaints import ComplaintRepository
from dispatcher.store.history import received_between
from dispatcher.store.planned import PlannedRepository

KINDS = ("daily", "weekly", "monthly")
TITLES = {
    "daily": N_("Daily service report"),
    "weekly": N_("Weekly service report"),
    "monthly": N_("Monthly service report"),
    "shift": N_("Service report: this shift"),
    "today": N_("Service report: today so far"),
}


def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    return moment.replace(year=moment.year + month // 12, month=month % 12 + 1)


def _after(kind: str, start: datetime) -> datetime:
    if kind == "monthly":
        return _add_months(start, 1)
    return start + timedelta(days=1 if kind == "daily" else 7)


def period_bounds(
    kind: str,
    at: datetime,
    zone: ZoneInfo,
    start: datetime | None = None,
    end: datetime | None = None,
) -> tuple[datetime, datetime]:
    """The period a report covers: as given, or the last whole one before `at`, from and to
    the CSC's local midnights (`zone`: the roster's CSC zone). A time given without an
    offset is the CSC's wall clock."""
    if start is None and end is None:
        today = local_day(at, zone)
        if kind == "daily":
            return midnight(today - timedelta(days=1), zone), midnight(today, zone)
        if kind == "weekly":
            monday = today - timedelta(days=today.weekday())
            return midnight(monday - timedelta(days=7), zone), midnight(monday, zone)
        first = today.replace(day=1)
        return midnight((first - timedelta(days=1)).replace(day=1), zone), midnight(first, zone)
    start = wall_time(start, zone) if start else None
    end = wall_time(end, zone) if end else None
    if start is None:
        assert end is not None
        start = end - (_after(kind, end) - end)
    end = end or _after(kind, start)
    if end <= start:
        raise DispatcherError("--to must be after --from")
    return start, end


def service_report(
    store: Store,
    roster: Roster,
    kind: str,
    start: datetime,
    end: datetime,
    now: datetime,
    holds: Callable[[str], bool] | None = None,
) -> Report:
    """The report of `kind` over [start, end) as the records stand at `now`; `holds` may
    spare reading archive months (see `received_between`)."""
    zone = roster.zone
    start, end, now = local(start, zone), local(end, zone), local(now, zone)
    # Thousands of requests, events and facts are built, none in a cycle: the collector's
    # passes over them would cost a third of the report (see `decoding_in_bulk`).
    with decoding_in_bulk():
        received, older_open = received_between(
            store, start, end, metrics.MEASURED_EVENTS, zone, holds
        )
        items = [metrics.facts(sr, timeline, roster, now) for sr, timeline in received]
    # Older open requests count only for their Red Flags: one without a Red Flag has no
    # red_flag_opened event, so the store gives only those (10,000 open cost 3 s otherwise).
    flag_timelines: list[tuple[str, Sequence[Event]]] = [(f.sr.id, f.timeline) for f in items]
    flag_timelines += [(sr.id, timeline) for sr, timeline in older_open]
    complaints = {c.sr: c for c in ComplaintRepository(store).all()}
    cutovers = [
        p
        for p in PlannedRepository(store).all()
        if p.kind is PlannedKind.CUTOVER
        and p.state is PlannedState.COMPLETED
        and p.completed is not None
        and start <= p.completed < end
    ]
    flags, flags_open = metrics.red_flags(flag_timelines, start, end)
    tables = (
        metrics.volumes(items),
        metrics.times(items),
        metrics.sla_compliance(items),
        metrics.callbacks(items, cutovers),
        metrics.complaints(items, complaints, now),
        flags,
        flags_open,
        metrics.units(items, complaints),
    )
    return Report(kind, TITLES[kind], start, end, now, tables)
