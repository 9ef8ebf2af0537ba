"""Fixtures every test directory shares."""

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli


@pytest.fixture
def run(tmp_path, monkeypatch):
    """`dispatcher …` on a fresh data directory, as a dispatcher types it."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args, ok=True):
        result = runner.invoke(
            cli, [str(a) for a in args], env={"DISPATCHER_DATA": str(tmp_path / "data")}
        )
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke
