"""`sr import`: the schema refuses what would break the product later, with one line per
problem, and an import killed part-way is absent, complete, or completed by `--resume`."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dispatcher.cli import cli
from dispatcher.domain.request_ids import format_id, parse_id
from dispatcher.store import Store
from dispatcher.store.requests import RequestFilter, RequestRepository
from dispatcher.testing.waiting import wait_for

ROSTER = Path(__file__).resolve().parents[2] / "contacts.yaml"
DAY = "2026-11-23"


def _record(n: int = 1, **fields) -> dict:
    record = {
        "id": f"SR-20261123-{n:04d}",
        "received": f"{DAY}T20:{n % 60:02d}:00+08:00",
        "category": "fault_support",
        "summary": f"link down at site {n}",
        "status": "in_progress",
        "criteria": ["1"] if n % 3 == 0 else [],
        "timeline": [
            {"at": f"{DAY}T20:{n % 60:02d}:00+08:00", "actor": "desk", "kind": "registered"},
            {"at": f"{DAY}T21:00:00+08:00", "actor": "eng1", "kind": "note", "text": "on site"},
        ],
    }
    record.update(fields)
    return record


def _event(**fields) -> dict:
    return {"at": f"{DAY}T20:00:00+08:00", "actor": "a", "kind": "note", **fields}


def _import(tmp_path: Path, *records: dict | str, data: Path | None = None):
    path = tmp_path / "in.jsonl"
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records),
        encoding="utf-8",
    )
    env = {"DISPATCHER_DATA": str(data or tmp_path / "data")}
    return path, CliRunner().invoke(cli, ["sr", "import", str(path)], env=env)


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"customer": {"name": None}}, "customer.name: must be text, not null"),
        ({"drill": "false"}, "drill: must be true or false, not text"),
        ({"site": 12}, "site: must be text, not a number"),
        ({"summary": 42}, "summary: must be text, not a number"),
        ({"summary": ["a"]}, "summary: must be text, not a list"),
        ({"summary": None}, "summary: must be text, not null"),
        ({"summary": ""}, "summary: must not be empty"),
        ({"summary": "   "}, "summary: must not be empty"),  # blank is empty
        ({"timeline": [_event(actor="  ")]}, "timeline[0].actor: must not be empty"),
        ({"timeline": [_event(actor="\u3000\t")]}, "timeline[0].actor: must not be empty"),
        ({"category": ["fault_support"]}, "category: must be one of consultation"),
        ({"summary": "bell \x07 and escape \x1b[2J"}, "summary: control character BEL"),
        ({"criteria": ["13"]}, "criteria[0]: base criteria are 1-12"),
        ({"callback_attempts": True}, "callback_attempts: must be a whole number"),
        ({"event_count": 3}, "(record): unknown field 'event_count'"),
        ({"received": "2026-11-23T20:00:00"}, "received: has no UTC offset"),
        (
            {
                "timeline": [
                    {
                        "at": f"{DAY}T20:00:00+00:00",
                        "actor": "a",
                        "kind": "note",
                        "data": {"n": 2**70},
                    }
                ]
            },
            "timeline[0].data.n: a whole number beyond 64 bits",
        ),
        (
            {"timeline": [_event(data={"a": [1, {"b": {"c": [{"d": 2}]}}]})]},
            "timeline[0].data.a[1]: must be text, a number, true, false or null, not an object",
        ),
        (
            {"timeline": [_event(data={"a": {"b": 1}})]},
            "timeline[0].data.a: must be text, a number, true, false, null or a list of them, "
            "not an object",
        ),
        (
            {"timeline": [_event(data={"a": [[1]]})]},
            "timeline[0].data.a[0]: must be text, a number, true, false or null, not a list",
        ),
        ({"timeline": [_event(kind="no_such_kind")]}, "timeline[0].kind: must be one of "),
        ({"timeline": [_event(channel="Bad Channel")]}, "timeline[0].channel: not in the"),
    ],
)
def test_wrong_types_are_refused_with_file_line_field_and_nothing_is_written(
    tmp_path: Path, fields: dict, problem: str
) -> None:
    path, result = _import(tmp_path, _record(1), _record(2, **fields))
    assert result.exit_code == 2
    assert f"{path}:2: {problem}" in result.stderr
    assert "Traceback" not in result.output and "\x1b" not in result.output
    with Store(tmp_path / "data") as store:
        assert RequestRepository(store).matching(RequestFilter(include_closed=True)) == []


def test_ids_are_normalised_so_zero_padding_cannot_hide_a_duplicate(tmp_path: Path) -> None:
    path, result = _import(
        tmp_path, _record(1, id="sr-20261123-00001"), _record(2, id="SR-20261123-0001")
    )
    assert result.exit_code == 2
    assert f"{path}:2: id: SR-20261123-0001 is also on line 1" in result.stderr
    with Store(tmp_path / "data") as store:
        assert not store.holds_data("counters")  # no counter was raised either


def test_an_imported_id_is_stored_in_its_one_spelling_and_defaults_are_filled(
    tmp_path: Path,
) -> None:
    bare = {k: v for k, v in _record(8).items() if k in ("id", "received", "category", "summary")}
    _, result = _import(tmp_path, _record(7, id="sr-20261123-00007"), bare)
    assert result.exit_code == 0, result.output
    with Store(tmp_path / "data") as store:
        repository = RequestRepository(store)
        assert repository.get("SR-20261123-0007").id == "SR-20261123-0007"
        assert repository.get("SR-20261123-0008").severity.value == "minor"
        assert repository.timeline("SR-20261123-0008") == []


def test_a_blank_name_the_import_takes_is_stored_empty(tmp_path: Path) -> None:
    """A name of only blanks names nobody: optional names are kept empty, never as spaces."""
    blank = _record(
        9,
        reporter={"name": "  ", "phone": " ", "email": ""},
        customer={"name": "\u3000"},
        owner={"unit": " ", "person": "  "},
        site="  ",
    )
    _, result = _import(tmp_path, blank)
    assert result.exit_code == 0, result.output
    with Store(tmp_path / "data") as store:
        sr = RequestRepository(store).get("SR-20261123-0009")
    names = (sr.reporter.name, sr.reporter.phone, sr.customer.name, sr.owner.unit, sr.site)
    assert names == ("", "", "", "", "") and sr.owner.person == ""


# -- the fuzz: whatever is accepted renders everywhere; whatever is refused says where ------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
FIELDS = [
    "id", "received", "category", "summary", "severity", "intake", "reporter", "customer",
    "site", "product", "description", "criteria", "owner", "level", "status", "red_flag",
    "drill", "callback_attempts", "timeline",
]  # fmt: skip
GOOD_VALUES = {
    "severity": st.sampled_from(["critical", "major", "minor", "info"]),
    "status": st.sampled_from(["new", "dispatched", "acknowledged", "resolved", "closed"]),
    "customer": st.fixed_dictionaries(
        {"name": st.text(max_size=20), "vip": st.sampled_from([None, "bank", "government"])}
    ),
    "red_flag": st.sampled_from(
        [
            None,
            {"opened": f"{DAY}T20:05:00+00:00", "closed": None},
            {"opened": f"{DAY}T20:05:00+08:00"},
        ]
    ),
    "drill": st.booleans(),
    "criteria": st.lists(st.sampled_from(["1", "9", "12", "AS-1"]), max_size=3),
    "description": st.text(max_size=40),
    "site": st.sampled_from(["shanghai", "", "北京"]),
}


@st.composite
def records(draw) -> dict:
    record = _record(draw(st.integers(1, 9999)))
    for name, values in GOOD_VALUES.items():
        if draw(st.booleans()):
            record[name] = draw(values)
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=2)):
        if draw(st.booleans()):
            record[name] = draw(JSON)
        else:
            record.pop(name, None)
    return record


PROBLEM = re.compile(r"^\S+:1: [\w.\[\]()]+: \S.*$")


@settings(
    max_examples=int(os.environ.get("IMPORT_FUZZ_EXAMPLES", 40)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(record=records())
def test_every_accepted_record_renders_and_every_refused_one_says_where(record: dict) -> None:
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder:
        env = {"DISPATCHER_DATA": str(Path(folder) / "data")}
        path = Path(folder) / "in.jsonl"
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        result = runner.invoke(cli, ["sr", "import", str(path)], env=env)
        event("refused" if result.exit_code == 2 else "accepted")
        if result.exit_code == 2:
            lines = result.stderr.splitlines()
            assert lines[-1].startswith(f"Error: {path}: ") and "nothing was imported" in lines[-1]
            assert lines[:-1] and all(PROBLEM.match(line) for line in lines[:-1]), lines
            return
        assert result.exit_code == 0, result.output
        sr_id = format_id(*parse_id(record["id"]))
        window = ["--from", f"{DAY}T00:00:00+00:00", "--to", "2026-11-25T00:00:00+00:00"]
        for args in (
            ["sr", "list", "--all"],
            ["sr", "list", "--all", "--drills"],
            ["sr", "show", sr_id],
            ["sr", "show", sr_id, "--json"],
            ["report", "handover", "--roster", str(ROSTER), *window],
            ["report", "daily", "--roster", str(ROSTER), *window],
            ["report", "weekly", "--roster", str(ROSTER), "--format", "csv", *window],
            ["report", "monthly", "--roster", str(ROSTER), "--format", "json", *window],
        ):
            shown = runner.invoke(cli, args, env=env)
            assert shown.exit_code == 0, (args, shown.output)


# -- killed part-way: absent, complete, or completed by --resume ---------------------------

REQUESTS = 20_000


def _big_file(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(REQUESTS):
            day = 1 + n // 2000  # ten days of October and November, 2,000 requests a day
            month, day = (10, day) if day <= 5 else (11, day)
            received = (
                f"2026-{month:02d}-{day:02d}T{n % 24:02d}:00:00+08:00"  # the CSC's day its id names
            )
            out.write(
                json.dumps(
                    {
                        "id": f"SR-2026{month:02d}{day:02d}-{n % 2000 + 1:04d}",
                        "received": received,
                        "category": "consultation",
                        "summary": f"request {n}",
                        "status": "closed" if n % 10 else "in_progress",
                        "timeline": [{"at": received, "actor": "desk", "kind": "registered"}],
                    }
                )
                + "\n"
            )


def _count(data: Path) -> int:
    with Store(data) as store:
        repository = RequestRepository(store)
        return len(repository.matching(RequestFilter(include_closed=True, drill=None)))


def _bytes(data: Path) -> int:
    """What a data directory holds, in bytes (files come and go as the import writes)."""
    total = 0
    for path in data.rglob("*"):
        with contextlib.suppress(OSError):
            total += path.stat().st_size if path.is_file() else 0
    return total


def _kill_after(child: subprocess.Popen, data: Path, size: float) -> None:
    """SIGKILL `child` once `data` holds `size` bytes, or at once if it has ended."""
    wait_for(
        lambda: _bytes(data) >= size or child.poll() is not None,
        timeout=300,
        what=f"the import wrote {size:.0f} bytes",
    )
    child.send_signal(signal.SIGKILL)


def _dispatcher(*args: str, data: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("dispatcher")), *args],
        env={**os.environ, "DISPATCHER_DATA": str(data)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_an_import_killed_at_random_is_absent_complete_or_completed_by_resume(tmp_path: Path):
    source = tmp_path / "year.jsonl"
    _big_file(source)
    started = time.monotonic()
    whole = _dispatcher("sr", "import", str(source), data=tmp_path / "whole")
    assert whole.wait(timeout=300) == 0, whole.stderr.read()
    whole.stdout.close(), whole.stderr.close()
    duration = time.monotonic() - started
    assert _count(tmp_path / "whole") == REQUESTS
    written = _bytes(tmp_path / "whole")
    rng = random.Random(14)
    outcomes = []
    for round_ in range(10):
        data = tmp_path / f"round-{round_}"
        child = _dispatcher("sr", "import", str(source), data=data)
        # killed once it has written a random share of what the whole import writes (or ended)
        _kill_after(child, data, rng.uniform(0.0, 1.1) * written)
        child.wait(timeout=60)
        child.stdout.close(), child.stderr.close()
        found = _count(data)
        if found in (0, REQUESTS):
            outcomes.append("absent" if found == 0 else "complete")
            continue
        again = _dispatcher("sr", "import", str(source), data=data)
        _, refused = again.communicate(timeout=300)
        assert again.returncode == 2 and "--resume" in refused
        resumed = _dispatcher("sr", "import", "--resume", str(source), data=data)
        said, errors = resumed.communicate(timeout=300)
        assert resumed.returncode == 0, errors
        assert f"{found} {'was' if found == 1 else 'were'} already imported" in said
        assert _count(data) == REQUESTS
        outcomes.append(f"resumed after {found}")
    print(f"\nimport of {REQUESTS}: {duration:.1f} s whole; kills: {outcomes}")


def test_an_import_compacts_each_month_once(tmp_path: Path, monkeypatch) -> None:
    """Batch after batch into two archive months: each month's snapshot is written once, the
    first as the import is done with it, the last at the end (not after every batch)."""
    from dispatcher.store import compaction, transfer

    monkeypatch.setattr(transfer, "BATCH", 3)
    written: list[Path] = []
    real = compaction.install_snapshot
    monkeypatch.setattr(
        compaction,
        "install_snapshot",
        lambda directory, *rest: written.append(directory) or real(directory, *rest),
    )
    october = [
        _record(n, status="closed", id=f"SR-20261023-{n:04d}", received="2026-10-23T20:00:00+00:00")
        for n in range(1, 8)
    ]
    records = october + [_record(n, status="closed") for n in range(1, 11)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with Store(tmp_path / "data", compact_min_bytes=1) as store:
        summary = transfer.import_file(path, RequestRepository(store), zone=ZoneInfo("UTC"))
    assert summary.requests == 17
    archives = [d.name for d in written if d.parent.name == "archive"]
    assert archives == ["2026-10", "2026-11"]
    with Store(tmp_path / "data") as store:
        listed = RequestRepository(store).matching(RequestFilter(include_closed=True))
        assert len(listed) == 17


@settings(deadline=None)  # the first example imports the store: slow on a loaded machine
@given(
    at=st.datetimes(timezones=st.timezones()),
    text=st.text(max_size=20),
    data=st.dictionaries(st.sampled_from(["step", "clock"]), st.integers() | st.text(max_size=5)),
    events=st.integers(min_value=1, max_value=3),
)
def test_an_imported_event_is_stored_as_the_event_would_store_itself(at, text, data, events):
    from dispatcher.domain.timeline import Event
    from dispatcher.store.import_schema import check_record
    from dispatcher.store.transfer import _stored

    timeline = [{"at": at.isoformat(), "actor": "desk", "kind": "note", "text": text, "data": data}]
    record, _ = check_record(_record(1, timeline=timeline * events))
    if record is None:  # a text with a control character, say
        return
    _, stored = _stored(record)
    assert [e["seq"] for e in stored] == list(range(1, events + 1))
    assert stored == [Event.from_dict(e).to_dict() for e in stored]
    assert [list(e) for e in stored] == [list(Event.from_dict(e).to_dict()) for e in stored]


ODD_TEXT = st.text(st.characters(codec="utf-8"), max_size=6) | st.sampled_from(["", "a" * 201])
TIMES = st.sampled_from(
    ["2026-11-23T20:00:00+00:00", "2026-11-23T20:00:00.5+08:00", "2026-11-23T20:00:00", "x"]
)
VALUES = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ODD_TEXT
KEYS = st.sampled_from(["step", "clock", "bad key", "x" * 65]) | ODD_TEXT
EVENTS = st.fixed_dictionaries(
    {
        "at": TIMES,
        "actor": st.sampled_from(["desk", "eng1"]) | ODD_TEXT,
        "kind": st.sampled_from(["note", "Note", "registered"]) | ODD_TEXT,
    },
    optional={
        "text": ODD_TEXT | VALUES,
        "channel": ODD_TEXT | VALUES,
        "data": st.dictionaries(KEYS, VALUES | st.lists(VALUES, max_size=2), max_size=9) | VALUES,
        "extra": VALUES,
    },
)


@settings(deadline=None)  # the first example imports the store: slow on a loaded machine
@given(event=EVENTS)
def test_the_quick_event_check_agrees_with_the_field_by_field_one(event: dict) -> None:
    """The quick path accepts only what the field-by-field check accepts, as it normalises it."""
    from dispatcher.store import import_schema

    quick = import_schema._plain_event(event)
    problems: list[str] = []
    thorough = import_schema._EVENT(event, "timeline[0]", problems)
    if quick is not None:
        assert problems == [] and quick == thorough and list(quick) == list(thorough)


@settings(deadline=None)  # the first example imports the store: slow on a loaded machine
@given(
    at=st.from_regex(
        r"\A\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d(\.\d{6}|\.0{6})?([+-][0-2]\d:[0-7]\d|-00:00)\Z"
    )
)
def test_a_time_kept_as_written_is_the_time_normalised(at: str) -> None:
    from datetime import datetime

    from dispatcher.store import import_schema

    try:
        parsed = datetime.fromisoformat(at)
    except ValueError:
        return
    if import_schema._ISO_AS_WRITTEN.match(at):
        assert parsed.isoformat() == at
