"""Times that cannot be true are refused: `sr new --received` later than now (5 minutes of
clock difference allowed), and in `sr import` a request received on another CSC day than its
id names or later than now, any other time it holds (an event's, its Red Flag's opening and
closing) before it was received or later than now, a Red Flag closed before it opened or on a
request that is no emergency; each in one line naming the file, line and field, and nothing
is written."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.store.test_damage import _files, run

__all__ = ["run"]

CSC = ZoneInfo("Asia/Shanghai")


def _new(run, received: str):
    return run("sr", "new", "--summary", "x", "--category", "consultation", "--received", received)


@pytest.mark.parametrize(
    "received",
    ["2099-01-01T00:00Z", "9999-12-31T23:59+14:00", "in 10 minutes", "tomorrow"],
)
def test_sr_new_refuses_a_received_time_later_than_now(run, tmp_path: Path, received: str):
    if received == "in 10 minutes":
        received = (datetime.now(UTC) + timedelta(minutes=10)).isoformat(timespec="minutes")
    elif received == "tomorrow":
        received = (datetime.now(CSC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M%z")
    before = _files(tmp_path / "data")
    result = _new(run, received)
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("Error: --received: ") and "is later than now" in line, line
    assert "5 minutes" in line
    assert _files(tmp_path / "data") == before
    assert "no requests" in run("sr", "list").output


def test_sr_new_takes_a_time_within_the_clock_difference(run):
    soon = (datetime.now(UTC) + timedelta(minutes=3)).isoformat(timespec="seconds")
    result = _new(run, soon)
    assert result.exit_code == 0, result.output
    past = (datetime.now(UTC) - timedelta(hours=2)).isoformat(timespec="seconds")
    assert _new(run, past).exit_code == 0


def _record(sr_id: str, received: str, *events: str) -> dict:
    return {
        "id": sr_id,
        "received": received,
        "category": "consultation",
        "summary": "imported",
        "timeline": [
            {"at": at, "actor": "desk", "kind": "registered" if n == 0 else "note"}
            for n, at in enumerate(events or (received,))
        ],
    }


def _import(run, tmp_path: Path, *records: dict):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path, run("sr", "import", path)


GOOD = _record("SR-20261130-0001", "2026-11-30T09:00:00+08:00")


def _flagged(opened: str, closed: str | None, criteria: tuple[str, ...] = ("1",)) -> dict:
    """An emergency received at 09:00 on 2026-11-30 at the CSC, its Red Flag as given."""
    record = _record("SR-20261130-0002", "2026-11-30T09:00:00+08:00")
    record.update(criteria=list(criteria), red_flag={"opened": opened, "closed": closed})
    return record


@pytest.mark.parametrize(
    "record, field, problem",
    [
        (
            _record("SR-20261130-0002", "2099-01-01T00:00:00+00:00"),
            "received",
            "2099-01-01T00:00:00+00:00 is later than now",
        ),
        (
            _record("SR-20261130-0002", "2026-11-29T23:30:00+08:00"),
            "received",
            "is 2026-11-29 at the CSC (Asia/Shanghai), not 2026-11-30, the day its id "
            "SR-20261130-0002 names",
        ),
        (  # 20:00 UTC on the 30th is the 1st of December in Shanghai
            _record("SR-20261130-0002", "2026-11-30T20:00:00+00:00"),
            "received",
            "is 2026-12-01 at the CSC",
        ),
        (
            _record(
                "SR-20261130-0002",
                "2026-11-30T09:00:00+08:00",
                "2026-11-30T09:00:00+08:00",
                "1970-01-01T00:00:00+00:00",
            ),
            "timeline[1].at",
            "1970-01-01T00:00:00+00:00 is before the request was received "
            "(2026-11-30T09:00:00+08:00)",
        ),
        (
            _record(
                "SR-20261130-0002",
                "2026-11-30T09:00:00+08:00",
                "2026-11-30T09:00:00+08:00",
                "2099-01-01T00:00:00+00:00",
            ),
            "timeline[1].at",
            "2099-01-01T00:00:00+00:00 is later than now",
        ),
        (
            _flagged("2099-01-01T00:00:00+00:00", None),
            "red_flag.opened",
            "2099-01-01T00:00:00+00:00 is later than now",
        ),
        (
            _flagged("2026-11-30T09:00:00+08:00", "2099-01-01T00:00:00+00:00"),
            "red_flag.closed",
            "2099-01-01T00:00:00+00:00 is later than now",
        ),
        (
            _flagged("2026-11-30T08:59:00+08:00", None),
            "red_flag.opened",
            "2026-11-30T08:59:00+08:00 is before the request was received "
            "(2026-11-30T09:00:00+08:00)",
        ),
        (  # closed before it opened and before the request was received
            _flagged("2026-11-30T09:00:00+08:00", "2026-11-01T00:00:00+00:00"),
            "red_flag.closed",
            "2026-11-01T00:00:00+00:00 is before the request was received",
        ),
        (
            _flagged("2026-11-30T10:00:00+08:00", "2026-11-30T09:30:00+08:00"),
            "red_flag.closed",
            "2026-11-30T09:30:00+08:00 is before the Red Flag opened (2026-11-30T10:00:00+08:00)",
        ),
        (
            _flagged("2026-11-30T09:00:00+08:00", None, criteria=()),
            "red_flag",
            "only an emergency (a request with criteria) has a Red Flag",
        ),
        (
            dict(_flagged("2026-11-30T09:00:00+08:00", None), status="closed"),
            "red_flag.closed",
            "null, but the request is closed: resolving it closed its Red Flag",
        ),
    ],
    ids=[
        "future",
        "day-before",
        "utc-evening",
        "event-1970",
        "event-2099",
        "flag-opened-2099",
        "flag-closed-2099",
        "flag-before-received",
        "flag-closed-before-received",
        "flag-closed-before-opened",
        "flag-not-emergency",
        "flag-open-when-closed",
    ],
)
def test_the_import_refuses_times_that_cannot_be_true(
    run, tmp_path: Path, record: dict, field: str, problem: str
):
    before = _files(tmp_path / "data")
    path, result = _import(run, tmp_path, GOOD, record)
    assert result.exit_code == 2, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:2: {field}: "), first
    assert problem in first, first
    assert "Traceback" not in result.output
    assert _files(tmp_path / "data") == before  # nothing written, not even the good line


def test_the_import_takes_an_emergencys_red_flag_that_agrees(run, tmp_path: Path):
    flagged = _flagged("2026-11-30T09:05:00+08:00", "2026-11-30T11:00:00+08:00")
    _, result = _import(run, tmp_path, GOOD, flagged)
    assert result.exit_code == 0, result.output
    shown = run("sr", "show", "SR-20261130-0002")
    assert shown.exit_code == 0, shown.output
    assert "opened 2026-11-30 09:05, closed 2026-11-30 11:00" in shown.stdout


def test_the_import_takes_a_request_received_on_its_ids_day_at_the_csc(run, tmp_path: Path):
    late_evening_utc = _record("SR-20261201-0001", "2026-11-30T20:00:00+00:00")  # 04:00 +08
    _, result = _import(run, tmp_path, GOOD, late_evening_utc)
    assert result.exit_code == 0, result.output
    assert "SR-20261201-0001" in run("sr", "list").stdout


def test_the_import_needs_the_csc_zone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from click.testing import CliRunner

    from dispatcher.cli import cli

    monkeypatch.chdir(tmp_path)  # no contacts.yaml here
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    env = {"DISPATCHER_DATA": str(tmp_path / "fresh"), "DISPATCHER_ROSTER": ""}
    result = CliRunner().invoke(cli, ["sr", "import", str(path)], env=env)
    assert result.exit_code == 2, result.output
    assert "time zone is unknown" in result.output
