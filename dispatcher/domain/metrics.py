"""The process measures, computed from requests and their timelines.

Everything here is pure: callers load the requests (drills already left out), the roster and
the complaint and planned-service records, and get back `Table`s that the reports render as
Markdown, CSV or JSON and the desk draws as charts. Percentiles use the nearest-rank method:
the p-th percentile of n sorted values is the value at rank ceil(p/100 × n), so the median is
the lower middle value of an even count, and every figure is a value that was measured.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dispatcher.domain.complaints import Complaint
from dispatcher.domain.oncall import Roster
from dispatcher.domain.planned import PlannedService
from dispatcher.domain.request_parts import Level, Severity
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.roster import UnitKind
from dispatcher.domain.sla import SlaClock, SlaKind, SlaState, sla_clocks, stopped_at
from dispatcher.domain.timeline import Event, EventKind
from dispatcher.i18n import N_

UNKNOWN = "(unknown)"
NONE = "(none)"
MEASURES = {SlaKind.RESPONSE: "acknowledge", SlaKind.RESTORE: "restore", SlaKind.RESOLVE: "resolve"}
UNIT_KINDS = ("branch", "br", "bd", "tac")  # BR: the overseas sites' regional units
# The timeline events the measures read; a report may leave every other kind out.
MEASURED_EVENTS = frozenset(
    {
        EventKind.ACKNOWLEDGED,
        EventKind.RESTORED,
        EventKind.RESOLVED,
        EventKind.REOPENED,
        EventKind.CALLBACK,
        EventKind.CLOSED,
        EventKind.ESCALATED,
        EventKind.RED_FLAG_OPENED,
        EventKind.RED_FLAG_CLOSED,
    }
)


@dataclass(frozen=True)
class Table:
    """One section of a report: named columns, rows of values; the first `keys` columns name
    a row (they are what a CSV line is keyed by)."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    keys: int = 1

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=False)) for row in self.rows]


def nearest_rank(values: Iterable[float], percent: float) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def minutes(delta: timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 1)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


@dataclass(frozen=True)
class Facts:
    """What the reports need of one request, worked out once."""

    sr: ServiceRequest
    timeline: tuple[Event, ...]
    product_line: str
    branch: str
    units: tuple[tuple[str, str], ...]  # (kind, unit id) of every unit that served it
    times: dict[SlaKind, timedelta | None]
    clocks: tuple[SlaClock, ...]  # empty when its product line sets no target for its severity

    @property
    def scores(self) -> list[int]:
        return [
            e.data["score"]
            for e in self.timeline
            if e.kind == EventKind.CALLBACK and isinstance(e.data.get("score"), int)
        ]

    def decided(self) -> list[SlaClock]:
        return [
            c for c in self.clocks if c.state in (SlaState.MET, SlaState.MISSED, SlaState.BREACHED)
        ]

    def resolved_at(self) -> datetime | None:
        return stopped_at(SlaKind.RESOLVE, self.sr, self.timeline)


def facts(sr: ServiceRequest, timeline: list[Event], roster: Roster, now: datetime) -> Facts:
    product = roster.products.get(sr.product)
    line = roster.product_lines.get(product.product_line) if product else None
    site_unit = roster.branch_for_site(sr.site) if sr.site else None
    units: list[tuple[str, str]] = []
    if site_unit is not None:
        units.append(("branch" if site_unit.kind is UnitKind.BRANCH else "br", site_unit.id))
    if line is not None:
        units.append(("bd", line.bd))
    tac = next((u.id for u in roster.units_of(UnitKind.TAC)), None)
    reached_l2 = sr.level is not Level.L1 or any(e.kind == EventKind.ESCALATED for e in timeline)
    if tac is not None and reached_l2:
        units.append(("tac", tac))
    target = roster.sla_for(sr.product, sr.severity)
    times = {
        kind: (stop - sr.received if (stop := stopped_at(kind, sr, timeline)) else None)
        for kind in SlaKind
    }
    clocks = tuple(sla_clocks(sr, timeline, target, now)) if target else ()
    return Facts(
        sr,
        tuple(timeline),
        line.id if line else UNKNOWN,
        site_unit.id if site_unit else NONE,
        tuple(units),
        times,
        clocks,
    )


# -- the tables -----------------------------------------------------------------------------


