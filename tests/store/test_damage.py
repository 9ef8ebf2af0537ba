"""Damaged files, through the commands a dispatcher runs: no command deletes or truncates a
file; reads say what is damaged; writes refuse; `store repair` recovers every good record into
a copy and names the lost ones; `store check` finds it all."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.store import Store
from dispatcher.store.requests import day_key

ROSTER = Path(__file__).resolve().parents[2] / "contacts.yaml"
REPAIR = "run `dispatcher store repair`"


def today() -> str:
    """The CSC's date as an id holds it, when asked: a suite may run across the CSC's midnight
    (16:00 UTC), so it is never worked out once at collection."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")


def _id(n: int) -> str:
    return f"SR-{today()}-{n:04d}"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable:
    monkeypatch.chdir(tmp_path)  # no ./contacts.yaml unless a test passes --roster

    def invoke(*args: object, data: Path | None = None):
        return CliRunner().invoke(
            cli, [str(a) for a in args], env={"DISPATCHER_DATA": str(data or tmp_path / "data")}
        )

    invoke("store", "zone", "Asia/Shanghai")  # as the first command with the roster records
    return invoke


def _new(run: Callable, summary: str, *more: str):
    result = run("sr", "new", "--summary", summary, "--category", "consultation", *more)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def _files(data: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(data)): p.read_bytes()
        for p in data.rglob("*")
        if p.is_file() and p.name not in ("lock", "DAMAGED")
    }


def _listed(run: Callable, data: Path | None = None) -> tuple[list[str], str]:
    result = run("sr", "list", data=data)
    assert result.exit_code == 0, result.output
    return [line.split()[0] for line in result.stdout.splitlines()], result.stderr


def _damage_journal_line(journal: Path, index: int) -> None:
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[index] = lines[index].replace(b"request ", b"requesT ", 1)
    journal.write_bytes(b"".join(lines))


def _store_of_four(run: Callable, data: Path, compact: bool = False) -> None:
    for n in range(1, 5):
        _new(run, f"request {n}")
    if compact:
        with Store(data) as store:
            store.compact()
        _new(run, "request 5")


