"""Local time at the CSC: the one way every "local" date is taken.

A local date (the day in an SR id, an audit's or a planned service's id, a report's day and its
midnights, an archive month, a shift) is a date in the CSC's zone: the `zone` of the roster's
unit of kind csc (`Roster.zone`), or the zone the store recorded from it
(`dispatcher.store.zone`). It is never the zone of the machine the desk runs on, so two desks
on machines in different zones number one night's requests the same.

    zone = roster.zone                      # ZoneInfo("Asia/Shanghai")
    local(at, zone)                         # the moment as the CSC's clocks show it
    local_day(at, zone)                     # date(2026, 11, 25) for 2026-11-24T18:30Z
    midnight(local_day(at, zone), zone)     # 2026-11-25T00:00+08:00
    wall_time(datetime(2026, 11, 25, 2, 30), zone)  # a time typed without an offset
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

# How far ahead of this machine's clock a time from elsewhere (another desk, a phone system, a
# file) may be and still count as "now": clocks that are set by hand differ by minutes. A later
# time (a request received tomorrow, an event in 2099) is refused.
CLOCK_SKEW = timedelta(minutes=5)


def local(at: datetime, zone: tzinfo) -> datetime:
    """`at` (timezone-aware) as the CSC's wall clock shows it. Raises ValueError for a naive
    datetime: a moment without an offset cannot be placed (read it with `wall_time`)."""
    if at.tzinfo is None:
        raise ValueError(f"{at.isoformat()} has no UTC offset; read it with wall_time()")
    return at.astimezone(zone)


def local_day(at: datetime, zone: tzinfo) -> date:
    """The CSC's calendar date at the moment `at`."""
    return local(at, zone).date()


def midnight(day: date, zone: tzinfo) -> datetime:
    """The moment the CSC's `day` begins (00:00 local, aware)."""
    return datetime.combine(day, time(), zone)


def wall_time(at: datetime, zone: tzinfo) -> datetime:
    """A time given without an offset read as the CSC's wall clock; one with an offset as is."""
    return at if at.tzinfo is not None else at.replace(tzinfo=zone)