def volumes(items: list[Facts]) -> Table:
    rows: list[tuple[Any, ...]] = [("total", "all", len(items))]
    dimensions: tuple[tuple[str, Callable[[Facts], str]], ...] = (
        ("category", lambda f: f.sr.category.value),
        ("channel", lambda f: f.sr.intake.value),
        ("product_line", lambda f: f.product_line),
        ("branch", lambda f: f.branch),
    )
    for dimension, value_of in dimensions:
        counts: dict[str, int] = {}
        for item in items:
            counts[value_of(item)] = counts.get(value_of(item), 0) + 1
        rows += [(dimension, value, counts[value]) for value in sorted(counts)]
    return Table(
        "volumes",
        N_("Requests by category, channel, product line and branch"),
        ("dimension", "value", "requests"),
        tuple(rows),
        keys=2,
    )


def _severities(items: list[Facts]) -> list[Severity]:
    present = {f.sr.severity for f in items}
    return [s for s in Severity if s in present]


def times(items: list[Facts]) -> Table:
    rows = []
    for severity in _severities(items):
        group = [f for f in items if f.sr.severity is severity]
        for kind, measure in MEASURES.items():
            values = [minutes(t) for f in group if (t := f.times[kind]) is not None]
            rows.append(
                (
                    severity.value,
                    measure,
                    len(values),
                    nearest_rank(values, 50),
                    nearest_rank(values, 90),
                )
            )
    return Table(
        "times",
        N_("Time to acknowledge, restore and resolve by severity (minutes)"),
        ("severity", "measure", "requests", "median_minutes", "p90_minutes"),
        tuple(rows),
        keys=2,
    )


def sla_compliance(items: list[Facts]) -> Table:
    groups: dict[tuple[str, Severity], list[Facts]] = {}
    for item in items:
        if item.clocks:
            groups.setdefault((item.product_line, item.sr.severity), []).append(item)
    order = list(Severity)
    rows = []
    for line, severity in sorted(groups, key=lambda k: (k[0], order.index(k[1]))):
        for kind in SlaKind:
            clocks = [c for f in groups[(line, severity)] for c in f.decided() if c.kind is kind]
            met = sum(c.state is SlaState.MET for c in clocks)
            rows.append(
                (line, severity.value, kind.value, len(clocks), met, percent(met, len(clocks)))
            )
    return Table(
        "sla",
        N_("SLA compliance by product line and severity"),
        ("product_line", "severity", "clock", "decided", "met", "compliance_pct"),
        tuple(rows),
        keys=3,
    )


def _closed(item: Facts) -> Event | None:
    closes = [e for e in item.timeline if e.kind == EventKind.CLOSED]
    return closes[-1] if closes and not item.sr.is_open else None


def _reopened_after_callback(item: Facts) -> int:
    """Reopenings that followed a callback with no other measured event between."""
    pairs = zip(item.timeline, item.timeline[1:], strict=False)
    return sum(
        first.kind == EventKind.CALLBACK and second.kind == EventKind.REOPENED
        for first, second in pairs
    )


def callbacks(items: list[Facts], cutovers: list[PlannedService]) -> Table:
    """Callbacks before closure and satisfaction; `cutovers` are the period's completed
    cutovers, whose satisfaction calls are counted apart."""
    closed = [e for f in items if (e := _closed(f)) is not None]
    without = sum(bool(e.data.get("without_callback")) for e in closed)
    attempts = [e for f in items for e in f.timeline if e.kind == EventKind.CALLBACK]
    scores = [s for f in items for s in f.scores]
    cutover_scores = [a.score for c in cutovers for a in c.callbacks if a.score is not None]
    rows = (
        ("closed", len(closed)),
        ("closed_after_callback", len(closed) - without),
        ("closed_without_callback", without),
        ("callback_before_closure_pct", percent(len(closed) - without, len(closed))),
        ("waiting_for_callback", sum(f.sr.status.value == "resolved" for f in items)),
        ("callback_attempts", len(attempts)),
        ("reached", sum(e.data.get("outcome") == "reached" for e in attempts)),
        ("scored", len(scores)),
        ("mean_score", mean(scores)),
        ("dissatisfied", sum(s <= 2 for s in scores)),
        ("reopened_after_callback", sum(_reopened_after_callback(f) for f in items)),
        ("cutovers_completed", len(cutovers)),
        (
            "cutovers_called_back",
            sum(any(a.outcome.value == "reached" for a in c.callbacks) for c in cutovers),
        ),
        ("cutover_mean_score", mean(cutover_scores)),
    )
    return Table(
        "callbacks",
        N_("Callbacks (回访) before closure and satisfaction"),
        ("measure", "value"),
        rows,
    )


