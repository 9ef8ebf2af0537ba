"""Text from outside stays text (promise 6): hostile strings are refused where a person types
them, with one line naming the field, and escaped in every output of the command line;
`--json` keeps them exact."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.cli.terminal import EscapingFormatter
from dispatcher.domain.request_parts import Category, Customer, Reporter
from dispatcher.domain.requests import ServiceRequest
from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository
from dispatcher.testing.hostile import HOSTILE, assert_inert

CASES = list(HOSTILE.items())
IDS = list(HOSTILE)
ROOT = Path(__file__).resolve().parents[2]


def one_line_refusal(result, field: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and field in lines[0] and "not allowed" in lines[0], lines
    assert "Traceback" not in result.output
    assert_inert(result.output)


@pytest.mark.parametrize(("name", "text"), CASES, ids=IDS)
def test_typed_fields_refuse_control_characters_naming_the_field(run, name, text):
    base = ["sr", "new", "--category", "consultation"]
    one_line_refusal(run(*base, "--summary", text, ok=False), "--summary")
    one_line_refusal(run(*base, "--summary", "ok", "--reporter", text, ok=False), "--reporter")
    one_line_refusal(run(*base, "--summary", "ok", f"--customer={text}", ok=False), "--customer")
    sr_id = json.loads(run(*base, "--summary", "Fine", "--json").output)["id"]
    one_line_refusal(run("sr", "note", sr_id, text, ok=False), "TEXT")
    assert json.loads(run("sr", "list", "--json").output)[0]["summary"] == "Fine"


def test_a_note_may_hold_newlines_and_tabs(run):
    sr_id = json.loads(
        run("sr", "new", "--category", "consultation", "--summary", "ok", "--json").output
    )["id"]
    run("sr", "note", sr_id, "first line\n\tsecond line")


def test_an_import_refuses_them_naming_file_line_and_field(run, tmp_path):
    good = {
        "id": "SR-20261101-0001",
        "received": "2026-11-01T01:00:00+00:00",
        "category": "consultation",
        "summary": "fine",
    }
    path = tmp_path / "in.jsonl"
    lines = [json.dumps(good)]
    lines += [
        json.dumps({**good, "id": f"SR-20261101-{n + 2:04d}", "summary": text})
        for n, text in enumerate(HOSTILE.values())
    ]
    path.write_text("\n".join(lines) + "\n")
    result = run("sr", "import", path, ok=False)
    assert result.exit_code == 2
    for n in range(len(HOSTILE)):
        assert f"{path}:{n + 2}: summary: " in result.output
    assert_inert(result.output)
    assert json.loads(run("sr", "list", "--all", "--json").output) == []


@pytest.mark.parametrize(("name", "text"), CASES, ids=IDS)
def test_a_roster_name_with_them_fails_roster_check_with_file_line_field(tmp_path, name, text):
    roster = (ROOT / "contacts.yaml").read_text()
    first = roster.index("    name: ", roster.index("people:"))
    end = roster.index("\n", first)
    bad = roster[:first] + f"    name: {json.dumps(text)}" + roster[end:]
    path = tmp_path / "contacts.yaml"
    path.write_text(bad)
    result = CliRunner().invoke(cli, ["roster", "check", str(path)])
    assert result.exit_code == 2, result.output
    line = bad[:first].count("\n") + 1
    assert f"{path}:{line}:" in result.output and "people[0].name: " in result.output
    assert "not allowed" in result.output
    assert_inert(result.output)


def plant(data: Path) -> str:
    """Old data, or data that came in another way: every text field of an SR hostile."""
    every = " ".join(HOSTILE.values())
    at = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
    with Store(data) as store:
        repository = RequestRepository(store)

        def build(sr_id: str) -> ServiceRequest:
            return ServiceRequest(
                id=sr_id,
                received=at,
                category=Category.FAULT_SUPPORT,
                summary=every,
                description=every,
                reporter=Reporter(every, "+15550100", "x@example.org"),
                customer=Customer(every),
                site=every,
                product=every,
            )

        sr, _ = repository.register(at, build, at, every, "phone", zone=ZoneInfo("Asia/Shanghai"))
        repository.change(sr.id, lambda r: r.note(at, every, every, every))
    return sr.id


def test_every_text_output_escapes_them_and_json_keeps_them(run, tmp_path):
    sr_id = plant(tmp_path / "data")
    every = " ".join(HOSTILE.values())
    shift = ["--from", "2026-11-24T12:00:00+00:00", "--to", "2026-11-24T20:00:00+00:00"]
    handover = ["report", "handover", *shift, "--roster", ROOT / "contacts.yaml"]
    outputs = {
        "sr list": run("sr", "list").output,
        "sr show": run("sr", "show", sr_id).output,
        "sr note echo": run("sr", "note", sr_id, "seen").output,
        "report handover": run(*handover).output,
        "report handover csv": run(*handover, "--format", "csv").output,
    }
    for command, output in outputs.items():
        assert "PWNED" in output or command == "sr note echo", command
        assert_inert(output)
    assert "\\u001b]52;c;" in outputs["sr show"]  # shown, as text, not obeyed

    shown = json.loads(run("sr", "show", sr_id, "--json").output)
    assert_inert(run("sr", "show", sr_id, "--json").output)
    assert shown["request"]["summary"] == every  # JSON keeps the data exact
    assert any(e["text"] == every for e in shown["timeline"])
    report = json.loads(run(*handover, "--format", "json").output)
    assert every in strings(report)  # the report's JSON keeps it exact too

    out = tmp_path / "handover.md"
    run(*handover, "--output", out)
    assert_inert(out.read_text())


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for item in value for s in strings(item)] if isinstance(value, list) else []


def test_log_lines_escape_them():
    formatter = EscapingFormatter("%(levelname)s %(message)s")
    for text in HOSTILE.values():
        record = logging.LogRecord(
            "dispatcher", logging.WARNING, __file__, 1, "reply: %s", (text,), None
        )
        line = formatter.format(record)
        assert "PWNED" in line
        assert_inert(line)


def test_an_export_file_is_inert_and_imports_back_exact(run, tmp_path):
    """`sr export --output` is read with cat and less as often as it is imported: C1 and
    bidirectional controls (which JSON leaves raw) are written as \\uXXXX, the same data."""
    sr_id = plant(tmp_path / "data")
    out = tmp_path / "export.jsonl"
    run("sr", "export", "--all", "--output", out)
    assert_inert(out.read_text(encoding="utf-8"))
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["id"] == sr_id and record["summary"] == " ".join(HOSTILE.values())
