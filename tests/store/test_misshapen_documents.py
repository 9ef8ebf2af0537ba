"""A document of the wrong shape behind a good checksum is damage like any other: a counter
whose value is "abc", null, 1.5, a list, text, negative, a boolean or past the last number an
id of its day can hold (SR-…-9999, PS-…-99) is named by `store check`
(file, line, field), refused by `sr new` in one line naming it, and `store repair` rebuilds the
counters from the ids present without handing out an id twice. A request or event of the
wrong shape is named by `store check` and set aside by `store repair`, never a crash."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from dispatcher.store import Store
from dispatcher.store.request_layout import EVENT_ID_FACTOR
from tests.store.test_damage import _id, _new, run, today

__all__ = ["run"]

JUNK = [
    '"abc"',
    "null",
    "1.5",
    "[1]",
    '"5"',
    "-1",
    "-7",
    "true",
    "false",
    "{}",
    "10000",
    "99999999",
]


def key() -> str:
    """Today's request counter."""
    return f"sr:{today()}"


def doc_id() -> int:
    return zlib.crc32(key().encode()) + 1


def _line(body: str) -> bytes:
    payload = body.encode()
    return b"%08x " % zlib.crc32(payload) + payload + b"\n"


def _junk_counter(value: str) -> bytes:
    return _line(
        f'{{"t":{{"_sequences":{{"set":{{"{doc_id()}":{{"key":"{key()}","value":{value}}}}}}}}}}}'
    )


@pytest.mark.parametrize("value", JUNK)
def test_a_junk_counter_is_damage_named_refused_and_repaired(run, tmp_path: Path, value: str):
    data = tmp_path / "data"
    for n in range(1, 6):
        _new(run, f"request {n}")
    journal = data / "counters" / "journal.0"
    line = len(journal.read_bytes().splitlines()) + 1
    with open(journal, "ab") as out:
        out.write(_junk_counter(value))
    place = f"counters/journal.0 line {line}"

    refused = run("sr", "new", "--summary", "x", "--category", "consultation")
    assert refused.exit_code == 2, refused.output
    assert "internal error" not in refused.output and "Traceback" not in refused.output
    assert f"Error: the store is damaged at {place}; run `dispatcher store repair`" in (
        refused.stderr
    )
    checked = run("store", "check")
    assert checked.exit_code == 1, checked.output
    said = f'{place}: counter "{key()}": value: must be a whole number from 0 to 9999, not '
    assert said in checked.stdout, checked.stdout  # to 9999: the last id a day can hold
    listed = run("sr", "list")
    assert listed.exit_code == 0 and "request 5" in listed.stdout

    copy = tmp_path / "copy"
    repaired = run("store", "repair", "--into", copy)
    assert repaired.exit_code == 0, repaired.output
    report = (copy / "REPAIR-REPORT.txt").read_text()
    assert place in report and "\n1 loss; the damaged directory is untouched" in report
    assert run("store", "check", data=copy).exit_code == 0
    assert _new(run, "request 6", "--data", copy) == _id(6)  # never an id handed out before
    assert _new(run, "request 7", "--data", copy) == _id(7)


def test_a_junk_counter_as_the_counters_first_word_is_rebuilt_from_the_ids(run, tmp_path: Path):
    """The counter's only document is junk (its good one was compacted into a snapshot that
    holds it junk): repair rebuilds it from the ids present."""
    data = tmp_path / "data"
    for n in range(1, 4):
        _new(run, f"request {n}")
    with Store(data) as store:
        store.compact(store.counters)
    snapshot = data / "counters" / "snapshot"
    header, body = snapshot.read_bytes().split(b"\n", 1)
    doc = json.loads(body)
    doc["tables"]["_sequences"][str(doc_id())]["value"] = "abc"
    new_body = json.dumps(doc, separators=(",", ":")).encode()
    generation = header.split()[1]
    snapshot.write_bytes(
        b"DSTORE1 %s %08x %d\n"
        % (generation, zlib.crc32(new_body), len(header) + 1 + len(new_body))
        + new_body
    )
    checked = run("store", "check")
    assert checked.exit_code == 1, checked.output
    assert f'counters/snapshot: counter "{key()}": value: must be' in checked.stdout
    refused = run("sr", "new", "--summary", "x", "--category", "consultation")
    assert refused.exit_code == 2 and "counters/snapshot" in refused.stderr
    copy = tmp_path / "copy"
    assert run("store", "repair", "--into", copy).exit_code == 0
    assert _new(run, "request 4", "--data", copy) == _id(4)


def _request_doc(data: Path, change: Callable[[dict], None]) -> None:
    """Append to live a commit that rewrites request 1 as `change` makes it (checksum good)."""
    with Store(data) as store:
        first = store.live.table("requests").all()[0]
    key, raw = first.doc_id, dict(first)
    change(raw)
    with open(data / "live" / "journal.0", "ab") as out:
        out.write(_line(json.dumps({"t": {"requests": {"set": {str(key): raw}}}})))