def complaints(items: list[Facts], records: dict[str, Complaint], now: datetime) -> Table:
    """Complaint figures; `records` maps SR id to its complaint record."""
    found = [(f, records[f.sr.id]) for f in items if f.sr.id in records]
    repeats = [c for _, c in found if c.is_repeat]
    resolved_in_time = sum(
        1 for f, c in found if (at := f.resolved_at()) is not None and at <= c.resolve_by
    )
    rows = (
        ("complaints", len(found)),
        ("repeat_complaints", len(repeats)),
        ("customers_with_repeats", len({c.key for c in repeats})),
        ("responded_on_time", sum(c.responded_on_time() for _, c in found)),
        (
            "responded_late",
            sum(c.responded_at is not None and not c.responded_on_time() for _, c in found),
        ),
        ("response_overdue", sum(c.responded_at is None and now > c.respond_by for _, c in found)),
        ("resolved_on_time", resolved_in_time),
    )
    return Table("complaints", N_("Complaints (投诉) and repeats"), ("measure", "value"), rows)


def _flag_opened_at_end(timeline: Iterable[Event], end: datetime) -> datetime | None:
    """When the Red Flag still open at `end` was raised; None if none was open then."""
    opened = None
    for event in timeline:
        if event.at > end:
            continue
        if event.kind == EventKind.RED_FLAG_OPENED:
            opened = event.at
        elif event.kind == EventKind.RED_FLAG_CLOSED:
            opened = None
    return opened


def red_flags(
    timelines: Sequence[tuple[str, Sequence[Event]]], start: datetime, end: datetime
) -> tuple[Table, Table]:
    """Red Flags opened and closed in [start, end), open at its end and their age then, from
    (SR id, timeline) pairs: a report's older open requests count only here, so none of their
    other facts are worked out."""

    def count(kind: EventKind) -> int:
        return sum(
            1
            for _, timeline in timelines
            for e in timeline
            if e.kind == kind and start <= e.at < end
        )

    still_open = sorted(
        (
            (sr_id, at)
            for sr_id, timeline in timelines
            if (at := _flag_opened_at_end(timeline, end)) is not None
        ),
        key=lambda pair: (pair[1], pair[0]),
    )
    ages = [hours(end - at) for _, at in still_open]
    summary = Table(
        "red_flags",
        N_("Red Flags"),
        ("measure", "value"),
        (
            ("opened", count(EventKind.RED_FLAG_OPENED)),
            ("closed", count(EventKind.RED_FLAG_CLOSED)),
            ("open_at_end", len(still_open)),
            ("median_age_hours", nearest_rank(ages, 50)),
            ("oldest_age_hours", max(ages) if ages else None),
        ),
    )
    listing = Table(
        "red_flags_open",
        N_("Red Flags open at the end, oldest first"),
        ("sr", "opened", "age_hours"),
        tuple(
            (sr_id, at.isoformat(), age) for (sr_id, at), age in zip(still_open, ages, strict=False)
        ),
    )
    return summary, listing


def units(items: list[Facts], records: dict[str, Complaint]) -> Table:
    """Service figures per unit that served the requests: branch, BR, BD, TAC."""
    served: dict[tuple[str, str], list[Facts]] = {}
    for item in items:
        for key in item.units:
            served.setdefault(key, []).append(item)
    rows = []
    for kind, unit in sorted(served, key=lambda k: (UNIT_KINDS.index(k[0]), k[1])):
        group = served[(kind, unit)]
        restore = [minutes(t) for f in group if (t := f.times[SlaKind.RESTORE]) is not None]
        resolve = [minutes(t) for f in group if (t := f.times[SlaKind.RESOLVE]) is not None]
        decided = [c for f in group for c in f.decided()]
        rows.append(
            (
                kind,
                unit,
                len(group),
                len(resolve),
                nearest_rank(restore, 50),
                nearest_rank(resolve, 50),
                percent(sum(c.state is SlaState.MET for c in decided), len(decided)),
                mean([s for f in group for s in f.scores]),
                sum(f.sr.id in records for f in group),
            )
        )
    return Table(
        "units",
        N_("Service of each unit (branch, BR, BD, TAC)"),
        (
            "kind",
            "unit",
            "requests",
            "resolved",
            "restore_median_minutes",
            "resolve_median_minutes",
            "sla_compliance_pct",
            "mean_score",
            "complaints",
        ),
        tuple(rows),
        keys=2,
    )
