"""Stretches of time described the way a person reads them: "every day 00:00–08:00
Asia/Shanghai, from 2026-12-01", not 365 lines of UTC instants.

Intervals are grouped by their wall-clock times in one zone, then each group is cut into runs
that repeat every day or every week; a run that touches an edge of the horizon leaves that
edge unsaid. A daylight-saving change moves UTC intervals but not the wall clock, so a rotation's
daily hole stays one run all year; a hole that exists only in summer is its own run, with dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY = timedelta(days=1)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Run:
    """Intervals with the same wall-clock times, `every` days apart (0: a single one)."""

    intervals: tuple[tuple[datetime, datetime], ...]
    zone: str
    every: int  # 1 daily, 7 weekly, 0 once
    open_start: bool  # the run reaches back to the horizon's start
    open_end: bool  # the run reaches to the horizon's end

    def describe(self) -> str:
        zone = ZoneInfo(self.zone)
        first, last = self.intervals[0], self.intervals[-1]
        start, end = first[0].astimezone(zone), first[1].astimezone(zone)
        if self.every == 0:
            if end - start >= DAY or (end.date() != start.date() and end.time() != time()):
                return f"from {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} {self.zone}"
            return f"on {start:%Y-%m-%d} {_clock(start, end)} {self.zone}"
        head = "every day" if self.every == 1 else f"every {WEEKDAY_NAMES[start.weekday()]}"
        text = f"{head} {_clock(start, end)} {self.zone}"
        since: date = start.date()
        until: date = last[0].astimezone(zone).date()
        if not self.open_start:
            text += f", from {since.isoformat()}"
        if not self.open_end:
            text += f"{',' if self.open_start else ''} to {until.isoformat()}"
        return text


def _clock(start: datetime, end: datetime) -> str:
    finish = "24:00" if end.time() == time() and end.date() > start.date() else f"{end:%H:%M}"
    return f"{start:%H:%M}–{finish}"


def runs(
    intervals: list[tuple[datetime, datetime]], zone: str, start: datetime, end: datetime
) -> list[Run]:
    """`intervals` (sorted, disjoint, inside [start, end)) grouped into runs, in time order."""
    tz = ZoneInfo(zone)
    groups: dict[tuple[time, time, int, bool], list[tuple[datetime, datetime]]] = {}
    for interval in intervals:
        a, b = interval[0].astimezone(tz), interval[1].astimezone(tz)
        groups.setdefault((a.time(), b.time(), (b.date() - a.date()).days, b - a < DAY), []).append(
            interval
        )
    found: list[Run] = []
    for (_, _, _, short), members in groups.items():
        found += _split(members, tz, zone, start, end) if short else _singles(members, zone)
    return sorted(found, key=lambda r: r.intervals[0][0])


def _singles(members: list[tuple[datetime, datetime]], zone: str) -> list[Run]:
    return [Run((m,), zone, 0, False, False) for m in members]


def _split(
    members: list[tuple[datetime, datetime]],
    tz: ZoneInfo,
    zone: str,
    start: datetime,
    end: datetime,
) -> list[Run]:
    found: list[Run] = []
    current = [members[0]]
    every = 0
    for interval in members[1:]:
        gap = (interval[0].astimezone(tz).date() - current[-1][0].astimezone(tz).date()).days
        if gap in (1, 7) and every in (0, gap):
            current.append(interval)
            every = gap
            continue
        found.append(_run(current, every, zone, start, end))
        current, every = [interval], 0
    found.append(_run(current, every, zone, start, end))
    return found


def _run(
    members: list[tuple[datetime, datetime]], every: int, zone: str, start: datetime, end: datetime
) -> Run:
    if every == 0:
        return Run(tuple(members), zone, 0, False, False)
    step = timedelta(days=every)
    open_start = members[0][0] - step < start
    open_end = members[-1][1] + step > end
    return Run(tuple(members), zone, every, open_start, open_end)


def changing_zones(run: Run, zones: Iterable[str]) -> list[str]:
    """The zones whose UTC offset changes where a repeating run starts or stops inside the
    horizon: the daylight-saving changes that open or close it."""
    if run.every == 0:
        return []
    edges = [] if run.open_start else [run.intervals[0][0]]
    edges += [] if run.open_end else [run.intervals[-1][1]]
    near = timedelta(days=run.every + 1)
    return [
        zone
        for zone in sorted(set(zones))
        if any(
            (edge - near).astimezone(ZoneInfo(zone)).utcoffset()
            != (edge + near).astimezone(ZoneInfo(zone)).utcoffset()
            for edge in edges
        )
    ]
