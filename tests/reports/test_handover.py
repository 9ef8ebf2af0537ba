"""The shift handover over a night with every kind of thing to hand over."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.lifecycle import CallbackOutcome
from dispatcher.domain.planned import PlannedKind, PlannedService
from dispatcher.domain.request_parts import Category, Customer, Reporter, Severity
from dispatcher.domain.requests import ServiceRequest
from dispatcher.engine.control import CalloutControl
from dispatcher.reports.handover import handover_report, shift_bounds
from dispatcher.reports.render import render
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.store.planned import PlannedRepository
from dispatcher.store.requests import RequestRepository

SAMPLE_ROSTER = Path(__file__).resolve().parents[2] / "contacts.yaml"

START = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
END = START + timedelta(hours=12)


def night(data_dir):
    """E1 (emergency, chain running), E2 (emergency, chain exhausted, the engine saw its
    response breach), F1 (an older fault with a note of the shift), R1 (resolved: waiting for
    its callback), D (a drill emergency: nowhere), and two cutovers, one in the next shift."""
    store = Store(data_dir)
    roster = load_roster(SAMPLE_ROSTER)
    control = CalloutControl(store, roster, overrides=())
    requests = RequestRepository(store)

    def emergency(received, summary, drill=False):
        sr, _ = control.register(
            received,
            lambda sr_id: ServiceRequest(
                sr_id,
                received,
                Category.FAULT_SUPPORT,
                summary,
                severity=Severity.CRITICAL,
                site="Shanghai",
                product="msc-9000",
                criteria=("1",),
                drill=drill,
            ),
            received,
            "desk",
            "phone",
        )
        return sr.id

    e1 = emergency(START + timedelta(hours=1), "MSC down in Pudong")
    e2 = emergency(START + timedelta(hours=2), "IMS registrations lost")
    emergency(START + timedelta(hours=3), "drill: core down", drill=True)
    for minutes in range(1, 10):
        control.escalate(e2, START + timedelta(hours=2, minutes=minutes), "desk")
    requests.change(
        e2,
        lambda sr: sr.record(
            START + timedelta(hours=2, minutes=15),
            "engine",
            "sla_breached",
            clock="response",
            deadline=(START + timedelta(hours=2, minutes=15)).isoformat(),
        ),
    )
    f1, _ = requests.register(
        START - timedelta(hours=5),
        lambda sr_id: ServiceRequest(
            sr_id,
            START - timedelta(hours=5),
            Category.FAULT_SUPPORT,
            "ONT flapping",
            site="Beijing",
            product="olt-5000",
        ),
        START - timedelta(hours=5),
        "desk",
        "phone",
        zone=ZoneInfo("Asia/Shanghai"),
    )
    requests.change(
        f1.id,
        lambda sr: sr.note(START + timedelta(hours=3), "wang.fang", "waiting for a spare board"),
    )
    r1, _ = requests.register(
        START + timedelta(hours=4),
        lambda sr_id: ServiceRequest(
            sr_id,
            START + timedelta(hours=4),
            Category.CONSULTATION,
            "backup question",
            customer=Customer("China Example"),
            reporter=Reporter("Ma Li", "+12125550100"),
        ),
        START + timedelta(hours=4),
        "desk",
        "phone",
        zone=ZoneInfo("Asia/Shanghai"),
    )
    requests.change(r1.id, lambda sr: sr.resolve(START + timedelta(hours=5), "desk"))
    older = START - timedelta(days=2)
    c1, _ = requests.register(
        older,
        lambda sr_id: ServiceRequest(sr_id, older, Category.CONSULTATION, "licence question"),
        older,
        "desk",
        "phone",
        zone=ZoneInfo("Asia/Shanghai"),
    )
    requests.change(c1.id, lambda sr: sr.resolve(START - timedelta(days=1), "desk"))
    requests.change(
        c1.id, lambda sr: sr.note(START + timedelta(hours=6), "li.na", "customer confirmed by mail")
    )
    requests.change(
        c1.id,
        lambda sr: sr.record_callback(
            START + timedelta(hours=6), "li.na", CallbackOutcome.REACHED, 5
        ),
    )
    requests.change(c1.id, lambda sr: sr.close(START + timedelta(hours=6), "li.na"))
    planned = PlannedRepository(store)
    for start, title in (
        (END + timedelta(hours=2), "MSC cutover"),
        (END + timedelta(days=2), "later upgrade"),
        (START + timedelta(minutes=30), "core patch tonight"),
    ):
        planned.add(
            start,
            lambda pid, s=start, t=title: PlannedService(
                pid, PlannedKind.CUTOVER, t, s, s + timedelta(hours=4), "Shanghai"
            ),
            ZoneInfo("Asia/Shanghai"),
        )
    return store, roster, (e1, e2, f1.id, r1.id, c1.id)


def test_the_handover_lists_what_the_next_shift_takes_over(tmp_path):
    store, roster, (e1, e2, f1, r1, c1) = night(tmp_path / "data")
    report = json.loads(render(handover_report(store, roster, START, END, END), "json"))
    tables = {name: table["rows"] for name, table in report["tables"].items()}
    assert tables["open_by_state"] == [
        {"status": "new", "requests": 1},
        {"status": "dispatched", "requests": 2},
        {"status": "resolved", "requests": 1},
    ]
    assert [(r["sr"], r["emergency"], r["age_hours"]) for r in tables["open_requests"]] == [
        (e1, "yes", 11.0),
        (e2, "yes", 10.0),
        (f1, "no", 17.0),
        (r1, "no", 8.0),
    ]
    assert tables["red_flags_open"] == [
        {"sr": e1, "opened": "2026-11-24T21:00:00+00:00", "age_hours": 11.0},
        {"sr": e2, "opened": "2026-11-24T22:00:00+00:00", "age_hours": 10.0},
    ]
    assert [(r["sr"], r["state"], r["position"], r["seen"]) for r in tables["chains"]] == [
        (e1, "running", "round 1, step 1", "yes"),
        (e2, "exhausted", "round 3, step 3", "NO"),
    ]
    # critical core SLA: respond in 15 min, restore in 4 h; both deadlines fell in the shift
    assert tables["sla_breaches"] == [
        {"sr": e1, "clock": "response", "deadline": "2026-11-24T21:15+00:00", "seen_by": "clock"},
        {"sr": e1, "clock": "restore", "deadline": "2026-11-25T01:00+00:00", "seen_by": "clock"},
        {
            "sr": e2,
            "clock": "response",
            "deadline": "2026-11-24T22:15+00:00",
            "seen_by": "engine, clock",
        },
        {"sr": e2, "clock": "restore", "deadline": "2026-11-25T02:00+00:00", "seen_by": "clock"},
    ]
    assert tables["callbacks_due"] == [
        {
            "subject": r1,
            "kind": "request",
            "due": "2026-11-26T01:00+00:00",
            "overdue": "no",
            "attempts": 0,
            "customer": "China Example",
            "contact": "Ma Li +12125550100",
        }
    ]
    assert [(r["title"], r["start"]) for r in tables["planned_next"]] == [
        ("MSC cutover", "2026-11-25T10:00+00:00")
    ]
    # tonight's work in Shanghai, 20:30 to 00:30: both emergencies there fell in its window
    assert [(r["title"], r["faults_during"]) for r in tables["planned_shift"]] == [
        ("core patch tonight", f"{e1} {e2}")
    ]
    assert tables["notes"] == [
        {
            "at": "2026-11-24T23:00+00:00",
            "sr": f1,
            "by": "wang.fang",
            "note": "waiting for a spare board",
        },
        # received two days before the shift, closed during it: its note is the shift's
        {
            "at": "2026-11-25T02:00+00:00",
            "sr": c1,
            "by": "li.na",
            "note": "customer confirmed by mail",
        },
    ]
    assert "drill: core down" not in json.dumps(report)  # a drill's request is no service
    assert [(r["sr"], r["status_now"]) for r in tables["requests_touched"]] == [
        (e1, "dispatched"),
        (e2, "dispatched"),
        (c1, "closed"),
        (f1, "new"),
        (r1, "resolved"),
    ]
    assert [(r["sr"], r["now"]) for r in tables["red_flags_shift"]] == [(e1, "open"), (e2, "open")]
    store.close()


def test_an_emergency_opened_and_closed_in_the_shift_and_a_drill_are_handed_over(tmp_path):
    """Promise 2: the night's emergency, its Red Flag opened and closed, and the drill run with
    its reach rate are in the handover, though nothing of them is open any more."""
    from dispatcher.domain.drills import builtin_scenarios
    from dispatcher.engine.drills import start_drill

    data = tmp_path / "data"
    store = Store(data)
    roster = load_roster(SAMPLE_ROSTER)
    control = CalloutControl(store, roster, overrides=())
    requests = RequestRepository(store)
    at = START + timedelta(hours=1)
    sr, _ = control.register(
        at,
        lambda sr_id: ServiceRequest(
            sr_id, at, Category.FAULT_SUPPORT, "Billing lost province-wide",
            severity=Severity.CRITICAL, site="Shanghai", product="msc-9000", criteria=("7",),
        ),
        at, "desk", "phone",
    )  # fmt: skip
    control.acknowledge(sr.id, at + timedelta(minutes=3), "desk", by="Li Wei", via="phone")
    requests.change(sr.id, lambda r: r.resolve(at + timedelta(hours=2), "desk", "desk", "fixed"))
    requests.change(
        sr.id,
        lambda r: r.record_callback(at + timedelta(hours=3), "desk", CallbackOutcome.REACHED, 4),
    )
    requests.change(sr.id, lambda r: r.close(at + timedelta(hours=3), "desk"))
    scenario = builtin_scenarios(roster)[0]
    drill = start_drill(control, scenario, START + timedelta(hours=5), "desk")
    report = json.loads(render(handover_report(store, roster, START, END, END), "json"))
    tables = {name: table["rows"] for name, table in report["tables"].items()}
    assert [(r["sr"], r["emergency"], r["status_now"]) for r in tables["requests_touched"]] == [
        (sr.id, "yes", "closed")
    ]
    assert "opened" in tables["requests_touched"][0]["during_the_shift"]
    assert "closed" in tables["requests_touched"][0]["during_the_shift"]
    assert tables["red_flags_shift"] == [
        {
            "sr": sr.id,
            "opened": "2026-11-24T21:00+00:00",
            "closed": "2026-11-24T23:00+00:00",
            "now": "closed",
            "summary": "Billing lost province-wide",
        }
    ]
    assert [(r["drill"], r["state"], r["reach_rate"]) for r in tables["drills"]] == [
        (drill.sr, "running", "-")
    ]
    store.close()
    result = CliRunner().invoke(
        cli,
        ["report", "handover", "--data", str(data), "--roster", str(SAMPLE_ROSTER),
         "--from", START.isoformat(), "--to", END.isoformat()],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sr.id in result.output and "Red Flags opened or closed in the shift" in result.output
    assert drill.sr in result.output


def test_the_handover_prints_as_markdown_from_the_command_line(tmp_path):
    store, _, (e1, *_) = night(tmp_path / "data")
    store.close()
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "handover",
            "--from",
            START.isoformat(),
            "--to",
            END.isoformat(),
            "--roster",
            str(SAMPLE_ROSTER),
            "--data",
            str(tmp_path / "data"),
        ],
    )
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("# Shift handover\n")
    for heading in (
        "Open requests by state",
        "Red Flags open, oldest first",
        "Call-out chains running or exhausted",
        "SLA breaches of the shift",
        "Callbacks (回访) waiting, most overdue first",
        "Planned work of the shift, and faults during it",
        "Planned work in the next shift",
        "Notes of the shift",
    ):
        assert f"\n## {heading}\n" in text
    assert f"| {e1} | fault_support" not in text  # rows carry the state, not the category
    assert f"| {e1} | dispatched | critical | yes | 11.0 |" in text


def test_the_shift_defaults_to_the_last_twelve_hours():
    assert shift_bounds(END) == (START, END)
    assert shift_bounds(END, start=START) == (START, END)


def test_a_request_received_weeks_before_the_shift_and_closed_in_it_is_handed_over(tmp_path):
    """The handover is built from every request touched in the shift, whatever its age: an
    emergency received 40 days before (in another archive month) and closed tonight is there
    with its Red Flag; one closed the week before is not."""
    store = Store(tmp_path / "data")
    roster = load_roster(SAMPLE_ROSTER)
    requests = RequestRepository(store)

    def emergency(received: datetime, summary: str) -> str:
        sr, _ = requests.register(
            received,
            lambda sr_id: ServiceRequest(
                sr_id, received, Category.FAULT_SUPPORT, summary, severity=Severity.CRITICAL,
                site="Shanghai", product="msc-9000", criteria=("1",),
            ),
            received, "desk", "phone", zone=ZoneInfo("Asia/Shanghai"),
        )  # fmt: skip
        return sr.id

    def close(sr_id: str, at: datetime) -> None:
        requests.change(sr_id, lambda r: r.resolve(at - timedelta(hours=2), "desk", "desk", "ok"))
        requests.change(sr_id, lambda r: r.record_callback(at, "desk", CallbackOutcome.REACHED, 5))
        requests.change(sr_id, lambda r: r.close(at, "desk"))

    old = emergency(START - timedelta(days=40), "Transit exchange alarms since October")
    earlier = emergency(START - timedelta(days=20), "Closed last week")
    close(earlier, START - timedelta(days=7))
    close(old, START + timedelta(hours=3))
    assert old.startswith("SR-202610") and requests.get(old).status.value == "closed"
    store.close()

    store = Store(tmp_path / "data")  # as the next desk or command opens it
    report = json.loads(render(handover_report(store, roster, START, END, END), "json"))
    tables = {name: table["rows"] for name, table in report["tables"].items()}
    assert [(r["sr"], r["status_now"]) for r in tables["requests_touched"]] == [(old, "closed")]
    assert "closed" in tables["requests_touched"][0]["during_the_shift"]
    assert [(r["sr"], r["closed"], r["now"]) for r in tables["red_flags_shift"]] == [
        (old, "2026-11-24T21:00+00:00", "closed")  # the Red Flag closes on resolution
    ]
    assert [sr.id for sr in RequestRepository(store).changed_since(START)] == [old]
    store.close()
