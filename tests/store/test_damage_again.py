"""Damage around ids and repeated repairs: a store repaired before repairs again; a failed
repair leaves no copy; an id a damaged line held is never handed out again, also when the
damage is in an archive month and the counters are lost; a killed compaction's leftover is
named by `store check`."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from dispatcher.store import Store
from tests.store.test_damage import ROSTER, _files, _id, _listed, _new, run, today

__all__ = ["run"]  # the fixture, shared with test_damage


def month() -> str:
    """The archive month of today's requests."""
    return f"{today()[:4]}-{today()[4:6]}"


def _damage_line(journal: Path, index: int, old: bytes, new: bytes) -> None:
    lines = journal.read_bytes().splitlines(keepends=True)
    assert old in lines[index]
    lines[index] = lines[index].replace(old, new, 1)
    journal.write_bytes(b"".join(lines))


def _archived(run: Callable, summary: str) -> str:
    """A request registered, resolved, called back and closed: moved to its archive month."""
    sr_id = _new(run, summary)
    for args in (
        ("sr", "resolve", sr_id),
        ("sr", "callback", sr_id, "--outcome", "reached", "--score", "5"),
        ("sr", "close", sr_id),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.output
    return sr_id


def test_a_store_repaired_before_repairs_again_and_keeps_the_old_report(run, tmp_path: Path):
    data, first, second = tmp_path / "data", tmp_path / "first", tmp_path / "second"
    for n in range(1, 4):
        _new(run, f"request {n}")
    _damage_line(data / "live/journal.0", 1, b"request 2", b"requesT 2")
    assert run("store", "repair", "--into", first).exit_code == 0
    old_report = (first / "REPAIR-REPORT.txt").read_text()
    with Store(first) as store:  # the copy put in place, used, compacted; then new damage
        store.compact(store.live)
    (first / "live/snapshot").unlink()
    before = _files(first)

    again = run("store", "repair", "--into", second, data=first)
    assert again.exit_code == 0, again.output
    assert _files(first) == before
    report = (second / "REPAIR-REPORT.txt").read_text()
    assert f"repair of {first}" in report and "live/snapshot" in report
    assert "live/journal.0 line 2" not in report  # that was the first repair's loss
    kept = list(second.glob("REPAIR-REPORT.*.txt"))
    assert [p.read_text() for p in kept] == [old_report]
    assert run("store", "check", data=second).exit_code == 0

    # without --into (beside the directory), and a third time, keeping both earlier reports
    third = run("store", "repair", data=second)
    assert third.exit_code == 0, third.output
    (made,) = tmp_path.glob("second.repaired-*")
    assert len(list(made.glob("REPAIR-REPORT.*.txt"))) == 2
    assert run("store", "check", data=made).exit_code == 0


def test_a_repair_that_fails_leaves_no_copy_and_says_one_line(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    data, copy = tmp_path / "data", tmp_path / "copy"
    for n in range(1, 3):
        _new(run, f"request {n}")
    _damage_line(data / "live/journal.0", 1, b"request 2", b"requesT 2")

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("dispatcher.store.repair._copy_partition", disk_full)  # counters/
    failed = run("store", "repair", "--into", copy)
    assert failed.exit_code == 2, failed.output
    assert failed.stderr.count("\n") == 1, failed.stderr
    assert "no space left on device" in failed.stderr and "no copy was made" in failed.stderr
    assert "internal error" not in failed.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # nothing half made


def test_an_archive_month_damaged_is_warned_of_and_its_ids_never_reissued(run, tmp_path: Path):
    data = tmp_path / "data"
    first = _archived(run, "request 1")
    assert first == _id(1)
    _damage_line(data / "archive" / month() / "journal.0", 0, b"request 1", b"requesT 1")
    place = f"archive/{month()}/journal.0 line 1"

    made = run("sr", "new", "--summary", "request 2", "--category", "consultation")
    assert made.exit_code == 0, made.output
    assert made.stdout.strip() == _id(2)
    assert place in made.stderr and "run `dispatcher store repair`" in made.stderr
    noted = run("sr", "note", _id(2), "called back")
    assert noted.exit_code == 0 and place in noted.stderr  # every later command says it

    shutil.rmtree(data / "counters")  # and the counters are lost too
    assert run("store", "zone", "Asia/Shanghai").exit_code == 0
    made = run("sr", "new", "--summary", "request 3", "--category", "consultation")
    assert made.exit_code == 0, made.output
    assert made.stdout.strip() == _id(3) and place in made.stderr

    repaired = run("store", "repair", "--into", tmp_path / "copy")
    assert repaired.exit_code == 0, repaired.output
    assert f"it held {_id(1)}" in repaired.stdout
    listed, _ = _listed(run, tmp_path / "copy")
    assert _id(1) not in listed  # lost, and named so; never another request under its id
    assert _new(run, "request 4", "--data", tmp_path / "copy") == _id(4)


def test_a_damaged_line_whose_ids_cannot_be_read_stops_new_ids_of_its_days(run, tmp_path):
    data = tmp_path / "data"
    _archived(run, "request 1")
    journal = data / "archive" / month() / "journal.0"
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[0] = b"0badc0de " + b"#" * 200 + b"\n"  # nothing of it can be read
    journal.write_bytes(b"".join(lines))
    before = _files(data)

    refused = run("sr", "new", "--summary", "request 2", "--category", "consultation")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert "no new id can be handed out" in refused.stderr
    assert f"archive/{month()}/journal.0 line 1" in refused.stderr
    shutil.rmtree(data / "counters")  # the zone is lost with them: the roster's is recorded
    refused = run(
        "sr", "new", "--summary", "request 2", "--category", "consultation", "--roster", ROSTER
    )  # fmt: skip
    assert refused.exit_code == 2 and "no new id can be handed out" in refused.stderr
    assert {k: v for k, v in _files(data).items() if not k.startswith("counters")} == {
        k: v for k, v in before.items() if not k.startswith("counters")
    }
    repaired = run("store", "repair", "--into", tmp_path / "copy")
    assert repaired.exit_code == 0, repaired.output
    assert "what it held cannot be read" in repaired.stdout
    assert "counters: rebuilt from the ids present, but what" in repaired.stdout  # said plainly


def test_counters_behind_are_raised_past_an_id_a_damaged_archive_line_held(run, tmp_path):
    data = tmp_path / "data"
    _new(run, "request 0")  # SR-…-0001 stays open in live
    old_counters = tmp_path / "counters-after-1"
    shutil.copytree(data / "counters", old_counters)
    assert _archived(run, "request 2") == _id(2)
    _damage_line(data / "archive" / month() / "journal.0", 0, b"request 2", b"requesT 2")
    shutil.rmtree(data / "counters")
    shutil.copytree(old_counters, data / "counters")  # an old copy: it would hand out 0002

    assert _new(run, "request 3") == _id(3)


def test_a_killed_compactions_leftover_is_named_by_check(run, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _new(run, "request 1")
    (data / "live" / "snapshot.tmp").write_bytes(b"half a snapshot")
    checked = run("store", "check")
    assert checked.exit_code == 0, checked.output
    assert "live/snapshot.tmp: left by an interrupted compaction" in checked.stdout
    assert (data / "live" / "snapshot.tmp").exists()  # never deleted by a check
    with Store(data) as store:  # the next compaction replaces it
        store.compact(store.live)
    assert not (data / "live" / "snapshot.tmp").exists()
    assert "snapshot.tmp" not in run("store", "check").stdout


def test_a_received_time_long_ago_is_refused(run, tmp_path: Path) -> None:
    refused = run(
        "sr", "new", "--summary", "x", "--category", "consultation",
        "--received", "1970-01-01T00:00+14:00", "--roster", ROSTER,
    )  # fmt: skip
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1
    assert "--received: 1970-01-01" in refused.stderr and "366 days" in refused.stderr
    assert "SR-1969" not in refused.output


def test_a_received_time_within_the_bound_registers_and_a_dry_run_looks_anywhere(run, tmp_path):
    from datetime import UTC, datetime, timedelta

    earlier = (datetime.now(UTC) - timedelta(days=300)).isoformat(timespec="minutes")
    made = run("sr", "new", "--summary", "x", "--category", "consultation", "--received", earlier)
    assert made.exit_code == 0, made.output
    looked = run(
        "sr", "new", "--summary", "x", "--category", "consultation", "--dry-run",
        "--received", "2001-01-01T00:00+08:00", "--roster", ROSTER,
    )  # fmt: skip
    assert looked.exit_code == 0, looked.output


def test_an_emptied_live_journal_is_named_lost_and_repair_reports_it_once(run, tmp_path: Path):
    """`truncate -s 0 live/journal.0`: the counters handed out five ids no partition holds."""
    data, copy = tmp_path / "data", tmp_path / "copy"
    for n in range(1, 6):
        _new(run, f"request {n}")
    (data / "live" / "journal.0").write_bytes(b"")
    checked = run("store", "check")
    assert checked.exit_code == 1, checked.output
    lost = f"sr:{today()} handed out {_id(1)} to {_id(5)}, which no partition holds: lost"
    assert f"counters: {lost}" in checked.stdout
    repaired = run("store", "repair", "--into", copy)
    assert repaired.exit_code == 0, repaired.output
    report = (copy / "REPAIR-REPORT.txt").read_text()
    assert f"lost: {_id(1)} to {_id(5)}: handed out by the counters, held by no partition" in report
    assert run("store", "check", data=copy).exit_code == 0  # reported once, known to the copy
    assert _new(run, "request 6", "--data", copy) == _id(6)  # never one of the lost ids
    (copy / "live" / "journal.0").write_bytes(b"")  # a loss after the repair is named again
    again = run("store", "check", data=copy)
    assert again.exit_code == 1 and f"handed out {_id(6)}, which no" in again.stdout


def test_a_number_a_crash_skipped_at_the_top_of_a_day_is_named_too(run, tmp_path: Path):
    data = tmp_path / "data"
    _new(run, "request 1")
    with Store(data) as store:  # numbered, then the process died before saving the request
        store.next_sequence(f"sr:{today()}", db=store.counters)
    checked = run("store", "check")
    assert f"handed out {_id(2)}, which no partition holds" in checked.stdout
    assert "never saved, if a crash came between numbering and saving" in checked.stdout
