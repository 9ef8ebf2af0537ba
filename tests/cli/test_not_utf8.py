"""Bytes that are not UTF-8 in what a person types get one line naming the option, exit 2, in
both languages (promise 8), never an internal error; nothing is written.

Python hands such bytes to the program as lone surrogates (PEP 383, `surrogateescape`): the
subprocess tests pass real bytes, the in-process ones the surrogates Python makes of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BAD = "caf\udce9"  # what Python makes of b"caf\xe9"


def dispatcher(tmp_path: Path, *args: bytes | str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "DISPATCHER_DATA": str(tmp_path / "data"), "DISPATCHER_LANG": "en"}
    command = [str(Path(sys.executable).parent / "dispatcher"), *args]
    return subprocess.run(command, env=env, capture_output=True, timeout=60, check=False)


@pytest.mark.parametrize(
    ("language", "line"),
    [("en", "Error: --summary: not UTF-8 text"), ("zh", "错误:--summary:不是 UTF-8 文本")],
)
def test_real_bytes_in_an_option_give_one_line_and_exit_2(tmp_path, language, line):
    result = dispatcher(
        tmp_path,
        "--lang",
        language,
        "sr",
        "new",
        "--roster",
        str(ROOT / "contacts.yaml"),
        "--category",
        "consultation",
        "--summary",
        b"caf\xe9",
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.decode().splitlines() == [line]
    assert not (tmp_path / "data" / "requests").exists() or not any(
        (tmp_path / "data" / "requests").rglob("*.json*")
    )


def test_real_bytes_in_an_argument_give_one_line(tmp_path):
    result = dispatcher(tmp_path, "sr", "note", "SR-20261124-0001", b"hi\x9b31m")
    assert result.returncode == 2, result.stderr
    assert result.stderr.decode().splitlines() == ["Error: TEXT: not UTF-8 text"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["sr", "new", "--category", "consultation", "--summary", BAD], "--summary"),
        (
            ["sr", "new", "--category", "consultation", "--summary", "ok", "--customer", BAD],
            "--customer",
        ),
        (["sr", "note", "SR-20261124-0001", BAD], "TEXT"),
        (["sr", "show", BAD], "SR_ID"),
        (["chain", "show", BAD], "SR_ID"),
        (["sr", "list", "--site", BAD], "--site"),
        (["roster", "oncall", "--unit", BAD], "--unit"),
    ],
)
def test_every_typed_text_refuses_them_naming_the_field(run, args, field):
    for language, line in (("en", f"{field}: not UTF-8 text"), ("zh", ":不是 UTF-8 文本")):
        result = run("--lang", language, *args, ok=False)
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].endswith(line), result.output  # zh names it its way
    assert json.loads(run("sr", "list", "--all", "--json").output) == []
