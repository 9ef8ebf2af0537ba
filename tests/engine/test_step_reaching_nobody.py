"""A step that pages nobody names no channel it did not use: the step's log, its timeline
line, `chain show`, `sr new --dry-run` and `drill run --dry-run` say it reaches nobody and
why, never "by voice, sms". One rule for all (`callout.channels_used`).

The night's roster with the duty manager (step 3 of the emergency chain) left without a
contact method; the engine against the loopback peers on a manual clock at 03:00.
"""

from __future__ import annotations

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine, EngineSettings
from dispatcher.roster import load_roster
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.detail import read_request
from dispatcher.tui.labels import labels

from .conftest import NIGHT_ROSTER, billing_outage

DRILLS = (
    "scenarios:\n"
    "  - id: night\n    name: Billing down at night\n    site: Shanghai\n"
    "    product: ocs-9000\n    customer: Bank of Example\n    criteria: ['7']\n"
)


def roster_without_duty_contacts(tmp_path):
    text = NIGHT_ROSTER.read_text().replace(
        '    contacts:\n      - {kind: mobile, number: "+1 212 555 0106"}\n',
        "    contacts: []\n",
    )
    path = tmp_path / "night.yaml"
    path.write_text(text)
    (tmp_path / "drills.yaml").write_text(DRILLS)
    return path


async def test_a_step_reaching_nobody_is_logged_and_shown_with_no_channel(night, tmp_path):
    path = roster_without_duty_contacts(tmp_path)
    roster = load_roster(path)
    engine = Engine(
        night.store, roster, night.engine.plugins, night.clock, settings=EngineSettings()
    )
    control = CalloutControl(night.store, roster)
    now = night.clock.now()
    sr, _ = control.register(
        now, lambda i: billing_outage(i, now), now, "wang.fang", "phone", chain="emergency"
    )
    await engine.run_once()
    for _ in range(2):  # on to step 3, the duty manager's
        control.escalate(sr.id, night.clock.now(), "wang.fang")
        await engine.run_once()

    third = next(s for s in night.control.callouts.get(sr.id).steps if s.step == 2)
    assert (third.skipped, third.channels, third.people) == (True, (), ())
    assert third.nobody_for == ("lu.duty (no contact method for voice, sms)",)
    (skipped,) = [e for e in control.requests.timeline(sr.id) if e.kind == "step_skipped"]
    assert skipped.data["channels"] == [] and "reaches nobody" in skipped.text
    shown = CliRunner().invoke(cli, ["chain", "show", sr.id, "--data", str(night.store.data_dir)])
    (line,) = [s for s in shown.output.splitlines() if "round 1, step 3" in s]
    assert line.endswith("round 1, step 3 (escalated): NOBODY (skipped)"), shown.output
    desk = DeskContext(night.store, roster, "wang.fang")  # the detail screen's chain
    chain = read_request(desk, sr.id).callout_text(labels("en"), "en", night.clock.now()).plain
    (row,) = [r for r in chain.splitlines() if r.startswith(" 1.3 ")]
    assert "[" not in row and "no contact method" in row, chain
    await engine.aclose()


def test_the_dry_runs_name_no_channel_for_a_step_reaching_nobody(tmp_path, monkeypatch):
    monkeypatch.setenv("DISPATCHER_LANG", "en")
    path = roster_without_duty_contacts(tmp_path)
    data = ["--data", str(tmp_path / "none")]
    at = "2026-11-25T03:00+08:00"
    dry = CliRunner().invoke(
        cli,
        [
            *("sr", "new", "--summary", "x", "--category", "fault_support"),
            *("--site", "Shanghai", "--product", "ocs-9000", "--criterion", "7"),
            *("--roster", str(path), "--received", at, "--dry-run"),
        ],
    )
    assert "step 3: NOBODY: skipped at once, then wait 15 min" in dry.output, dry.output
    drill = CliRunner().invoke(
        cli, ["drill", "run", "night", "--dry-run", "--at", at, "--roster", str(path), *data]
    )
    assert drill.exit_code == 1, drill.output  # a step without a working phone: a problem
    lines = drill.output.splitlines()
    third = lines.index("  step 3, then wait 15 min:")
    assert lines[third + 1 :][:2] == [
        "    Lu Yan: no contact  NO WORKING PHONE",
        "    (this step reaches nobody and is skipped at once)",
    ], drill.output


def test_the_dry_run_says_so_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setenv("DISPATCHER_LANG", "zh")
    path = roster_without_duty_contacts(tmp_path)
    dry = CliRunner().invoke(
        cli,
        [
            *("sr", "new", "--summary", "x", "--category", "fault_support"),
            *("--site", "Shanghai", "--product", "ocs-9000", "--criterion", "7"),
            *("--roster", str(path), "--received", "2026-11-25T03:00+08:00", "--dry-run"),
        ],
    )
    (third,) = [line for line in dry.output.splitlines() if "第 3 步" in line]
    assert third.strip().startswith("第 3 步:") and "然后等待 15 分钟" in third, dry.output
    assert "经" not in third and "skipped" not in third and "wait" not in third


def test_the_desk_names_no_channel_for_a_step_reaching_nobody(tmp_path):
    """The new-request form's preview and the detail screen's chain, as the views above."""
    from datetime import UTC, datetime

    from dispatcher.domain.request_parts import Category, Level
    from dispatcher.store import Store
    from dispatcher.tui.data.preview import RequestDraft, chain_preview

    desk = DeskContext(
        Store(tmp_path / "desk"), load_roster(roster_without_duty_contacts(tmp_path)), "wang.fang"
    )
    draft = RequestDraft(Category.FAULT_SUPPORT, Level.L1, "Shanghai", "ocs-9000", ("7",))
    at = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)  # 03:00 in Shanghai
    lines = chain_preview(desk, draft, at, "en").plain.splitlines()
    (third,) = [line for line in lines if line.startswith("step 3 ")]
    assert third == "step 3 NOBODY: skipped at once wait 15 min", lines
    assert "step 1 [desk] wait 10 min" in lines  # a step that reaches someone names its way
    desk.store.close()
