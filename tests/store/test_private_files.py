"""The journals hold customers' names and numbers: the data directory is 0700 and its files
0600 whatever the umask; exports and calendars written to a file are 0600 too."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return found


def test_the_data_directory_and_its_files_are_private(tmp_path, umask_022):
    data = tmp_path / "nested" / "data"
    runner = CliRunner()
    env = {"DISPATCHER_DATA": str(data)}
    for args in (
        ["sr", "new", "--summary", "Zhou Min, +8613800000000", "--category", "consultation"],
        ["sr", "list"],
    ):
        assert runner.invoke(cli, args, env=env).exit_code == 0
    with Store(data) as store:
        store.compact(store.live)  # a snapshot too
        assert RequestRepository(store).matching()
    found = modes(data)
    assert any(name.startswith("live/") for name in found)
    for name, mode in found.items():
        path = data / name
        wanted = 0o700 if path.is_dir() else 0o600
        assert mode == wanted, f"{name}: {oct(mode)}"


def test_an_older_world_readable_data_directory_is_made_private(tmp_path, umask_022):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    Store(data).close()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


def test_exports_and_calendars_written_to_files_are_private(tmp_path, umask_022):
    runner = CliRunner()
    env = {"DISPATCHER_DATA": str(tmp_path / "data")}
    runner.invoke(cli, ["sr", "new", "--summary", "x", "--category", "consultation"], env=env)
    export = tmp_path / "export.jsonl"
    result = runner.invoke(cli, ["sr", "export", "--output", str(export)], env=env)
    assert result.exit_code == 0, result.output
    calendar = tmp_path / "shifts.ics"
    result = runner.invoke(
        cli,
        [
            "roster",
            "ical",
            "--roster",
            str(ROOT / "contacts.yaml"),
            "--unit",
            "csc",
            "-o",
            str(calendar),
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    report = tmp_path / "handover.md"
    result = runner.invoke(
        cli,
        ["report", "handover", "--roster", str(ROOT / "contacts.yaml"), "--output", str(report)],
        env=env,
    )
    assert result.exit_code == 0, result.output
    for path in (export, calendar, report):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["data", "export.jsonl", "shifts.ics", "handover.md"]
    )  # no temporary file left beside them
