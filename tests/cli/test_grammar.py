"""One command-line grammar: every command takes the roster's names the way people type them,
phones as E.164, required text required, choices in one spelling, and lists that line up."""

import asyncio
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from dispatcher.cli import cli
from dispatcher.roster import load_roster
from dispatcher.store import Store

SAMPLE = Path(__file__).resolve().parents[2] / "contacts.yaml"


@pytest.fixture
def run(tmp_path, monkeypatch, quiet_environ):
    """`dispatcher …` in a folder holding the sample roster as ./contacts.yaml."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "contacts.yaml").write_bytes(SAMPLE.read_bytes())
    runner = CliRunner()

    def invoke(*args, code=0):
        result = runner.invoke(
            cli,
            [str(a) for a in args],
            env={**quiet_environ, "DISPATCHER_DATA": str(tmp_path / "d")},
        )
        assert result.exit_code == code, result.output
        return result

    return invoke


def new(run, *args, code=0):
    return run("sr", "new", "--summary", "x", "--category", "fault_support", *args, code=code)


def test_roster_check_takes_roster_like_every_command_and_a_bare_path_still(run, tmp_path):
    window = ("--days", "2", "--from", "2026-12-01T08:00")  # one window, whenever each runs
    by_option = run("roster", "check", "--roster", "contacts.yaml", *window)
    by_path = run("roster", "check", "contacts.yaml", *window)
    assert by_option.output.splitlines()[0] == by_path.output.splitlines()[0]
    (tmp_path / "other.yaml").write_text("units: []\n")
    both = run("roster", "check", "other.yaml", "--roster", "contacts.yaml", code=2)
    assert both.stderr.strip() == (
        "Error: give the roster once: PATH other.yaml or --roster contacts.yaml"
    )


def test_filters_take_the_rosters_ids_and_the_names_people_type(run):
    shanghai = new(run, "--site", "shanghai", "--owner-person", "li na").stdout.strip()
    beijing = new(run, "--site", "Beijing", "--product", "MSC 9000 Softswitch").stdout.strip()
    for branch in ("br-shanghai", "Shanghai Branch", "上海分公司", "zhejiang"):
        assert _ids(run("sr", "list", "--branch", branch)) == [shanghai], branch
    assert _ids(run("sr", "list", "--site", "BEIJING")) == [beijing]
    assert _ids(run("sr", "list", "--product", "msc-9000")) == [beijing]
    assert _ids(run("sr", "list", "--person", "李娜")) == [shanghai]
    assert _ids(run("sr", "list", "--person", "sh-li-na", "--branch", "br-beijing")) == []
    stored = json.loads(run("sr", "show", shanghai, "--json").stdout)["request"]
    assert (stored["site"], stored["owner"]["person"]) == ("Shanghai", "sh-li-na")


def _ids(result) -> list[str]:
    return re.findall(r"SR-\d{8}-\d{4}", result.stdout)


@pytest.mark.parametrize(
    "args, line",
    [
        (
            ("sr", "list", "--branch", "br-shangai"),
            "Error: --branch: no branch, overseas site or site 'br-shangai' in contacts.yaml; "
            "nearest: br-shanghai",
        ),
        (
            ("roster", "oncall", "--unit", "pl-cor"),
            "Error: --unit: no unit or product line 'pl-cor' in contacts.yaml; nearest: pl-core",
        ),
        (
            ("notify", "test", "Li Nna"),
            "Error: 'PERSON': no person 'Li Nna' in contacts.yaml; nearest: Li Na (李娜) (sh-li-na)",
        ),
    ],
)
def test_an_unknown_name_is_one_line_with_the_nearest_names_and_exit_2(run, args, line):
    result = run(*args, code=2)
    assert result.output.splitlines()[0].startswith(line)
    assert len(result.output.splitlines()) == 1


def test_people_are_found_by_name_in_every_command(run):
    added = run(
        "roster",
        "override",
        "add",
        "--person",
        "Wang Qiang",
        "--covers",
        "李娜",
        "--from",
        "2026-12-01T00:00",
        "--to",
        "2026-12-02T00:00",
        "--json",
    )
    override = json.loads(added.stdout)
    assert (override["person"], override["covers"]) == ("sh-wang-qiang", "sh-li-na")
    calendar = run("roster", "ical", "--person", "li na", "--days", "2").output
    assert "BEGIN:VCALENDAR" in calendar


def test_phones_are_stored_as_e164_in_the_cscs_region_and_refused_when_invalid(run):
    typed = new(run, "--reporter-phone", "138 0013 8000", "--json").stdout
    assert json.loads(typed)["reporter"]["phone"] == "+8613800138000"  # the CSC is in Shanghai
    spaced = new(run, "--reporter-phone", "+1 212 555 0100", "--json").stdout
    assert json.loads(spaced)["reporter"]["phone"] == "+12125550100"
    bad = new(run, "--reporter-phone", "+1 555 0100", code=2)
    assert bad.output.startswith("Error: --reporter-phone: '+1 555 0100' is not a valid phone")
    complaint = run(
        "complaint",
        "new",
        "--customer",
        "c",
        "--about",
        "a",
        "--summary",
        "s",
        "--reporter-phone",
        "12",
        code=2,
    )
    assert "--reporter-phone: '12' is not a valid phone number" in complaint.output
    planned = run(
        "planned",
        "new",
        "--kind",
        "cutover",
        "--title",
        "t",
        "--start",
        "2026-12-01T22:00",
        "--end",
        "2026-12-02T02:00",
        "--contact",
        "Ma Li 021 6123 4567",
        "--json",
    )
    assert json.loads(planned.stdout)["contact"] == "Ma Li +862161234567"
    assert (
        "'+1 555 0100'"
        in run(
            "sr",
            "callback",
            "SR-20261201-0001",
            "--outcome",
            "reached",
            "--called",
            "Ma Li +1 555 0100",
            code=2,
        ).output
    )


@pytest.mark.parametrize(
    "args, line",
    [
        (("sr", "new", "--summary", " ", "--category", "consultation"), "--summary"),
        (("complaint", "new", "--customer", "", "--about", "a", "--summary", "s"), "--customer"),
        (("planned", "cancel", "PS-20261201-01", "--reason", ""), "--reason"),
        (("sr", "note", "SR-20261201-0001", "  "), "'TEXT'"),
    ],
)
def test_required_text_given_blank_is_refused_in_one_line(run, args, line, tmp_path):
    result = run(*args, code=2)
    assert result.output == f"Error: {line}: must not be empty\n"
    assert not (tmp_path / "d").exists() or "SR-" not in run("sr", "list", "--all").output


def test_choices_show_their_values_and_default_in_one_spelling(run):
    help_text = " ".join(run("sr", "new", "--help").output.split())
    assert "--level [L1|L2|L3] [default: L1]" in help_text
    assert json.loads(new(run, "--level", "l2", "--json").stdout)["level"] == "L2"


def test_a_repeat_complaint_is_announced_and_listed_with_one_number(run):
    args = ("complaint", "new", "--customer", "Bank", "--about", "billing", "--summary", "s")
    first = run(*args).stdout.strip()
    second = run(*args)
    assert f"repeat 2 of {first}" in second.stderr
    listed = run("complaint", "list").stdout
    assert f"repeat 2 of {first}" in listed and "no." not in second.stderr


def test_listings_stay_aligned_with_drill_rows_and_wide_characters(run, tmp_path, quiet_environ):
    new(
        run,
        "--customer",
        "上海移动通信有限公司上海分公司",
        "--criterion",
        "1",
        "--site",
        "Shanghai",
    )
    new(run, "--customer", "Bank of Example")
    run("drill", "run", "drill-pl-core", "--no-wait")
    _engine_pass(tmp_path / "d", SAMPLE, quiet_environ)
    rows = run("outbox").stdout.splitlines()
    assert any(" DRILL " in r for r in rows) and any(" DRILL " not in r for r in rows)
    state_at = {r.index(" sent ") for r in rows}  # on the desk, to relay: sent, not delivered
    assert len(state_at) == 1, rows  # the state column starts at one place on every row
    number = rows[0].split()[0]  # "#1": `outbox retry` takes it as listed
    again = run("outbox", "retry", number, code=2)
    assert f"notification {number[1:]} is sent; only a failed" in again.output
    listed = run("sr", "list", "--all", "--drills").stdout.splitlines()
    listed += run("sr", "list").stdout.splitlines()
    summary_at = {
        cell_len(r[: r.rindex(" x") if r.endswith(" x") else r.rindex(" MSC")]) for r in listed
    }
    assert len(summary_at) == 1, listed


def _engine_pass(data: Path, roster_path: Path, environ: dict) -> None:
    """One pass of the engine with only the desk's own channel: it pages what is due."""
    from dispatcher.engine.clock import SystemClock
    from dispatcher.engine.runtime import Engine
    from dispatcher.plugins.manager import PluginManager

    async def tick() -> None:
        with Store(data) as store:
            plugins = PluginManager(environ=environ, store=store).load()
            engine = Engine(store, load_roster(roster_path), plugins, SystemClock())
            await engine.tick()
            await engine.aclose()

    asyncio.run(tick())