@pytest.mark.parametrize(
    "change, problem",
    [
        (
            lambda raw: raw.update(event_count="abc"),
            'event_count: must be a whole number from 0, not "abc"',
        ),
        (
            lambda raw: raw.update(event_count=None),
            "event_count: must be a whole number from 0, not null",
        ),
        (lambda raw: raw.update(id=7), "id: must be non-empty text, not 7"),
        (lambda raw: raw.update(id="SR-20261399-0001"), "holds id 'SR-20261399-0001'"),
    ],
    ids=["text-count", "null-count", "number-id", "no-date-id"],
)
def test_a_misshapen_request_is_named_by_check_and_set_aside_by_repair(
    run, tmp_path: Path, change: Callable[[dict], None], problem: str
):
    data = tmp_path / "data"
    for n in range(1, 3):
        _new(run, f"request {n}")
    _request_doc(data, change)
    checked = run("store", "check")
    assert checked.exit_code == 1, checked.output
    assert "internal error" not in checked.output
    assert problem in checked.stdout
    copy = tmp_path / "copy"
    repaired = run("store", "repair", "--into", copy)
    assert repaired.exit_code == 0, repaired.output
    assert "internal error" not in repaired.output
    recheck = run("store", "check", data=copy)
    if "must be" in problem:  # set aside; a record naming another id is copied as it is
        assert recheck.exit_code == 0, recheck.output
        assert "lost_and_found" in (copy / "REPAIR-REPORT.txt").read_text()


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda raw: raw.update(customer={"name": None}), "customer.name: must be text, not null"),
        (lambda raw: raw.update(category=["fault_support"]), "category: must be one of"),
        (lambda raw: raw.pop("summary"), "summary: missing"),
    ],
    ids=["null-name", "list-category", "no-summary"],
)
def test_a_request_changed_by_hand_is_refused_in_one_line_named_and_set_aside(
    run, tmp_path: Path, change: Callable[[dict], None], problem: str
):
    data = tmp_path / "data"
    first = _new(run, "request 1")
    _new(run, "request 2")
    _request_doc(data, change)
    reads = (("sr", "list"), ("sr", "show", first), ("sr", "note", first, "x"))
    for args in reads if "null" not in problem else ():  # built, if wrong: check names it
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert "internal error" not in result.output, result.output
        line = next(x for x in result.stderr.splitlines() if x.startswith("Error"))
        assert line.startswith(f"Error: live: {first}: {problem}"), line
    checked = run("store", "check")
    assert checked.exit_code == 1 and f"live: {first}: {problem}" in checked.stdout
    copy = tmp_path / "copy"
    assert run("store", "repair", "--into", copy).exit_code == 0
    assert run("store", "check", data=copy).exit_code == 0
    listed = run("sr", "list", data=copy)
    assert listed.exit_code == 0 and "request 2" in listed.stdout


@pytest.mark.parametrize(
    "table, key, value, last",
    [
        ("_sequences", "ps:20261201", 100, 99),
        ("_sequences", "sr:20261201", 10_000, 9999),
        ("_lost", "sr:20261201", 10_000, 9999),  # the ids a repair reported lost, through
    ],
    ids=["planned", "request", "lost-through"],
)
def test_a_day_counter_past_its_last_id_is_damage_whatever_its_kind(
    tmp_path: Path, table: str, key: str, value: int, last: int
):
    data = tmp_path / "data"
    with Store(data) as store:
        store.next_sequence(key, db=store.counters)
        store.next_sequence("override", db=store.counters)  # a counter without an end
        store.raise_sequence("override", 10**9, db=store.counters)
    doc_id = zlib.crc32(key.encode()) + 1
    field = "value" if table == "_sequences" else "through"
    with open(data / "counters" / "journal.0", "ab") as out:
        out.write(
            _line(json.dumps({"t": {table: {"set": {str(doc_id): {"key": key, field: value}}}}}))
        )
    with Store(data) as store:
        store.counters.table("_sequences").all()
        (damage,) = store.damage()
    record = f'counter "{key}"' if table == "_sequences" else f"_lost document {doc_id}"
    assert damage.describe() == (
        f"counters/journal.0 line 4: {record}: {field}: must be a whole number from 0 "
        f"to {last}, not {value}"
    )


def test_a_counter_is_never_raised_past_its_last_id(tmp_path: Path):
    """An id past the day's last one (left by an older version) raises the counter to its
    end, not past it: the day's ids are used up, and nothing written is damage."""
    data = tmp_path / "data"
    with Store(data) as store:
        store.raise_sequence("sr:20261201", 99_999, db=store.counters)
        store.raise_sequence("ps:20261201", 500, db=store.counters)
    with Store(data) as store:
        values = {d["key"]: d["value"] for d in store.counters.table("_sequences").all()}
        assert store.damage() == []
    assert values == {"sr:20261201": 9999, "ps:20261201": 99}


def test_repair_counts_the_kept_events_of_a_lost_request_in_words(run, tmp_path: Path):
    """One event whose request record is gone: "its event is kept", two: "its 2 events are"."""
    data = tmp_path / "data"
    sr_id = _new(run, "request 1")
    day, number = (int(part) for part in sr_id.split("-")[1:])
    orphans = {}
    for owner, count in ((number + 7, 1), (number + 8, 2)):  # two requests never saved
        for seq in range(1, count + 1):
            key = (day * 100_000 + owner) * EVENT_ID_FACTOR + seq
            at = "2026-12-01T00:00:00+00:00"
            orphans[str(key)] = {"sr": _id(owner), "seq": seq, "at": at, "actor": "desk"}
    with open(data / "live" / "journal.0", "ab") as out:
        out.write(_line(json.dumps({"t": {"events": {"set": orphans}}})))
    copy = tmp_path / "copy"
    repaired = run("store", "repair", "--into", copy)
    assert repaired.exit_code == 0, repaired.output
    report = (copy / "REPAIR-REPORT.txt").read_text()
    assert (
        f"{_id(number + 7)}: its request record is lost; its event is kept in lost_and_found"
        in report
    )
    assert (
        f"{_id(number + 8)}: its request record is lost; its 2 events are kept in lost_and_found"
        in report
    )
    assert "\n2 losses; " in report
