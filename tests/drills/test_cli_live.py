"""`dispatcher drill run` live, `drill report`, `drill list` and `drill abort` as a user runs
them, with the desk's own channel (it needs no credentials)."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.relay import relay
from dispatcher.roster import parse_roster
from dispatcher.store import Store
from dispatcher.store.drills import DrillRepository
from dispatcher.store.outbox import OutboxRepository
from dispatcher.testing.waiting import wait_for

NO_PROVIDERS = {
    "TWILIO_ACCOUNT_SID": "",
    "TWILIO_AUTH_TOKEN": "",
    "TWILIO_FROM": "",
    "SMTP_HOST": "",
    "DISPATCHER_WEBHOOK_URL": "",
    "DISPATCHER_ROSTER": "",
}
ACTOR = {"DISPATCHER_AS": "alice"}  # who follows and aborts drills: a person of the roster


def drill(tmp_path, roster, *args):
    return CliRunner().invoke(
        cli,
        ["drill", *args, "--roster", str(roster), "--data", str(tmp_path / "data")],
        env={**NO_PROVIDERS, **ACTOR},
    )


@pytest.fixture
def desk_roster(tmp_path, roster_text) -> Path:
    """The drills roster with its chain paged through the desk's own channel."""
    path = tmp_path / "contacts.yaml"
    path.write_text(roster_text.replace("channels: [voice, sms, email]", "channels: [desk]"))
    return path


def test_a_drill_run_here_follows_its_chain_until_acknowledged_and_prints_the_report(
    tmp_path, desk_roster
):
    runner = ThreadPoolExecutor(1).submit(drill, tmp_path, desk_roster, "run", "drill-pl-core")
    with Store(tmp_path / "data") as store:
        control = CalloutControl(store, parse_roster(desk_roster.read_bytes()))
        sr_id = wait_for(
            lambda: [d.sr for d in DrillRepository(store).all() if _paged(store, d.sr)],
            what="the drill's first page on the desk",
        )[0]
        # On the desk is not delivered: the report says so until the dispatcher relays it.
        shown = drill(tmp_path, desk_roster, "report", sr_id).stdout
        assert "| Alice | desk | +12125550100 | on the desk, to relay |" in shown
        (page,) = [p for p in OutboxRepository(store).for_sr(sr_id) if p.person == "alice"]
        relay(control, page.id, datetime.now(UTC), "wang.fang")
        control.acknowledge(sr_id, datetime.now(UTC), "wang.fang", by="Alice", via="desk")
    result = runner.result(timeout=30)
    assert result.exit_code == 0, result.output  # the drill passed its targets
    assert f"DRILL {sr_id} started" in result.stderr
    assert "round 1, step 1: alice by desk" in result.stderr
    assert "**PASSED**" in result.stdout
    assert (
        "| Alice | desk | +12125550100 | delivered (relayed by wang.fang) | by desk after "
        in result.stdout
    )
    report = json.loads(drill(tmp_path, desk_roster, "report", sr_id, "--format", "json").output)
    assert report["state"] == "acknowledged" and report["reach_rate"] == 1.0
    assert [s["label"] for s in report["steps"]] == ["round 1, step 1"]
    listed = json.loads(drill(tmp_path, desk_roster, "list", "--json").output)
    assert [(d["drill"], d["passed"]) for d in listed["drills"]] == [(sr_id, True)]


def _paged(store, sr_id) -> bool:
    store.refresh()
    return any(r.state.value == "sent" for r in OutboxRepository(store).for_sr(sr_id))


def test_a_drill_started_without_waiting_can_be_aborted(tmp_path, desk_roster):
    started = drill(tmp_path, desk_roster, "run", "drill-pl-core", "--no-wait", "--json")
    assert started.exit_code == 0, started.output
    sr_id = json.loads(started.stdout)["sr"]
    running = drill(tmp_path, desk_roster, "report", sr_id)
    assert running.exit_code == 3 and "call-out running." in running.output  # not decided yet
    aborted = drill(tmp_path, desk_roster, "abort", sr_id)
    assert aborted.exit_code == 0, aborted.output
    assert "drill aborted; everyone already paged is told it is over" in aborted.output
    again = drill(tmp_path, desk_roster, "abort", sr_id)
    assert again.exit_code == 2 and "was already aborted" in again.output
    assert drill(tmp_path, desk_roster, "report", sr_id).exit_code == 1
    text = drill(tmp_path, desk_roster, "list")
    assert sr_id in text.output and "aborted" in text.output and "FAIL" in text.output


