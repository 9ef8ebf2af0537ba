"""`dispatcher roster ...` as a user runs it: exit codes, JSON, overrides, calendars."""

import json
from pathlib import Path

from click.testing import CliRunner

from dispatcher.cli import cli

from .conftest import SAMPLE


def run(*args: str):
    return CliRunner().invoke(cli, ["roster", *args])


def test_check_of_the_sample_exits_0(tmp_path: Path):
    result = run("check", str(SAMPLE), "--from", "2026-11-24", "--data", str(tmp_path / "d"))
    assert result.exit_code == 0, result.output
    assert "reachable at every minute" in result.output


def test_check_with_a_gap_exits_1_and_reports_it_in_json(tmp_path: Path, base_text: str):
    roster = tmp_path / "gappy.yaml"
    roster.write_text(
        base_text.replace(
            "    people: [alice, bob]\n  - id: net-overall",
            "    people: [alice, null]\n  - id: net-overall",
        )
    )
    result = run(
        "check",
        str(roster),
        "--from",
        "2026-11-24",
        "--days",
        "2",
        "--json",
        "--data",
        str(tmp_path / "d"),
    )
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["proven"] is False and report["coverage"]["reachable"] is False
    assert {(g["unit"], g["from"]) for g in report["coverage"]["gaps"]} >= {
        ("br-sh", "2026-11-24T12:00:00+00:00")
    }


def test_several_problems_are_each_printed_then_exit_2(tmp_path: Path, base_text: str):
    roster = tmp_path / "bad.yaml"
    roster.write_text(
        base_text.replace("kind: branch", "kind: office").replace("{person: alice}", "{person: x}")
    )
    result = run("check", str(roster), "--data", str(tmp_path / "d"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{roster}:") and "units[1].kind" in lines[0]
    assert "chains[0].steps[0].targets[1].person" in lines[1]
    assert lines[-1] == f"Error: {roster}: 2 problems; the roster cannot be used"


def test_oncall_and_an_override_that_changes_it(tmp_path: Path):
    data = ["--roster", str(SAMPLE), "--data", str(tmp_path / "d")]
    at = ["--at", "2026-11-24T13:00+00:00", "--unit", "br-shanghai", "--role", "case_handler"]
    before = json.loads(run("oncall", *at, "--json", *data).output)["on_call"][0]
    assert [p["id"] for p in before["people"]] == ["sh-li-na"]
    assert before["until"] == "2026-11-25T00:00:00+00:00"

    added = run(
        "override",
        "add",
        "--person",
        "sh-wang-qiang",
        "--covers",
        "sh-li-na",
        "--from",
        "2026-11-24T12:30+00:00",
        "--to",
        "2026-11-24T18:00+00:00",
        "--reason",
        "ill",
        "--as",
        "desk",
        *data,
    )
    assert added.exit_code == 0, added.output
    override_id = added.output.splitlines()[0]  # then the window, in two zones
    after = json.loads(run("oncall", *at, "--json", *data).output)["on_call"][0]
    assert [p["id"] for p in after["people"]] == ["sh-wang-qiang"]
    listed = json.loads(
        run("override", "list", "--all", "--json", "--data", str(tmp_path / "d")).output
    )
    assert [(o["id"], o["created_by"]) for o in listed] == [(override_id, "desk")]

    assert run("override", "remove", override_id, "--data", str(tmp_path / "d")).exit_code == 0
    assert run("override", "remove", override_id, "--data", str(tmp_path / "d")).exit_code == 2


def test_bad_input_exits_2_with_one_line(tmp_path: Path):
    data = ["--roster", str(SAMPLE), "--data", str(tmp_path / "d")]
    assert run("oncall", "--at", "tomorrow", *data).exit_code == 2
    assert run("oncall", "--unit", "br-mars", *data).exit_code == 2
    result = run(
        "override",
        "add",
        "--person",
        "nobody",
        "--covers",
        "sh-li-na",
        "--from",
        "2026-11-24",
        "--to",
        "2026-11-25",
        *data,
    )
    assert result.exit_code == 2 and "no person 'nobody'" in result.stderr
