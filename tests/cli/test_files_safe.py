"""Files a command is pointed at cannot be turned against the host: `--output` never writes
through or replaces a symbolic link, special files are refused as input, an import line has
a size cap, and an alias bomb in a roster or drills.yaml is refused at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.store.transfer import MAX_LINE_BYTES

ROOT = Path(__file__).resolve().parents[2]


def refused(result, *words: str) -> str:
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "\n" not in line and "Traceback" not in line, line
    for word in words:
        assert word in line, line
    return line


@pytest.mark.parametrize(
    "command",
    [
        ["sr", "export"],
        ["report", "handover", "--roster", ROOT / "contacts.yaml"],
        ["roster", "ical", "--roster", ROOT / "contacts.yaml", "--unit", "csc"],
    ],
    ids=["sr export", "report handover", "roster ical"],
)
def test_output_never_replaces_or_writes_through_a_symlink(run, tmp_path, command):
    precious = tmp_path / "precious"
    precious.write_text("keep me\n")
    link = tmp_path / "out.txt"
    link.symlink_to(precious)
    option = "-o" if command[0] == "roster" else "--output"
    refused(run(*command, option, link, ok=False), "symbolic link", str(link))
    assert link.is_symlink() and precious.read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == ["out.txt", "precious"]
    refused(run(*command, option, "/dev/null", ok=False), "a device")


def test_output_replaces_a_file_whole(run, tmp_path):
    out = tmp_path / "export.jsonl"
    out.write_text("old\n")
    run("sr", "new", "--summary", "x", "--category", "consultation")
    run("sr", "export", "--output", out)
    assert json.loads(out.read_text())["summary"] == "x"


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null", "fifo"])
def test_special_files_are_refused_as_input(run, tmp_path, special):
    if special == "fifo":
        special = tmp_path / "fifo"
        os.mkfifo(special)
    refused(run("sr", "import", special, ok=False), "not a regular file")
    refused(run("roster", "check", special, ok=False), "not a regular file")


def test_an_import_line_over_the_cap_is_refused_by_line(run, tmp_path):
    path = tmp_path / "big.jsonl"
    with path.open("w") as out:
        out.write('{"id": "SR-20261101-0001", "summary": "' + "x" * (MAX_LINE_BYTES + 10) + '"}\n')
        out.write("{}\n")
    result = run("sr", "import", path, ok=False)
    assert f"{path}:1: (line): longer than" in result.output
    assert f"{path}:2: id: missing" in result.output


def bomb(depth: int = 9) -> str:
    """The alias-key bomb: each level a list of ten aliases of the one before, used as a key."""
    lines = ['a0: &k0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, depth + 1):
        lines.append(f"a{level}: &k{level} [{', '.join([f'*k{level - 1}'] * 10)}]")
    lines.append(f"? *k{depth}\n: 1")
    return "\n".join(lines) + "\n"


BASELINE = """
import resource, dispatcher.roster
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""
BOMB_CHECK = """
import resource, sys, time
from pathlib import Path
from dispatcher.roster import load_roster
from dispatcher.roster.errors import RosterError
resource.setrlimit(resource.RLIMIT_AS, (400_000_000, 400_000_000))
start = time.process_time()  # the CPU it burns: a loaded machine's waits do not count
try:
    load_roster(Path(sys.argv[1]))
except RosterError as error:
    print(f"{time.process_time() - start:.3f}", error, sep="\\n")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(peak)
"""


@pytest.mark.parametrize("name", ["contacts.yaml", "drills.yaml"])
def test_the_alias_key_bomb_is_refused_in_under_a_second_and_100_mb(tmp_path, name):
    path = tmp_path / name
    path.write_text(bomb())
    base = subprocess.run(
        [sys.executable, "-c", BASELINE], capture_output=True, text=True, timeout=60, check=True
    )
    done = subprocess.run(
        [sys.executable, "-c", BOMB_CHECK, str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    seconds, message, peak = done.stdout.strip().splitlines()
    assert float(seconds) < 1.0
    assert "a key must be text or a number" in message and f"{path}:" in message
    assert int(peak) - int(base.stdout) < 100_000_000


def test_drills_yaml_with_the_bomb_is_one_line_from_the_command(tmp_path):
    roster = tmp_path / "contacts.yaml"
    roster.write_text((ROOT / "contacts.yaml").read_text())
    (tmp_path / "drills.yaml").write_text(bomb())
    start = time.monotonic()
    result = CliRunner().invoke(
        cli,
        ["drill", "scenarios", "--roster", str(roster)],
        env={"DISPATCHER_DATA": str(tmp_path / "data")},
    )
    assert time.monotonic() - start < 5
    assert result.exit_code == 2, result.output
    assert "drills.yaml:" in result.output and "a key must be text" in result.output
