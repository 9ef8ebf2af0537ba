"""`sr new` starts the chain, `chain` moves it, `sr ack` ends it, `outbox` lists what went out."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dispatcher.cli import cli

ROSTER = Path(__file__).parents[1] / "engine" / "night.yaml"
EMERGENCY = [
    "sr",
    "new",
    "--summary",
    "Billing records lost",
    "--category",
    "fault_support",
    "--customer",
    "Bank of Example",
    "--vip",
    "bank",
    "--site",
    "Shanghai",
    "--product",
    "ocs-9000",
    "--criterion",
    "7",
    "--roster",
    str(ROSTER),
]


def run(data: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--data", str(data)], catch_exceptions=False)


def test_a_chain_from_registration_to_acknowledgement(tmp_path):
    registered = run(tmp_path, *EMERGENCY)
    assert registered.exit_code == 0
    sr_id = registered.stdout.strip()
    assert "the emergency chain started" in registered.stderr
    assert "no engine runs on this data directory" in registered.stderr

    shown = run(tmp_path, "chain", "show", sr_id, "--json")
    assert json.loads(shown.stdout)["state"] == "running"

    moved = run(tmp_path, "chain", "next", sr_id, "--roster", str(ROSTER), "--as", "wang.fang")
    assert moved.exit_code == 0 and "at round 1, step 2" in moved.stdout

    acked = run(
        tmp_path, "sr", "ack", sr_id, "--by", "Ji Hua", "--as", "Chen Jie", "--roster", str(ROSTER)
    )
    assert acked.exit_code == 0
    assert (
        f"{sr_id} acknowledged by Ji Hua; its emergency chain stopped at round 1, step 2"
        in acked.stdout
    )
    assert (
        json.loads(run(tmp_path, "chain", "show", sr_id, "--json").stdout)["state"]
        == "acknowledged"
    )

    again = run(tmp_path, "chain", "next", sr_id, "--roster", str(ROSTER))
    assert again.exit_code == 2
    assert f"the chain of {sr_id} is acknowledged, not running" in again.stderr


def test_chain_commands_explain_what_they_cannot_do(tmp_path):
    sr_id = run(tmp_path, *EMERGENCY).stdout.strip()
    no_reason = run(tmp_path, "chain", "stop", sr_id, "--roster", str(ROSTER), "--reason", " ")
    assert no_reason.exit_code == 2 and "--reason: must not be empty" in no_reason.stderr
    unknown = run(tmp_path, "chain", "show", "SR-20261124-0999")
    assert unknown.exit_code == 2 and unknown.stderr == "Error: no request SR-20261124-0999\n"
    missing = run(tmp_path, "outbox", "retry", "7")
    assert missing.exit_code == 2 and "no notification 7 in the outbox" in missing.stderr


def test_the_outbox_is_empty_until_an_engine_pages(tmp_path):
    run(tmp_path, *EMERGENCY)
    listed = run(tmp_path, "outbox")
    assert listed.exit_code == 0 and "no notifications" in listed.stderr
    assert json.loads(run(tmp_path, "outbox", "--json").stdout) == []
