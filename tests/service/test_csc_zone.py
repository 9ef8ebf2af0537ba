"""The CSC's time zone, not the machine's: one night at a CSC in Asia/Shanghai, run by desks on
machines in Shanghai, New York and UTC, gives the same SR ids, archive months, report days,
handover, planned-work and audit ids, and the same local time on the desk's clock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.roster import parse_roster
from dispatcher.roster.errors import RosterError

ROSTER = Path(__file__).resolve().parents[2] / "contacts.yaml"
MACHINE_ZONES = ("Asia/Shanghai", "America/New_York", "UTC")

# Run in a process of its own, whose zone is the TZ it was started with.
NIGHT = textwrap.dedent("""
    import json, sys
    from datetime import UTC, datetime
    from click.testing import CliRunner
    from dispatcher.cli import cli
    from dispatcher.engine.clock import ManualClock
    from dispatcher.engine.audit import enqueue_audit
    from dispatcher.engine.control import CalloutControl
    from dispatcher.roster import load_roster
    from dispatcher.store import Store
    from dispatcher.tui.context import DeskContext

    roster_path, data = sys.argv[1], sys.argv[2]

    def run(*args):
        result = CliRunner().invoke(cli, list(args), env={"DISPATCHER_DATA": data})
        assert result.exit_code == 0, result.output
        return result.stdout

    def new(received, *roster):
        summary = f"received {received}"
        args = ("--summary", summary, "--category", "consultation", "--received", received)
        return run("sr", "new", *args, *roster).splitlines()[0]

    with_roster = ("--roster", roster_path)
    ids = [
        new("2026-11-30T23:50", *with_roster),  # CSC wall clock: 10 minutes before midnight
        new("2026-12-01T00:10", *with_roster),
        new("2026-11-30T16:20+00:00", *with_roster),  # 00:20 at the CSC
        new("2026-11-30T15:59+00:00", *with_roster),  # 23:59 at the CSC
        new("2026-12-01T07:00"),  # no roster: the zone the store recorded
    ]
    for sr_id in ids[:2]:  # closed: each to the archive month its id names
        run("sr", "resolve", sr_id, "--as", "Jiang Hong", *with_roster)  # its chain stops
        run("sr", "callback", sr_id, "--outcome", "reached", "--score", "5")
        run("sr", "close", sr_id)
    since = json.loads(run("sr", "list", "--all", "--since", "2026-12-01", "--json"))
    daily = json.loads(
        run("report", "daily", "--from", "2026-12-01", "--json", *with_roster)
    )
    handover = json.loads(run(
        "report", "handover", "--from", "2026-11-30T20:00", "--to", "2026-12-01T08:00",
        "--json", *with_roster,
    ))
    planned = json.loads(run(
        "planned", "new", "--kind", "patch", "--title", "OSS patch",
        "--start", "2026-12-01T00:30", "--end", "2026-12-01T02:00", "--json",
    ))
    roster = load_roster(roster_path)
    at = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)  # 00:30 on 1 December at the CSC
    with Store(data) as store:
        audit = enqueue_audit(CalloutControl(store, roster),
            [roster.person("csc-jiang-hong")], at, "night-desk"
        )
        months = store.archive_periods()
        desk = DeskContext(store, roster, "night-desk", clock=ManualClock(at))
        clock = desk.local(desk.now()).isoformat()
    print(json.dumps({
        "ids": ids,
        "archive_months": months,
        "since_dec_1": [sr["id"] for sr in since],
        "daily": [daily["from"], daily["to"], daily["tables"]["volumes"]["rows"][0]["requests"]],
        "handover": [
            handover["from"],
            handover["to"],
            sorted(row["sr"] for row in handover["tables"]["open_requests"]["rows"]),
        ],
        "planned": planned["id"],
        "audit": audit,
        "desk_clock": clock,
    }))
