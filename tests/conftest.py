"""Fixtures every test directory shares."""

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli


@pytest.fixture(autouse=True)
def own_config_folder(tmp_path_factory, monkeypatch):
    """Every test reads and writes the desk's remembered settings in a folder of its own."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))


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
