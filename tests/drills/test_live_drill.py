"""A live drill end to end: the engine, the real channels, the loopback Twilio peer and SMTP
server, a fast clock. One person acknowledges by SMS, one by key press, one never answers, one
has a number the carrier rejects; the report names each; the service figures show no trace."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.callout import RunState
from dispatcher.domain.drills import DrillTargets, builtin_scenarios
from dispatcher.domain.outbox import DEFAULT_LIMITS, Limit
from dispatcher.domain.request_parts import Category
from dispatcher.domain.requests import ServiceRequest
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.drills import abort_drill, start_drill
from dispatcher.engine.runtime import Engine, EngineSettings
from dispatcher.plugins.manager import PluginManager
from dispatcher.reports.drill import drill_history, drill_report, history_text, report_markdown
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.store.drills import DrillRepository
from dispatcher.store.requests import RequestFilter, RequestRepository
from dispatcher.testing import free_port

ROSTER = Path(__file__).with_name("drill_night.yaml")
ANN, BEN, CAT, DAN, EVE = (f"+121255501{n:02d}" for n in range(1, 6))


@pytest.fixture
async def desk(
    tmp_path, controllable_clock, twilio_peer, smtp_server, twilio_settings, smtp_settings
):
    """The store, the roster, a control and an engine on the manual clock, the voice channel's
    key-press receiver listening."""
    port = free_port()
    environ = {
        **twilio_settings,
        **smtp_settings,
        "DISPATCHER_VOICE_WEBHOOK_URL": f"http://127.0.0.1:{port}",
        "DISPATCHER_VOICE_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
    }
    store = Store(tmp_path / "data")
    roster = load_roster(ROSTER)
    plugins = PluginManager(environ=environ, store=store).load()
    limits = {**DEFAULT_LIMITS, "channel:sms": Limit(30, timedelta(seconds=1))}
    engine = Engine(
        store, roster, plugins, controllable_clock, settings=EngineSettings(limits=limits)
    )
    yield store, roster, CalloutControl(store, roster), engine
    await engine.aclose()
    store.close()


async def later(engine, clock, minutes: float = 0) -> None:
    await clock.advance(timedelta(minutes=minutes, seconds=3))
    await engine.run_once()


def sms_to(peer, number):
    return [
        m["body"]
        for m in peer.messages.values()
        if m["direction"] == "outbound-api" and m["to"] == number
    ]


def code_of(store, sr_id, person):
    from dispatcher.store.outbox import OutboxRepository

    return next(r.ack_code for r in OutboxRepository(store).for_sr(sr_id) if r.person == person)


async def test_a_live_drill_names_who_was_reached_and_how(
    desk, controllable_clock, twilio_peer, smtp_server, tmp_path
):
    store, roster, control, engine = desk
    clock = controllable_clock
    twilio_peer.reject(DAN)  # the carrier refuses Dan's number: Twilio error 21211
    twilio_peer.script(CAT, "no-answer")  # Cat's phone rings out
    (scenario,) = builtin_scenarios(roster)
    scenario = replace(scenario, targets=DrillTargets(timedelta(minutes=5), 1, 1.0))
    now = clock.now()
    real, _ = RequestRepository(store).register(
        now,
        lambda sr_id: ServiceRequest(
            sr_id, now, Category.CONSULTATION, "Portal slow", site="Shanghai"
        ),
        now,
        "wang.fang",
        "phone",
        zone=ZoneInfo("Asia/Shanghai"),
    )
    drill = start_drill(control, scenario, clock.now(), "wang.fang")
    assert DrillRepository(store).running() == [drill]  # the desk shows DRILL meanwhile
    await engine.run_once()
    await engine.run_once()  # Dan's fallbacks

    # Every message says it is a drill: the SMS, the first spoken sentence, the mail's subject.
    for person, number in (("ann", ANN), ("ben", BEN), ("cat", CAT)):
        (text,) = sms_to(twilio_peer, number)
        assert text.startswith("[DRILL] ") and text.count("DRILL") == 1
        assert text.endswith(f"Reply {code_of(store, drill.sr, person)} to acknowledge")
    calls = {c["to"]: c for c in twilio_peer.calls.values()}
    assert "<Say" in calls[BEN]["_twiml"] and "This is a drill. " in calls[BEN]["_twiml"]
    assert calls[BEN]["_twiml"].index("This is a drill.") < calls[BEN]["_twiml"].index("Press 1")
    (mail,) = [m for m in smtp_server.messages if "ann@example.org" in m["To"]]
    assert mail["Subject"].startswith("[DRILL] ")

    await twilio_peer.settle()
    await later(engine, clock, minutes=1)
    twilio_peer.receive_sms(ANN, f"ACK {code_of(store, drill.sr, 'ann')}")
    await later(engine, clock, minutes=1)
    status, _ = await twilio_peer.press_key(calls[BEN]["sid"], "1")
    assert status == 200
    await later(engine, clock, minutes=1)
    await later(engine, clock, minutes=30)  # the rest of the night: nothing more happens

    assert control.callouts.get(drill.sr).run.state is RunState.ACKNOWLEDGED
    assert DrillRepository(store).running() == []
    report = drill_report(store, roster, drill.sr, clock.now())
    people = {p.person: p for p in report.people}
    assert set(people) == {"ann", "ben", "cat", "dan"}  # step 2 was never needed
    assert people["ann"].verdict == "acknowledged by sms"
    assert people["ben"].verdict == "acknowledged by voice"
    # Cat's phone rang out, but the text was delivered: reached, not "not reached"
    assert people["cat"].verdict == "reached, never acknowledged"
    assert people["dan"].verdict == f"not reached: wrong number {DAN} (carrier rejected it)"
    assert [(a.person, a.via) for a in report.acknowledgements] == [
        ("ann", "sms"),
        ("ben", "voice"),
    ]
    assert report.first_ack_after == timedelta(minutes=2, seconds=6)  # the pass after the reply
    dan_pages = {p.channel: p for p in people["dan"].pages}
    assert dan_pages["sms"].error_code == dan_pages["voice"].error_code == "21211"
    assert report.reach_rate == 0.5
    assert [(t.name, t.passed) for t in report.results] == [
        ("acknowledged_within", True),
        ("acknowledged_by_step", True),
        ("reach_rate", False),
    ]
    assert not report.passed
    assert any(
        f"{DAN} is a wrong number (the carrier rejected it, 21211" in f for f in report.fixes
    )
    assert any(f.startswith("Cat Silent was paged but never acknowledged") for f in report.fixes)
    assert not any(f.startswith("Dan Wrong was paged but never") for f in report.fixes)
    text = report_markdown(report)
    assert "**FAILED**" in text and "| Cat Silent | sms | +12125550103 | delivered |" in text
    assert "Reach rate: 50% (2 of 4 people paged acknowledged)" in text
    assert "Reach rate 50%; first acknowledgement 2 min 6 s after the step began." in text

    # The same drill against gentler targets passes.
    DrillRepository(store).add(
        replace(
            drill, scenario=replace(scenario, targets=DrillTargets(timedelta(minutes=5), 1, 0.5))
        )
    )
    assert drill_report(store, roster, drill.sr, clock.now()).passed

    # No trace in the service: not in sr list's requests, the day's service report or the
    # handover's service tables (the handover lists it among the drills run, apart); no Red
    # Flag, no SLA or CSQ notice.
    assert RequestRepository(store).matching(RequestFilter(include_closed=True)) == [real]
    for kind in ("handover", "daily"):
        shown = CliRunner().invoke(
            cli,
            [
                "report",
                kind,
                "--from",
                "2026-11-24T00:00+00:00",
                "--to",
                "2026-11-25T00:00+00:00",
                "--json",
                "--roster",
                str(ROSTER),
                "--data",
                str(store.data_dir),
            ],
        )
        assert shown.exit_code == 0, shown.output
        tables = json.loads(shown.output)["tables"]
        if kind == "handover":
            assert [r["drill"] for r in tables.pop("drills")["rows"]] == [drill.sr]
        assert drill.sr not in json.dumps(tables) and "Drill Telecom" not in json.dumps(tables)
        if kind == "daily":
            volumes = {
                (r["dimension"], r["value"]): r["requests"] for r in tables["volumes"]["rows"]
            }
            assert volumes[("total", "all")] == 1  # the real request alone
            assert {r["measure"]: r["value"] for r in tables["red_flags"]["rows"]}["opened"] == 0
            assert tables["sla"]["rows"] == []
            assert {r["severity"] for r in tables["times"]["rows"]} == {
                "minor"
            }  # not the drill's critical
        else:
            assert real.id in shown.output
    sr = RequestRepository(store).get(drill.sr)
    assert sr.drill and sr.red_flag is None
    kinds = {e.kind for e in RequestRepository(store).timeline(drill.sr)}
    assert not kinds & {"red_flag_opened", "csq_notified", "sla_near_breach", "sla_breached"}
    listed = CliRunner().invoke(
        cli, ["sr", "list", "--all", "--json", "--data", str(store.data_dir)]
    )
    assert [r["id"] for r in json.loads(listed.output)] == [real.id]
    history = drill_history(store, roster, clock.now())
    assert [row.report.sr for row in history] == [drill.sr]
    assert "50%" in history_text(history)


async def test_an_aborted_drill_tells_everyone_paged_that_it_is_over(
    desk, controllable_clock, twilio_peer, smtp_server
):
    store, roster, control, engine = desk
    clock = controllable_clock
    (scenario,) = builtin_scenarios(roster)
    drill = start_drill(control, scenario, clock.now(), "wang.fang")
    await engine.run_once()
    await twilio_peer.settle()
    await later(engine, clock, minutes=2)
    abort_drill(control, drill.sr, clock.now(), "wang.fang")
    await later(engine, clock)
    for number in (ANN, BEN, CAT, DAN):
        texts = sms_to(twilio_peer, number)
        assert len(texts) == 2 and "The drill is over" in texts[-1]
    await later(engine, clock, minutes=30)
    assert sms_to(twilio_peer, EVE) == []  # step 2 never came
    report = drill_report(store, roster, drill.sr, clock.now())
    assert report.aborted == drill.started + timedelta(minutes=2, seconds=3)
    assert all(p.told_over for p in report.people)
    assert report.state == "stopped" and not report.passed
    assert "(aborted 2026-11-24 03:02:03 UTC)" in report_markdown(report)


async def test_a_real_emergency_during_a_drill_is_paged_first(
    desk, controllable_clock, twilio_peer, twilio_settings
):
    store, roster, control, _ = desk
    clock = controllable_clock
    plugins = PluginManager(environ=twilio_settings, store=store).load()
    engine = Engine(store, roster, plugins, clock)  # a long code's one SMS a second
    (scenario,) = builtin_scenarios(roster)
    start_drill(control, scenario, clock.now(), "wang.fang")
    now = clock.now()
    real, _ = control.register(
        now,
        lambda sr_id: ServiceRequest(
            sr_id,
            now,
            Category.FAULT_SUPPORT,
            "MSC down for real",
            site="Shanghai",
            product="msc",
            criteria=("1",),
        ),
        now,
        "wang.fang",
        "phone",
    )
    await engine.run_once()
    texts = [m["body"] for m in twilio_peer.messages.values() if m["direction"] == "outbound-api"]
    assert texts and all(real.id in t and not t.startswith("[DRILL]") for t in texts)
    for _ in range(8):
        await clock.advance(timedelta(seconds=1))
        await engine.run_once()
    texts = [m["body"] for m in twilio_peer.messages.values() if m["direction"] == "outbound-api"]
    firsts = [t.startswith("[DRILL]") for t in texts]
    assert (
        firsts == sorted(firsts) and firsts.count(True) == 4
    )  # every real text before any drill one
    await engine.aclose()