""")

EXPECTED = {
    "ids": [
        "SR-20261130-0001",
        "SR-20261201-0001",
        "SR-20261201-0002",
        "SR-20261130-0002",
        "SR-20261201-0003",
    ],
    "archive_months": ["2026-11", "2026-12"],
    "since_dec_1": ["SR-20261201-0001", "SR-20261201-0002", "SR-20261201-0003"],
    "daily": ["2026-12-01T00:00:00+08:00", "2026-12-02T00:00:00+08:00", 3],
    "handover": [
        "2026-11-30T20:00:00+08:00",
        "2026-12-01T08:00:00+08:00",
        ["SR-20261130-0002", "SR-20261201-0002", "SR-20261201-0003"],
    ],
    "planned": "PS-20261201-01",
    "audit": "AUDIT-20261201-1",
    "desk_clock": "2026-12-01T00:30:00+08:00",
}


def night_on_a_machine_in(zone: str, tmp_path: Path) -> dict:
    folder = tmp_path / zone.replace("/", "-")
    folder.mkdir()  # no ./contacts.yaml there: the roster is given where a command takes it
    env = {**os.environ, "TZ": zone}
    env.pop("DISPATCHER_ROSTER", None)
    done = subprocess.run(
        [sys.executable, "-c", NIGHT, str(ROSTER), str(folder / "data")],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_desks_in_three_machine_zones_number_and_report_one_night_the_same(tmp_path):
    nights = {zone: night_on_a_machine_in(zone, tmp_path) for zone in MACHINE_ZONES}
    for zone, night in nights.items():
        assert night == EXPECTED, zone


def test_a_roster_without_the_csc_zone_is_refused_naming_file_line_and_field(tmp_path):
    text = ROSTER.read_text()
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("    zone: "))
    broken = tmp_path / "contacts.yaml"
    broken.write_text("\n".join(r for r in text.splitlines() if not r.startswith("    zone: ")))

    checked = CliRunner().invoke(cli, ["roster", "check", str(broken)])

    assert checked.exit_code == 2
    [error] = checked.stderr.strip().splitlines()
    assert error.startswith(f"Error: {broken}:{line - 2}:") and ": units[0].zone: missing" in error
    assert "Asia/Shanghai" in error  # says what to write


@pytest.mark.parametrize(
    ("units", "field", "says"),
    [
        ("- {id: csc, kind: csc, name: C, zone: Mars/Olympus}", "units[0].zone", "IANA"),
        (
            "- {id: csc, kind: csc, name: C, zone: UTC}\n  - {id: b, kind: bd, name: B, zone: UTC}",
            "units[1].zone",
            "only the unit of kind csc",
        ),
        ("- {id: b, kind: bd, name: B}", "units", "no unit of kind csc"),
    ],
)
def test_the_csc_zone_is_checked_where_it_is_written(units: str, field: str, says: str):
    with pytest.raises(RosterError) as raised:
        parse_roster(f"units:\n  {units}\npeople: []\n".encode(), "r.yaml")
    [error] = [e for e in raised.value.errors if f": {field}:" in e]
    assert says in error


def test_without_a_roster_or_a_recorded_zone_no_local_date_is_taken(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./contacts.yaml
    env = {"DISPATCHER_DATA": str(tmp_path / "data")}
    args = ["sr", "new", "--summary", "x", "--category", "consultation"]

    refused = CliRunner().invoke(cli, args, env=env)

    assert refused.exit_code == 2 and "Traceback" not in refused.output
    [line] = refused.stderr.strip().splitlines()
    assert "time zone is unknown" in line and "dispatcher store zone" in line
    assert not (tmp_path / "data" / "live" / "journal.0").exists()  # nothing half written


def test_a_roster_naming_another_zone_than_the_store_s_is_refused(tmp_path):
    other = tmp_path / "contacts.yaml"
    other.write_text(
        ROSTER.read_text().replace("    zone: Asia/Shanghai ", "    zone: Asia/Tokyo ")
    )
    env = {"DISPATCHER_DATA": str(tmp_path / "data")}
    new = ["sr", "new", "--summary", "x", "--category", "consultation", "--roster"]
    assert CliRunner().invoke(cli, [*new, str(ROSTER)], env=env).exit_code == 0

    refused = CliRunner().invoke(cli, [*new, str(other)], env=env)

    assert refused.exit_code == 2
    assert "Asia/Tokyo refused" in refused.stderr and "Asia/Shanghai" in refused.stderr
    shown = CliRunner().invoke(cli, ["store", "zone"], env=env)
    assert shown.stdout.strip() == "Asia/Shanghai"
