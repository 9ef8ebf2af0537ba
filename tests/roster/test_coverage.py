"""24×7 coverage: exact gaps, unreachable people, no-mobile warnings, daylight-saving handoffs."""

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dispatcher.domain.coverage import NO_PHONE, NOBODY, check_coverage
from dispatcher.domain.roster import Role
from dispatcher.domain.rotation import Override
from dispatcher.roster import load_roster

from .conftest import SAMPLE, daily_rotations, person, rotation, small_roster, utc


def test_the_sample_is_reachable_at_every_minute_for_four_weeks():
    report = check_coverage(load_roster(SAMPLE), utc(2026, 11, 24), utc(2026, 12, 22))
    assert report.reachable and report.gaps == () and report.no_mobile == ()
    assert len(report.pairs) == 16


def test_an_off_slot_is_an_exact_gap():
    roster = small_roster(rotation(slots=["alice", None]))
    report = check_coverage(roster, utc(2026, 11, 2, 0), utc(2026, 11, 3, 0))
    assert [(g.start, g.end, g.reason) for g in report.gaps] == [
        (utc(2026, 11, 2, 12), utc(2026, 11, 3, 0), NOBODY)
    ]


def test_someone_on_call_without_a_phone_is_a_gap_and_without_a_mobile_a_warning():
    people = [person("alice", phone=False), person("bob", mobile=False)]
    roster = small_roster(rotation(slots=["alice", "bob"]), people=people)
    report = check_coverage(roster, utc(2026, 11, 2, 0), utc(2026, 11, 3, 0))
    assert [(g.start, g.end, g.reason) for g in report.gaps] == [
        (utc(2026, 11, 2, 0), utc(2026, 11, 2, 12), NO_PHONE)
    ]
    assert [(w.person, w.first_on_call) for w in report.no_mobile] == [
        ("alice", utc(2026, 11, 2, 0)),
        ("bob", utc(2026, 11, 2, 12)),
    ]


def test_an_override_can_close_a_gap():
    roster = small_roster(rotation(slots=["alice", None]))
    fill = Override(
        "o", "carol", utc(2026, 11, 2, 12), utc(2026, 11, 2, 18), unit="br", role=Role.CASE_HANDLER
    )
    report = check_coverage(roster, utc(2026, 11, 2, 0), utc(2026, 11, 3, 0), (fill,))
    assert [(g.start, g.end) for g in report.gaps] == [(utc(2026, 11, 2, 18), utc(2026, 11, 3, 0))]


def test_a_follow_the_sun_handoff_opens_a_gap_when_london_changes_to_summer_time():
    # London covers 08:00-20:00 London time; Shanghai covers 04:00-16:00 Shanghai time, which is
    # 20:00-08:00 in London only while London is on GMT.
    day = rotation("london-day", slots=["alice", None], zone="Europe/London")
    night = rotation("shanghai-night", slots=["bob", None], handoffs=((0, 4, 0), (0, 16, 0)))
    roster = small_roster(day, night)
    winter = check_coverage(roster, utc(2027, 3, 20), utc(2027, 3, 27))
    assert winter.reachable
    spring = check_coverage(roster, utc(2027, 3, 27), utc(2027, 3, 31))
    gaps = [(g.start, g.end, g.dst_zone) for g in spring.gaps]
    assert (utc(2027, 3, 28, 19), utc(2027, 3, 28, 20), "Europe/London") in gaps
    assert all(g.end - g.start == timedelta(hours=1) for g in spring.gaps)


# -- property: the on-call answer and the gap report agree at every minute -------------------

people_pool = [person("alice"), person("bob", phone=False), person("carol", mobile=False)]
slot = st.sampled_from([None, "alice", "bob", "carol", ("bob", "carol")])


@st.composite
def rosters(draw):
    rotations = draw(
        daily_rotations(slot, ["Asia/Shanghai", "Europe/London", "America/New_York"], 2)
    )
    overrides = []
    for index in range(draw(st.integers(0, 3))):
        start = utc(2027, 3, 27) + timedelta(minutes=30 * draw(st.integers(0, 200)))
        length = timedelta(minutes=30 * draw(st.integers(1, 20)))
        who = draw(st.sampled_from(["alice", "bob", "carol"]))
        if draw(st.booleans()):
            overrides.append(
                Override(
                    f"o{index}",
                    who,
                    start,
                    start + length,
                    covers=draw(st.sampled_from(["alice", "bob", "carol"])),
                )
            )
        else:
            overrides.append(
                Override(f"o{index}", who, start, start + length, unit="br", role=Role.CASE_HANDLER)
            )
    return small_roster(*rotations, people=people_pool), tuple(overrides)


@settings(max_examples=60, deadline=None)
@given(rosters(), st.lists(st.integers(0, 4 * 24 * 60 - 1), min_size=1, max_size=40))
def test_every_minute_the_on_call_answer_agrees_with_the_gap_report(case, minutes):
    roster, overrides = case
    start = utc(2027, 3, 26)  # the window spans London's and New York's spring changes
    report = check_coverage(roster, start, start + timedelta(days=4), overrides)
    for minute in minutes:
        at = start + timedelta(minutes=minute)
        on_call = roster.on_call("br", Role.CASE_HANDLER, at, overrides)
        reachable = any(c.reaches_by_phone for p in on_call for c in p.contacts)
        in_gap = any(g.start <= at < g.end for g in report.gaps)
        assert reachable != in_gap, (at, [p.id for p in on_call], report.gaps)