def test_a_report_of_no_drill_is_one_line_and_exit_2(tmp_path, desk_roster):
    result = drill(tmp_path, desk_roster, "report", "SR-20261124-0001")
    assert result.exit_code == 2
    assert result.output.strip() == "Error: no drill SR-20261124-0001 (drill list shows them)"


def engine_pass(store, roster_path) -> None:
    """One pass of the engine, as a desk holding the lease makes every second."""
    from dispatcher.engine.clock import SystemClock
    from dispatcher.engine.runtime import Engine
    from dispatcher.plugins.manager import PluginManager

    async def tick() -> None:
        plugins = PluginManager(environ=NO_PROVIDERS, store=store).load()
        engine = Engine(store, parse_roster(roster_path.read_bytes()), plugins, SystemClock())
        await engine.tick()
        await engine.aclose()

    asyncio.run(tick())


def test_drill_report_counts_an_acknowledgement_typed_at_the_desk_and_exits_1_on_failure(
    tmp_path, desk_roster
):
    """The desk records who confirmed by phone as the dispatcher typed it; the report counts
    it whatever the form of the name, and a drill over and short of its targets exits 1."""
    started = drill(tmp_path, desk_roster, "run", "drill-pl-core", "--no-wait", "--json")
    first = json.loads(started.stdout)["sr"]
    with Store(tmp_path / "data") as store:
        control = CalloutControl(store, parse_roster(desk_roster.read_bytes()))
        engine_pass(store, desk_roster)  # step 1 paged
        control.acknowledge(first, datetime.now(UTC), "wang.fang", by="ALICE", via="phone")
    passed = drill(tmp_path, desk_roster, "report", first, "--format", "json")
    assert passed.exit_code == 0, passed.output
    report = json.loads(passed.output)
    assert report["reach_rate"] == 1.0 and report["passed"]
    assert [(a["person"], a["via"]) for a in report["acknowledgements"]] == [("alice", "phone")]

    started = drill(tmp_path, desk_roster, "run", "drill-pl-core", "--no-wait", "--json")
    second = json.loads(started.stdout)["sr"]
    with Store(tmp_path / "data") as store:
        control = CalloutControl(store, parse_roster(desk_roster.read_bytes()))
        engine_pass(store, desk_roster)
        control.escalate(second, datetime.now(UTC), "wang.fang")  # step 2: Bob, by hand
        engine_pass(store, desk_roster)
        control.acknowledge(second, datetime.now(UTC), "wang.fang", by="bob", via="phone")
    failed = drill(tmp_path, desk_roster, "report", second)
    assert failed.exit_code == 1, failed.output
    assert "**FAILED**" in failed.output and "call-out acknowledged" in failed.output
    assert "nothing found" not in failed.output


SAMPLE = Path(__file__).parents[2] / "contacts.yaml"


def test_a_drill_still_running_is_in_progress_never_failed(tmp_path):
    """The sample roster's drill, paged by the engine, read back before anyone could answer:
    every target "in progress" in both languages, the report's JSON and `drill list`; exit 3."""
    started = drill(tmp_path, SAMPLE, "run", "drill-pl-core", "--no-wait", "--json")
    assert started.exit_code == 0, started.output
    sr_id = json.loads(started.stdout)["sr"]
    with Store(tmp_path / "data") as store:
        engine_pass(store, SAMPLE)  # step 1 paged
        assert OutboxRepository(store).for_sr(sr_id)
    report = drill(tmp_path, SAMPLE, "report", sr_id)
    assert report.exit_code == 3, report.output
    assert "call-out running." in report.output and "**IN PROGRESS**" in report.output
    assert "FAIL" not in report.output and "| never |" not in report.output
    assert "| first acknowledgement within 10 min | not yet | in progress |" in report.output
    as_json = json.loads(drill(tmp_path, SAMPLE, "report", sr_id, "--json").output)
    assert as_json["verdict"] == "in progress" and as_json["passed"] is None
    assert {t["verdict"] for t in as_json["targets"]} == {"in progress"}
    zh = drill(tmp_path, SAMPLE, "report", sr_id, "--lang", "zh")
    assert zh.exit_code == 3 and "呼叫状态:呼叫中" in zh.output and "呼叫呼叫中" not in zh.output
    assert "进行中" in zh.output and "失败" not in zh.output and "FAIL" not in zh.output
    listed = drill(tmp_path, SAMPLE, "list")
    (row,) = [line for line in listed.output.splitlines() if line.startswith(sr_id)]
    assert row.rstrip().endswith("in progress") and "FAIL" not in row
    assert (
        json.loads(drill(tmp_path, SAMPLE, "list", "--json").output)["drills"][0]["verdict"]
        == "in progress"
    )