CASES = {
    # name: (compact first?, how to damage, the place named, ids lost for good)
    "bad line mid journal": (
        False,
        lambda d: _damage_journal_line(d / "live/journal.0", 1),
        "live/journal.0 line 2",
        [2],
    ),
    "bad last line": (
        False,
        lambda d: _damage_journal_line(d / "live/journal.0", 3),
        "live/journal.0 line 4",
        [4],
    ),
    "missing snapshot": (
        True,
        lambda d: (d / "live/snapshot").unlink(),
        "live/snapshot",
        [1, 2, 3, 4],
    ),
    "truncated snapshot": (
        True,
        lambda d: (d / "live/snapshot").write_bytes((d / "live/snapshot").read_bytes()[:-400]),
        "live/snapshot",
        None,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_damage_is_reported_refused_and_repaired_into_a_copy(run, tmp_path: Path, case: str):
    compact, damage, place, lost = CASES[case]
    data = tmp_path / "data"
    _store_of_four(run, data, compact)
    everything = _listed(run)[0]
    damage(data)
    before = _files(data)

    listed, warned = _listed(run)  # reads go on, with one warning line naming the place
    assert set(listed) <= set(everything)
    assert warned.count("\n") == 1 and place in warned and REPAIR in warned

    shown = run("sr", "show", listed[-1])
    assert shown.exit_code == 0 and place in shown.stderr

    refused = run(
        "sr", "new", "--summary", "site down", "--category", "fault_support",
        "--criterion", "1", "--site", "shanghai", "--product", "OCS-9000", "--roster", ROSTER,
    )  # fmt: skip
    assert refused.exit_code == 2
    assert f"the store is damaged at {place}" in refused.stderr and REPAIR in refused.stderr
    assert "chain started" not in refused.output and refused.stdout == ""
    noted = run("sr", "note", listed[-1], "called back")
    assert noted.exit_code == 2 and place in noted.stderr

    checked = run("store", "check")
    assert checked.exit_code == 1 and place in checked.stdout
    assert _files(data) == before  # no command deleted, truncated or changed a file

    repaired = run("store", "repair", "--into", tmp_path / "copy")
    assert repaired.exit_code == 0, repaired.output
    assert _files(data) == before
    assert run("store", "check", data=tmp_path / "copy").exit_code == 0
    recovered, warned = _listed(run, tmp_path / "copy")
    assert warned == "" and set(listed) <= set(recovered)
    if lost is not None:
        assert set(recovered) == set(everything) - {_id(n) for n in lost}
        for n in lost if case.startswith("bad") else []:
            assert f"{place} (checksum mismatch); it held {_id(n)}" in repaired.stdout
    report = (tmp_path / "copy" / "REPAIR-REPORT.txt").read_text()
    assert place in report
    # the copy takes writes, and never hands out an id that exists
    assert _new(run, "after the repair", "--data", tmp_path / "copy") == _id(6 if compact else 5)


def test_a_timeline_that_lost_events_is_marked_incomplete(run, tmp_path: Path) -> None:
    data = tmp_path / "data"
    sr_id = _new(run, "request 1")
    for text in ("first", "second", "third"):
        assert run("sr", "note", sr_id, text).exit_code == 0
    journal = data / "live" / "journal.0"
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b"second", b"secont")  # the note "second" is event 3
    journal.write_bytes(b"".join(lines))

    assert run("store", "repair", "--into", tmp_path / "copy").exit_code == 0
    shown = run("sr", "show", sr_id, data=tmp_path / "copy")
    assert shown.exit_code == 0, shown.output
    kinds = [line.split()[2] for line in shown.stdout.split("timeline:\n")[1].splitlines()]
    assert kinds == ["registered", "note", "record_lost", "note"]
    assert "lost to damage at live/journal.0 line 3" in shown.stdout
    assert run("store", "check", data=tmp_path / "copy").exit_code == 0


def test_lost_counters_never_reuse_an_id(run, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = _new(run, "request 1")
    assert run("sr", "note", first, "engineer on site").exit_code == 0
    _new(run, "request 2")
    shutil.rmtree(data / "counters")

    lost_zone = run("sr", "new", "--summary", "x", "--category", "consultation")
    assert lost_zone.exit_code == 2 and "time zone is unknown" in lost_zone.stderr
    assert run("store", "zone", "Asia/Shanghai").exit_code == 0
    assert _new(run, "request 3") == _id(3)
    shown = run("sr", "show", first)
    assert "request 1" in shown.stdout and "engineer on site" in shown.stdout
    assert run("store", "check").exit_code == 0


@pytest.mark.parametrize("compacted", [False, True], ids=["journal", "snapshot"])
def test_counters_behind_never_overwrite_a_request(run, tmp_path: Path, compacted: bool) -> None:
    """An old copy of counters/ put back: the next id is past every id present, and the
    requests that hold the numbers the counters would hand out again stay whole."""
    data = tmp_path / "data"
    _new(run, "request 1")
    old_counters = tmp_path / "counters-after-1"
    shutil.copytree(data / "counters", old_counters)
    second = _new(run, "request 2")
    assert run("sr", "note", second, "engineer on site").exit_code == 0
    _new(run, "request 3")
    if compacted:
        with Store(data) as store:
            store.live.partition.compact()
    shutil.rmtree(data / "counters")
    shutil.copytree(old_counters, data / "counters")

    assert _new(run, "request 4") == _id(4)
    assert _new(run, "request 5") == _id(5)
    shown = run("sr", "show", second)
    assert "request 2" in shown.stdout and "engineer on site" in shown.stdout
    listed = run("sr", "list").stdout
    assert all(f"request {n}" in listed for n in range(1, 6))
    assert run("store", "check").exit_code == 0


def test_a_damaged_counter_refuses_new_ids_and_repair_recovers_the_sequence(run, tmp_path: Path):
    data = tmp_path / "data"
    for n in range(1, 4):
        _new(run, f"request {n}")
    journal = data / "counters" / "journal.0"
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:-1]) + lines[-1].replace(b'"value":3', b'"value":1'))

    refused = run("sr", "new", "--summary", "x", "--category", "consultation")
    assert refused.exit_code == 2 and "counters/journal.0 line 4" in refused.stderr
    checked = run("store", "check")
    assert checked.exit_code == 1 and "counters/journal.0 line 4" in checked.stdout
    assert f"{day_key(datetime.now(ZoneInfo('Asia/Shanghai')).date())} is at 2" in checked.stdout

    assert run("store", "repair", "--into", tmp_path / "copy").exit_code == 0
    assert _new(run, "request 4", "--data", tmp_path / "copy") == _id(4)


