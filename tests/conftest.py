"""Fixtures every test directory shares; and for every test, the process's logging put back
afterwards (the desk, the engine and live drills start the log file), the file closed."""

import logging

import pytest
from click.testing import CliRunner
from hypothesis import settings

from dispatcher.cli import cli
from dispatcher.testing.waiting import settle_workers

# Hypothesis fails an example slower than 200 ms by default: on a loaded machine that measures
# the machine, not the code. Timing claims live in bench/, never in the suite.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")


@pytest.fixture(autouse=True)
def own_config_folder(tmp_path_factory, monkeypatch):
    """Every test reads and writes the desk's remembered settings in a folder of its own, and
    acts as nobody the shell named (`DISPATCHER_AS` unset: set but blank is refused)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    monkeypatch.delenv("DISPATCHER_AS", raising=False)


@pytest.fixture(autouse=True)
def logging_restored():
    root, ours = logging.getLogger(), logging.getLogger("dispatcher")
    handlers, levels = list(root.handlers), (root.level, ours.level)
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(levels[0])
    ours.setLevel(levels[1])


CSC_ZONE = "Asia/Shanghai"  # the sample roster's csc zone


@pytest.fixture
def run(tmp_path, monkeypatch):
    """`dispatcher …` on a fresh data directory, as a dispatcher types it; the directory's
    CSC zone is the sample roster's, as if a command with the roster had run first."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args, ok=True):
        result = runner.invoke(
            cli, [str(a) for a in args], env={"DISPATCHER_DATA": str(tmp_path / "data")}
        )
        if ok:
            assert result.exit_code == 0, result.output
        return result

    invoke("store", "zone", CSC_ZONE)
    return invoke


@pytest.fixture
def settle():
    """A desk under `run_test`: let its workers finish and their results reach the screen.
    A worker cancelled by a newer one of its group is waited past, not raised."""
    return settle_workers


@pytest.fixture
def quiet_environ() -> dict[str, str]:
    """Settings under which no provider channel is configured: pages go to the desk's own
    relay and nothing leaves the machine, whatever the shell running the tests has set."""
    return {
        "TWILIO_ACCOUNT_SID": "",
        "TWILIO_AUTH_TOKEN": "",
        "TWILIO_FROM": "",
        "SMTP_HOST": "",
        "DISPATCHER_WEBHOOK_URL": "",
        "DINGTALK_WEBHOOK_URL": "",
        "PUSH_TOPIC_URL": "",
        "DISPATCHER_ROSTER": "",
    }
