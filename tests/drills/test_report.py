"""The drill report from records built with the store's own types: what it advises to fix,
and how the drill list shows the trend."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from dispatcher.domain.drill_report import build_report
from dispatcher.domain.drills import DrillTargets
from dispatcher.domain.outbox import DeliveryState
from dispatcher.domain.roster import ContactKind, ContactMethod, Person
from dispatcher.domain.timeline import Event
from dispatcher.reports.drill import HistoryRow, history_text, report_markdown, trend
from dispatcher.store.callouts import StepLog
from dispatcher.store.outbox import OutboxRecord

T0 = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)
SR = "SR-20261124-0009"
PEOPLE = {
    "li": Person(
        "li", "Li Na", "br", contacts=(ContactMethod(ContactKind.MOBILE, "+12125550100"),)
    ),
    "wu": Person("wu", "Wu Bo", "br", contacts=(ContactMethod(ContactKind.VOICE, "+12125550188"),)),
}


def sent(person, channel, address, state, *, code="", detail="", provider_status="", step=0, id=1):
    return OutboxRecord(
        SR,
        person,
        channel,
        "mobile",
        address,
        "1234",
        "page",
        T0,
        T0,
        state=DeliveryState(state),
        drill=True,
        step=step,
        error_code=code,
        detail=detail,
        provider_status=provider_status,
        id=id,
    )


def report(steps, notifications, events=(), targets=None):
    return build_report(
        SR,
        "core",
        "Core down",
        "emergency",
        targets or DrillTargets(),
        T0,
        "exhausted",
        None,
        2,
        steps,
        notifications,
        events,
        PEOPLE,
        T0 + timedelta(hours=1),
    )


def test_what_to_fix_names_the_number_the_roster_and_the_rotation():
    steps = [
        StepLog(0, 0, T0, ("li", "wu"), ("sms", "voice"), ("case_handler of $branch",)),
        StepLog(0, 1, T0 + timedelta(minutes=10), (), ("sms",), ("tac_engineer of tac",), True),
    ]
    records = [
        sent(
            "li",
            "sms",
            "+12125550100",
            "failed",
            code="21614",
            detail="'To' number is not a valid mobile number",
            id=1,
        ),
        sent("li", "voice", "+12125550100", "delivered", provider_status="answered", id=2),
        sent(
            "wu",
            "voice",
            "+12125550188",
            "failed",
            provider_status="no_answer",
            detail="no answer",
            id=3,
        ),
    ]
    result = report(steps, records)
    assert result.fixes == (
        "round 1, step 1: nobody on call for case_handler of $branch: fill that rotation",
        "round 1, step 2: nobody on call for tac_engineer of tac: fill that rotation",
        "Li Na: +12125550100 cannot take SMS (21614: 'To' number is not a valid mobile number): "
        "make it kind: voice and add a mobile",
        "Li Na was paged but never acknowledged: check they know to reply with the code or press 1",
        "Wu Bo has no mobile number: SMS cannot reach them; add one",
        "Wu Bo was paged but never acknowledged: check they know to reply with the code or press 1",
    )
    # Li answered the call without pressing 1: reached, unlike Wu, whose phone rang out
    assert [p.verdict for p in result.people] == [
        "reached, never acknowledged",
        "not reached: no answer",
    ]
    assert result.reach_rate == 0 and not result.passed
    text = report_markdown(result)
    assert "Nobody on call for tac_engineer of tac." in text
    assert (
        "| Li Na | sms | +12125550100 | failed (21614 'To' number is not a valid mobile number) | never |"
        in text
    )


def test_acknowledgements_are_matched_to_people_by_the_name_the_timeline_gives():
    steps = [StepLog(0, 0, T0, ("li", "wu"), ("sms",))]
    records = [
        sent("li", "sms", "+12125550100", "delivered", id=1),
        sent("wu", "voice", "+12125550188", "delivered", id=2),
    ]
    events = [
        Event(
            SR,
            5,
            T0 + timedelta(minutes=4),
            "engine",
            "acknowledged",
            channel="sms",
            data={"by": "Li Na", "from": "dispatched", "to": "acknowledged"},
        ),
        Event(
            SR,
            6,
            T0 + timedelta(minutes=12),
            "engine",
            "late_acknowledgement",
            channel="voice",
            data={"by": "Wu Bo", "via": "voice"},
        ),
    ]
    result = report(steps, records, events, DrillTargets(timedelta(minutes=5), 1, 1.0))
    assert [(a.person, a.via, a.after) for a in result.acknowledgements] == [
        ("li", "sms", timedelta(minutes=4)),
        ("wu", "voice", timedelta(minutes=12)),
    ]
    assert result.passed and result.reach_rate == 1.0
    assert result.steps[0].first_ack_after == timedelta(minutes=4)


def test_the_drill_list_shows_the_trend():
    steps = [StepLog(0, 0, T0, ("li",), ("sms",))]
    slow = report(
        steps,
        [sent("li", "sms", "+12125550100", "delivered")],
        [Event(SR, 5, T0 + timedelta(minutes=9), "engine", "acknowledged", data={"by": "li"})],
    )
    none = report(steps, [sent("li", "sms", "+12125550100", "delivered")])
    quick = report(
        steps,
        [sent("li", "sms", "+12125550100", "delivered")],
        [Event(SR, 5, T0 + timedelta(minutes=3), "engine", "acknowledged", data={"by": "li"})],
    )
    rows = [HistoryRow(slow), HistoryRow(none), HistoryRow(quick)]
    assert trend(rows) == {
        "reach_rate": {"last": 1.0, "before": 0.5},
        "seconds_to_first_ack": {"last": 180.0, "before": 540.0},
    }
    lines = history_text(rows).splitlines()
    assert lines[-2] == "trend: reach rate 100% (before: 50% on average)"
    assert (
        lines[-1]
        == "trend: first acknowledgement after 3 min 0 s (faster than the 9 min 0 s before, on average)"
    )


def _desk_ack(by: str, after: timedelta) -> Event:
    """What the desk writes when a dispatcher records an acknowledgement taken by phone."""
    return Event(
        SR,
        4,
        T0 + after,
        "wang.fang",
        "acknowledged",
        f"acknowledged by {by}",
        "phone",
        {"by": by, "from": "dispatched", "to": "acknowledged"},
    )


def test_an_acknowledgement_typed_at_the_desk_counts_whatever_form_of_the_name():
    steps = [StepLog(0, 0, T0, ("li", "wu"), ("desk",))]
    records = [
        sent("li", "desk", "+12125550100", "delivered", id=1),
        sent("wu", "desk", "+12125550188", "delivered", id=2),
    ]
    targets = DrillTargets(timedelta(minutes=10), 1, 0.5)
    for typed in ("li na", "Li  Na", "li", "LI"):
        events = [_desk_ack(typed, timedelta(seconds=14))]
        result = build_report(
            SR, "core", "Core down", "emergency", targets, T0, "acknowledged", None, 2,
            steps, records, events, PEOPLE, T0 + timedelta(minutes=1),
        )  # fmt: skip
        assert [(a.person, a.via) for a in result.acknowledgements] == [("li", "phone")]
        assert result.reach_rate == 0.5 and result.passed
        text = report_markdown(result)
        assert "| Li Na | desk | +12125550100 | delivered | by phone after 14 s |" in text
        assert "**PASSED**" in text


def test_not_reached_only_once_the_wait_of_the_step_is_over():
    steps = [StepLog(0, 0, T0, ("li", "wu"), ("desk",))]
    records = [
        sent("li", "desk", "+12125550100", "delivered", id=1),
        sent("wu", "desk", "+12125550188", "queued", id=2),
    ]
    running = build_report(
        SR, "core", "Core down", "emergency", DrillTargets(), T0, "running", None, 2,
        steps, records, [], PEOPLE, T0 + timedelta(minutes=1),
    )  # fmt: skip
    assert [p.verdict for p in running.people] == ["paged, waiting for an answer", "being paged"]
    assert not running.failed  # still running: no verdict yet
    over = report(steps, records, [], DrillTargets(timedelta(minutes=10), 1, 1.0))
    assert over.people[0].verdict == "reached, never acknowledged"  # relayed by phone
    assert over.failed


def test_a_failed_drill_never_says_there_is_nothing_to_fix():
    steps = [StepLog(0, 0, T0, ("li",), ("desk",))]
    records = [sent("li", "desk", "+12125550100", "delivered", id=1)]
    result = report(steps, records, [], DrillTargets(timedelta(minutes=10), 1, 1.0))
    text = report_markdown(result)
    assert "**FAILED**" in text
    assert "nothing found" not in text
    assert "- target missed: first acknowledgement within 10 min (got never)" in text


def _running(now, events=(), targets=None):
    steps = [StepLog(0, 0, T0, ("li", "wu"), ("desk",))]
    records = [
        sent("li", "desk", "+12125550100", "delivered", id=1),
        sent("wu", "desk", "+12125550188", "delivered", id=2),
    ]
    return build_report(
        SR, "core", "Core down", "emergency", targets or DrillTargets(), T0, "running", None, 2,
        steps, records, events, PEOPLE, now,
    )  # fmt: skip


def test_a_running_drill_has_no_verdict_until_a_target_is_decided():
    early = _running(T0 + timedelta(seconds=15))
    assert early.verdict == "in progress" and not early.failed and not early.passed
    assert [(t.name, t.verdict, t.got) for t in early.results] == [
        ("acknowledged_within", "in progress", "not yet"),
        ("acknowledged_by_step", "in progress", "not yet"),
        ("reach_rate", "in progress", "0%"),
    ]
    # what the roster lacks is known now; a miss is not, while the step's wait runs
    assert early.fixes == ("Wu Bo has no mobile number: SMS cannot reach them; add one",)
    assert early.to_dict()["passed"] is None and early.to_dict()["verdict"] == "in progress"
    assert early.to_dict()["targets"][0]["passed"] is None
    text = report_markdown(early)
    assert "**IN PROGRESS**" in text and "FAIL" not in text and "never" not in text
    assert "| first acknowledgement within 10 min | not yet | in progress |" in text
    zh = report_markdown(early, "zh")
    assert "进行中" in zh and "呼叫呼叫中" not in zh and "失败" not in zh
    listed = history_text([HistoryRow(early)])
    assert listed.rstrip().endswith("in progress") and "FAIL" not in listed

    # Its time passed with nobody acknowledging: that target is missed for good, the drill failed.
    late = _running(T0 + timedelta(minutes=10, seconds=1))
    assert late.verdict == "failed" and late.failed
    assert [(t.name, t.verdict) for t in late.results] == [
        ("acknowledged_within", "failed"),
        ("acknowledged_by_step", "in progress"),
        ("reach_rate", "in progress"),
    ]
    assert "**FAILED**" in report_markdown(late)

    # Acknowledged in time while the chain still runs: two targets pass, the reach rate waits.
    acked = _running(T0 + timedelta(minutes=2), [_desk_ack("li", timedelta(seconds=40))])
    assert [(t.name, t.verdict) for t in acked.results] == [
        ("acknowledged_within", "passed"),
        ("acknowledged_by_step", "passed"),
        ("reach_rate", "in progress"),
    ]
    assert acked.verdict == "in progress"


def test_what_a_channel_says_of_its_provider_reads_in_chinese_around_the_providers_words():
    steps = [StepLog(0, 0, T0, ("li",), ("sms",), ())]
    refused = "Twilio refused (400): Unable to create record: invalid 'To'"
    unreachable = "cannot reach Twilio: ClientConnectorError refused"
    records = [
        sent("li", "sms", "+12125550100", "failed", code="21211", detail=refused, id=1),
        sent("li", "voice", "+12125550100", "failed", detail=unreachable, id=2),
    ]
    chinese = report_markdown(report(steps, records), "zh")
    assert "21211 Twilio 拒绝(400):Unable to create record: invalid 'To'" in chinese
    assert "无法连接 Twilio:ClientConnectorError refused" in chinese
    assert "Twilio refused" not in chinese and "cannot reach" not in chinese
    english = report_markdown(report(steps, records), "en")
    assert "failed (21211 Twilio refused (400): Unable to create record" in english


def test_a_skipped_step_is_reported_with_no_channel():
    """A step that paged nobody used no channel: its heading names none (the engine logs
    it with none; a log it named channels for is the old fault's)."""
    steps = [
        StepLog(0, 0, T0, ("li",), ("sms",), ()),
        StepLog(0, 1, T0 + timedelta(minutes=10), (), (), ("tac_engineer of tac",), True),
    ]
    records = [sent("li", "sms", "+12125550100", "delivered", id=1)]
    old = replace(steps[1], channels=("sms", "email"))  # as a log from before said it
    assert report_markdown(report([steps[0], old], records)) == report_markdown(
        report(steps, records)
    )
    for language in ("en", "zh"):
        text = report_markdown(report(steps, records), language)
        first, second = [
            line for line in text.splitlines() if line.startswith("## ") and "UTC" in line
        ]
        assert first.endswith("by sms" if language == "en" else "经 sms"), first
        assert second.endswith("19:10:00 UTC, " + ("timer" if language == "en" else "计时到"))