def test_inserting_an_existing_id_is_refused(tmp_path: Path) -> None:
    from tinydb.table import Document

    from dispatcher.store.damage import DuplicateId

    with Store(tmp_path / "data") as store:
        store.live.table("requests").insert(Document({"v": 1}, doc_id=7))
        with pytest.raises(DuplicateId, match="never reused"):
            store.live.table("requests").insert(Document({"v": 2}, doc_id=7))
        with pytest.raises(DuplicateId):
            store.append_new(store.live, {"requests": [Document({"v": 3}, doc_id=7)]})
        assert store.live.table("requests").get(doc_id=7) == {"v": 1}


async def test_the_desk_opens_on_a_damaged_store_and_shows_the_warning(tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    from textual.widgets import Static

    from dispatcher.engine.clock import ManualClock
    from dispatcher.roster import load_roster
    from dispatcher.tui.app import DeskApp
    from dispatcher.tui.context import DeskContext
    from dispatcher.tui.widgets.virtual_table import VirtualTable

    data = tmp_path / "data"
    runner = CliRunner()
    env = {"DISPATCHER_DATA": str(data)}
    assert runner.invoke(cli, ["store", "zone", "Asia/Shanghai"], env=env).exit_code == 0
    for n in range(1, 4):
        args = ["sr", "new", "--summary", f"request {n}", "--category", "consultation"]
        assert runner.invoke(cli, args, env=env).exit_code == 0
    _damage_journal_line(data / "live" / "journal.0", 1)
    before = _files(data)

    with Store(data) as store:
        desk = DeskContext(
            store,
            load_roster(ROSTER),
            "night-desk",
            clock=ManualClock(datetime.now(ZoneInfo("UTC"))),
        )
        app = DeskApp(desk, "en")
        async with app.run_test(size=(160, 45)) as pilot:
            for _ in range(3):
                await pilot.app.workers.wait_for_complete()
                await pilot.pause()
            warning = str(app.screen.query_one("#header-damage", Static).render())
            assert warning.startswith("STORE DAMAGED")
            assert "live/journal.0 line 2" in warning and REPAIR in warning
            assert app.screen.query_one("#header-damage").display
            shown = [row.sr.id for row in app.screen.query_one(VirtualTable).rows]
            assert shown == [_id(1), _id(3)]  # the readable requests
    assert _files(data) == before


def test_store_check_of_a_sound_store_and_of_no_store(run, tmp_path: Path) -> None:
    _new(run, "request 1")
    checked = run("store", "check", "--json")
    assert checked.exit_code == 0, checked.output
    assert '"findings": []' in checked.stdout
    missing = run("store", "check", data=tmp_path / "nowhere")
    assert missing.exit_code == 2 and "no data directory" in missing.stderr


def test_a_store_with_planned_work_checks_sound(run, tmp_path: Path) -> None:
    """Planned-work ids number their day by thousands, requests by hundred thousands: the
    check reads each kind's counter from its own doc ids."""
    for day in ("2026-11-25", "2026-11-25", "2026-12-02"):
        work = run(
            "planned",
            "new",
            "--kind",
            "patch",
            "--title",
            "t",
            "--start",
            f"{day}T22:00",
            "--end",
            f"{day}T23:00",
        )
        assert work.exit_code == 0, work.output
    checked = run("store", "check")
    assert checked.exit_code == 0, checked.output
    assert "no problems" in checked.output
