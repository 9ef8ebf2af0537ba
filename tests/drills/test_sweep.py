"""The dry run and the week's sweep: who each step would call, and every hour with a hole."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dispatcher.domain.drills import NO_WORKING_PHONE, NOBODY, dry_run, sweep
from dispatcher.domain.roster import Role
from dispatcher.domain.rotation import Override

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


def local(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=SHANGHAI)


def scenario_of(roster):
    from dispatcher.domain.drills import builtin_scenarios

    (scenario,) = builtin_scenarios(roster)
    return scenario


def test_the_sweep_names_exactly_the_three_hours_of_the_sunday_night_gap(roster):
    holes = sweep(roster, scenario_of(roster), MONDAY, 7 * 24)
    assert [(h.step, h.problem) for h in holes] == [(1, NOBODY)]
    assert holes[0].hours == [local(29, 22), local(29, 23), local(30, 0)]
    assert holes[0].detail == "nobody on call for case_handler of $branch"


def test_a_hole_shorter_than_an_hour_still_marks_its_hour(roster):
    start = local(25, 3) + timedelta(minutes=20)
    email_only = Override("o", "carol", start, start + timedelta(minutes=20), covers="alice")
    holes = sweep(roster, scenario_of(roster), MONDAY, 7 * 24, overrides=(email_only,))
    assert [(h.step, h.problem, h.hours) for h in holes] == [
        (1, NO_WORKING_PHONE, [local(25, 3)]),
        (1, NOBODY, [local(29, 22), local(29, 23), local(30, 0)]),
    ]


def test_an_override_that_fills_an_hour_of_the_gap_shortens_it(roster):
    cover = Override("o", "bob", local(29, 22), local(29, 23), unit="br-sh", role=Role.CASE_HANDLER)
    (hole,) = sweep(roster, scenario_of(roster), MONDAY, 7 * 24, overrides=(cover,))
    assert hole.hours == [local(29, 23), local(30, 0)]


def test_people_with_no_working_phone_are_a_hole(roster):
    only_email = Override("o", "carol", local(24, 2), local(24, 4), covers="bob")
    holes = sweep(roster, scenario_of(roster), MONDAY, 7 * 24, overrides=(only_email,))
    assert next((h.step, h.problem, h.hours) for h in holes) == (
        2,
        NO_WORKING_PHONE,
        [local(24, 2), local(24, 3)],
    )
    assert holes[0].detail == "no working phone: carol"


def test_a_number_the_carrier_refused_is_no_working_phone(roster):
    holes = sweep(roster, scenario_of(roster), MONDAY, 24, dead=frozenset({"+14155550101"}))
    assert [(h.step, h.problem, len(h.hours)) for h in holes] == [(2, NO_WORKING_PHONE, 24)]


def test_the_dry_run_lists_each_steps_people_and_flags_the_gap(roster):
    at_gap = dry_run(roster, scenario_of(roster), local(29, 23))
    assert [c.problem for c in at_gap] == [NOBODY, None]
    assert [p.id for p in at_gap[1].preview.people] == ["bob"]
    by_day = dry_run(roster, scenario_of(roster), local(24, 12))
    assert [[p.id for p in c.preview.people] for c in by_day] == [["alice"], ["bob"]]


def test_a_number_is_dead_while_its_last_outcome_is_a_carrier_refusal():
    from dispatcher.domain.drills import dead_numbers
    from dispatcher.domain.outbox import DeliveryState
    from dispatcher.store.outbox import OutboxRecord

    def sent(address, state, record_id, code="", failure=""):
        return OutboxRecord(
            "SR-20261124-0001",
            "p",
            "sms",
            "mobile",
            address,
            "1",
            "page",
            MONDAY,
            MONDAY,
            state=DeliveryState(state),
            failure=failure,
            error_code=code,
            id=record_id,
        )

    records = [
        sent("+1", "failed", 1, "21211", "permanent"),  # refused: dead
        sent("+2", "failed", 2, "21211", "permanent"),
        sent("+2", "delivered", 3),  # fixed since
        sent("+3", "failed", 4, "", "permanent"),  # the channel was not set up here
        sent("+4", "failed", 5, "30003", "transient"),  # phone off for a while
        sent("+5", "delivered", 6),
        sent("+5", "failed", 7, "21614", "permanent"),  # no SMS
        sent("+6", "delivered", 8),
        sent("+6", "failed", 9, "13224", "permanent"),
    ]
    assert dead_numbers(records) == {"+1", "+6"}


def test_a_roster_without_an_emergency_chain_has_no_built_in_scenario(roster_text):
    from dispatcher.domain.drills import builtin_scenarios
    from dispatcher.roster import parse_roster

    calm = parse_roster(roster_text.replace("id: emergency", "id: fault").encode())
    assert builtin_scenarios(calm) == []
