"""`dispatcher drill run --dry-run / --sweep` and `drill scenarios` as a user runs them."""

import json
from pathlib import Path

from click.testing import CliRunner

from dispatcher.cli import cli

SAMPLE = Path(__file__).resolve().parents[2] / "contacts.yaml"


def drill(*args: str):
    return CliRunner().invoke(cli, ["drill", *args])


def test_the_sample_has_one_built_in_scenario_per_product_line():
    result = drill("scenarios", "--roster", str(SAMPLE), "--json")
    assert result.exit_code == 0, result.output
    scenarios = json.loads(result.output)
    assert [s["id"] for s in scenarios] == [
        "drill-pl-core",
        "drill-pl-optical",
        "drill-pl-access",
        "drill-pl-oss",
    ]
    assert all(s["chain"] == "emergency" and s["criteria"] == ["1"] for s in scenarios)


def test_a_dry_run_of_the_sample_names_whom_each_step_calls(tmp_path: Path):
    result = drill(
        "run",
        "drill-pl-core",
        "--dry-run",
        "--at",
        "2026-11-24T03:00+00:00",
        "--roster",
        str(SAMPLE),
        "--data",
        str(tmp_path / "none"),
    )
    assert result.exit_code == 0, result.output
    assert "dry run: nothing is sent" in result.output
    # No provider is configured here: the engine would page through the desk's relay alone.
    assert "step 1 by desk, then wait 10 min:" in result.output
    assert "Yang Fan (杨帆): mobile +12125550120, email yang.fan@example.com" in result.output
    assert not (tmp_path / "none").exists()


def test_the_sweep_lists_the_sunday_night_gap_and_exits_1(roster_file: Path, tmp_path: Path):
    result = drill(
        "run",
        "drill-pl-core",
        "--sweep",
        "7d",
        "--at",
        "2026-11-23T09:00+08:00",
        "--roster",
        str(roster_file),
        "--data",
        str(tmp_path / "d"),
        "--json",
    )
    assert result.exit_code == 1, result.output
    (hole,) = json.loads(result.output)["holes"]
    assert hole["hours"] == [
        "2026-11-29T22:00:00+08:00",
        "2026-11-29T23:00:00+08:00",
        "2026-11-30T00:00:00+08:00",
    ]
    text = drill(
        "run",
        "drill-pl-core",
        "--sweep",
        "7d",
        "--at",
        "2026-11-23T09:00+08:00",
        "--roster",
        str(roster_file),
        "--data",
        str(tmp_path / "d"),
    )
    assert "Sun 2026-11-29 22:00 to Mon 01:00" in text.output
    assert "(3 h) step 1: nobody on call for case_handler of $branch" in text.output


def test_a_bad_sweep_span_is_refused():
    result = drill("run", "drill-pl-core", "--sweep", "90m", "--roster", str(SAMPLE))
    assert result.exit_code == 2
    assert "whole hours" in result.output


def test_an_unknown_scenario_names_the_known_ones():
    result = drill("run", "nope", "--dry-run", "--roster", str(SAMPLE))
    assert result.exit_code == 2
    assert "no drill scenario 'nope' (known: drill-pl-access, drill-pl-core" in result.output


def test_scenarios_from_drills_yaml_beside_the_roster(roster_file: Path, tmp_path: Path):
    (roster_file.parent / "drills.yaml").write_text(
        "scenarios:\n"
        "  - id: night\n    name: MSC down at night\n    site: Shanghai\n    product: msc\n"
        "    customer: Shanghai Mobile\n    criteria: ['1', '10']\n"
        "    targets: {acknowledged_within: 5m, reach_rate: 50%, acknowledged_by_step: none}\n"
    )
    result = drill("scenarios", "--roster", str(roster_file), "--json")
    assert result.exit_code == 0, result.output
    night = {s["id"]: s for s in json.loads(result.output)}["night"]
    assert night["customer"] == "Shanghai Mobile" and night["criteria"] == ["1", "10"]
    assert night["targets"] == {
        "acknowledged_within_minutes": 5.0,
        "acknowledged_by_step": None,
        "reach_rate": 0.5,
    }


def test_a_broken_scenario_file_names_file_line_and_field(roster_file: Path):
    scenarios = roster_file.parent / "drills.yaml"
    scenarios.write_text(
        "scenarios:\n"
        "  - id: night\n    name: MSC down\n    site: Hangzhou\n    product: msc\n"
        "    targets: {reach_rate: 120%}\n"
    )
    result = drill("run", "night", "--dry-run", "--roster", str(roster_file))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines[0] == (
        f"{scenarios}:4:11: scenarios[0].site: no branch or overseas site in "
        f"{roster_file} covers 'Hangzhou'"
    )
    assert lines[1].startswith(
        f"{scenarios}:6:27: scenarios[0].targets.reach_rate: '120%' is not a share"
    )
    assert lines[2] == f"Error: {scenarios}: 2 problems; the scenarios cannot be used"
    assert "Traceback" not in result.output


def test_the_sweep_counts_overrides_kept_in_the_store(roster_file: Path, tmp_path: Path):
    data = str(tmp_path / "d")
    added = CliRunner().invoke(
        cli,
        [
            "roster",
            "override",
            "add",
            "--person",
            "bob",
            "--unit",
            "br-sh",
            "--role",
            "case_handler",
            "--from",
            "2026-11-29T22:00+08:00",
            "--to",
            "2026-11-30T01:00+08:00",
            "--roster",
            str(roster_file),
            "--data",
            data,
        ],
    )
    assert added.exit_code == 0, added.output
    result = drill(
        "run",
        "drill-pl-core",
        "--sweep",
        "7d",
        "--at",
        "2026-11-23T09:00+08:00",
        "--roster",
        str(roster_file),
        "--data",
        data,
    )
    assert result.exit_code == 0, result.output
    assert "every hour reaches someone by phone" in result.output
