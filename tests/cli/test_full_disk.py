"""A full disk, seen from the command line: one clear line, exit 2, and nothing lost."""

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

DISPATCHER = str(Path(sys.executable).with_name("dispatcher"))


def run(data: Path, *args: str, file_limit: int | None = None) -> subprocess.CompletedProcess:
    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run(
        [DISPATCHER, *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, DISPATCHER_DATA=str(data)),
        preexec_fn=limit_file_size if file_limit is not None else None,
    )


def test_a_full_disk_is_reported_and_earlier_requests_survive(tmp_path):
    first = run(
        tmp_path, "sr", "new", "--summary", "before the disk filled", "--category", "consultation"
    )
    assert first.returncode == 0, first.stderr
    journal = max((tmp_path / "live").glob("journal.*"), key=lambda p: p.stat().st_size)

    refused = run(
        tmp_path,
        "sr",
        "new",
        "--summary",
        "x" * 2000,
        "--category",
        "consultation",
        file_limit=journal.stat().st_size + 100,
    )
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "file too large" in lines[0] and "the change was not saved" in lines[0]

    listed = run(tmp_path, "sr", "list", "--json")
    assert [r["summary"] for r in json.loads(listed.stdout)] == ["before the disk filled"]
    again = run(tmp_path, "sr", "new", "--summary", "after", "--category", "consultation")
    assert again.returncode == 0
    assert again.stdout.strip().endswith("-0002"), "the failed write used no number"
