"""Rotations: handoffs at wall-clock times, across midnight, weeks and daylight-saving changes."""

import itertools
from datetime import date, timedelta

from dispatcher.domain.rotation import Repeat

from .conftest import rotation, utc


def test_a_night_shift_runs_across_midnight():
    r = rotation(slots=["alice", "bob", "carol"])  # 08:00 and 20:00 Shanghai (UTC+8)
    assert r.holders_at(utc(2026, 11, 2, 0, 0)) == ("alice",)  # 08:00 local, shift 0
    assert r.holders_at(utc(2026, 11, 2, 11, 59)) == ("alice",)
    assert r.holders_at(utc(2026, 11, 2, 12, 0)) == ("bob",)  # 20:00 local
    assert r.holders_at(utc(2026, 11, 2, 18, 0)) == ("bob",)  # 02:00 local, next day
    assert r.holders_at(utc(2026, 11, 3, 0, 0)) == ("carol",)
    assert r.holders_at(utc(2026, 11, 3, 12, 0)) == ("alice",)  # the cycle of three starts again


def test_the_pattern_extends_before_its_anchor():
    r = rotation(slots=["alice", "bob", "carol"])
    assert r.holders_at(utc(2026, 11, 1, 23, 59)) == ("carol",)  # shift -1


def test_a_weekly_handoff_holds_through_the_weekend():
    # anchored on a Wednesday: the first handoff is Monday 9 November, 09:00 local
    r = rotation(
        slots=["alice", "bob"],
        handoffs=((5, 9, 0),),
        repeat=Repeat.WEEKLY,
        period=7,
        start=date(2026, 11, 4),
    )
    assert r.holders_at(utc(2026, 11, 9, 1, 0)) == ("alice",)
    assert r.holders_at(utc(2026, 11, 15, 23, 0)) == ("alice",)  # Monday 07:00 local
    assert r.holders_at(utc(2026, 11, 16, 0, 59)) == ("alice",)
    assert r.holders_at(utc(2026, 11, 16, 1, 0)) == ("bob",)
    assert r.holders_at(utc(2026, 11, 9, 0, 59)) == ("bob",)  # the week before the anchor's week


def test_a_cycle_of_days_with_off_slots():
    r = rotation(
        slots=["alice", None, "bob", None],
        handoffs=((0, 8, 0), (1, 8, 0)),
        repeat=Repeat.CYCLE,
        period=2,
    )
    assert r.holders_at(utc(2026, 11, 2, 1, 0)) == ("alice",)
    assert r.holders_at(utc(2026, 11, 3, 1, 0)) == ()
    assert r.holders_at(utc(2026, 11, 4, 1, 0)) == ("bob",)


def test_handoffs_stay_at_local_time_across_daylight_saving():
    r = rotation(slots=["alice", "bob"], handoffs=((0, 8, 0),), zone="America/New_York")
    shifts = list(r.shifts(utc(2027, 3, 12, 0, 0), utc(2027, 3, 16, 0, 0)))
    starts = [s.start for s in shifts]
    assert utc(2027, 3, 13, 13, 0) in starts  # 08:00 EST
    assert utc(2027, 3, 14, 12, 0) in starts  # 08:00 EDT: the spring-forward shift is 23 hours
    lengths = {s.start: s.end - s.start for s in shifts}
    assert lengths[utc(2027, 3, 13, 13, 0)] == timedelta(hours=23)
    autumn = list(r.shifts(utc(2026, 10, 31, 0, 0), utc(2026, 11, 2, 0, 0)))
    assert any(s.end - s.start == timedelta(hours=25) for s in autumn)


def test_a_handoff_in_the_skipped_hour_leaves_no_hole():
    r = rotation(slots=["alice", "bob"], handoffs=((0, 2, 30), (0, 14, 0)), zone="America/New_York")
    shifts = list(r.shifts(utc(2027, 3, 13, 0, 0), utc(2027, 3, 16, 0, 0)))
    assert all(a.end == b.start for a, b in itertools.pairwise(shifts))
    assert all(s.end > s.start for s in shifts)
    # 02:30 does not exist on 14 March; the handoff happens at 03:30 EDT (07:30 UTC)
    assert utc(2027, 3, 14, 7, 30) in [s.start for s in shifts]


def test_shifts_tile_the_window_without_gaps_or_overlaps():
    r = rotation(
        slots=["alice", "bob", "carol"],
        handoffs=((0, 0, 0), (0, 8, 0), (0, 16, 0)),
        zone="Europe/London",
    )
    start, end = utc(2027, 3, 20), utc(2027, 4, 10)
    shifts = list(r.shifts(start, end))
    assert shifts[0].start <= start < shifts[0].end
    assert shifts[-1].start < end <= shifts[-1].end
    assert all(a.end == b.start for a, b in itertools.pairwise(shifts))
