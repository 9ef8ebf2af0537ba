"""A day has ids SR-YYYYMMDD-0001 to -9999 (PS-…-01 to -99): `sr import` refuses an id past
them, the day counter never goes past them, `sr new` says in one line when a day's ids are
used up, and `store check` names a counter at its end."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dispatcher.store import Store
from tests.store.test_damage import run

__all__ = ["run"]

CSC = ZoneInfo("Asia/Shanghai")


def _today_record(number: str) -> tuple[str, dict]:
    received = datetime.now(UTC) - timedelta(minutes=1)
    day = received.astimezone(CSC).strftime("%Y%m%d")
    sr_id = f"SR-{day}-{number}"
    at = received.isoformat()
    return day, {
        "id": sr_id,
        "received": at,
        "category": "consultation",
        "summary": "imported",
        "timeline": [{"at": at, "actor": "desk", "kind": "registered"}],
    }


def _import(run, tmp_path: Path, record: dict):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path, run("sr", "import", path)


def _new(run):
    return run("sr", "new", "--summary", "x", "--category", "consultation")


def test_an_id_past_the_days_last_is_refused_by_the_import(run, tmp_path: Path):
    for number in ("99999", "10000", "00000"):
        day, record = _today_record(number)
        path, result = _import(run, tmp_path, record)
        assert result.exit_code == 2, result.output
        first = result.stderr.splitlines()[0]
        assert first.startswith(f"{path}:1: id: "), first
        if number != "00000":
            assert f"past SR-{day}-9999, the last id of a day" in first
    new = _new(run)
    assert new.exit_code == 0, new.output
    assert new.stdout.strip().endswith("-0001")
    assert run("store", "check").exit_code == 0


def test_the_last_id_of_a_day_taken_sr_new_says_so_and_check_names_the_counter(run, tmp_path: Path):
    """Only SR-…-9998 imported and one `sr new` (9999): the message says the last id is
    taken, not that every id of the day is."""
    day, record = _today_record("9998")
    _, imported = _import(run, tmp_path, record)
    assert imported.exit_code == 0, imported.output
    last = _new(run)
    assert last.exit_code == 0 and last.stdout.strip() == f"SR-{day}-9999", last.output
    for _ in range(2):
        refused = _new(run)
        assert refused.exit_code == 2, refused.output
        (line,) = [x for x in refused.stderr.splitlines() if x.startswith("Error")]
        iso = f"{day[:4]}-{day[4:6]}-{day[6:]}"
        assert line == (
            f"Error: no request id is left for {iso}: SR-{day}-9999, the last id of the day, "
            "is taken"
        ), line
    assert "10000" not in run("sr", "list").stdout
    checked = run("store", "check")
    assert checked.exit_code == 1, checked.output
    assert f"sr:{day} is at 9999, its end" in checked.stdout


def test_a_counter_an_older_version_raised_past_the_end_hands_out_no_five_digit_id(
    run, tmp_path: Path
):
    """A store an older import left with SR-…-99999 and its counter there."""
    first = _new(run)
    assert first.exit_code == 0, first.output
    day = first.stdout.strip().split("-")[1]
    key = f"sr:{day}"
    with Store(tmp_path / "data") as store:
        store.raise_sequence(key, 99_999, db=store.counters)  # raised to its end, no further
    refused = _new(run)
    assert refused.exit_code == 2 and "no request id is left for" in refused.stderr
    checked = run("store", "check")
    assert f"{key} is at 9999, its end" in checked.stdout
    assert "damaged" not in checked.stdout + checked.stderr


def test_a_days_last_planned_id_taken_planned_new_says_so(run, tmp_path: Path):
    """PS-…-98 handed out, one `planned new` takes PS-…-99, the next is refused in one line
    that says the last id is taken, and the counter stays at its end."""
    with Store(tmp_path / "data") as store:
        store.raise_sequence("ps:20261220", 98, db=store.counters)
    window = ("--start", "2026-12-20T01:00", "--end", "2026-12-20T03:00")
    new = ("planned", "new", "--kind", "patch", "--title", "OSS patch", *window)
    last = run(*new)
    assert last.exit_code == 0 and last.stdout.strip() == "PS-20261220-99", last.output
    refused = run(*new)
    assert refused.exit_code == 2, refused.output
    (line,) = [x for x in refused.stderr.splitlines() if x.startswith("Error")]
    assert line == (
        "Error: no planned service id is left for 2026-12-20: PS-20261220-99, the last id of "
        "the day, is taken"
    ), line
    with Store(tmp_path / "data") as store:
        values = {d["key"]: d["value"] for d in store.counters.table("_sequences").all()}
    assert values["ps:20261220"] == 99
