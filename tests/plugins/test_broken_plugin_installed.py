"""A broken plugin installed for real (found through its entry point by a new process):
`dispatcher plugins` names what is wrong; `dispatcher engine` runs and logs why it is off."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from dispatcher.logfile import log_path
from dispatcher.testing.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
BROKEN = '''
from dispatcher.plugins import hookimpl

@hookimpl
def dispatcher_chanels(register, settings):
    """A typo: before, every command that loads plugins stopped with exit 2."""
'''
REASON = "unknown hook 'dispatcher_chanels' (did you mean dispatcher_channels?)"


def install_broken_plugin(site: Path) -> None:
    """What pip leaves behind for a one-module distribution with a `dispatcher` entry point."""
    (site / "chat_robot.py").write_text(BROKEN)
    info = site / "dispatcher_chat_robot-0.3.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: dispatcher-chat-robot\nVersion: 0.3\n"
    )
    (info / "entry_points.txt").write_text("[dispatcher]\nchat = chat_robot\n")


def command(*args):
    return [str(Path(sys.executable).with_name("dispatcher")), *args]


def test_plugins_and_engine_run_beside_an_installed_broken_plugin(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    install_broken_plugin(site)
    data = tmp_path / "data"
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TWILIO_", "SMTP_", "DISPATCHER_"))
        },
        "PYTHONPATH": str(site),
    }

    listed = subprocess.run(
        command("plugins", "--data", str(data)),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    assert f"chat 0.3 (dispatcher-chat-robot) [failed: {REASON}]" in listed.stdout

    returncode, err = run_engine_until_running(data, env, tmp_path)
    assert returncode == 0, err
    assert "channels desk" in err
    assert f"plugin chat disabled: {REASON}" in log_path(data).read_text()


def run_engine_until_running(data: Path, env: dict, cwd: Path) -> tuple[int, str]:
    """`dispatcher engine` on `data` with the sample roster until its log says it runs,
    then stopped with SIGTERM: its exit code and what it wrote on stderr."""
    engine = subprocess.Popen(
        command("engine", "--roster", str(ROOT / "contacts.yaml"), "--data", str(data)),
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        log = log_path(data)
        wait_for(
            lambda: (
                (log.is_file() and "engine running on" in log.read_text())
                or engine.poll() is not None
            ),
            timeout=60,
            what="the engine started",
        )
        assert engine.poll() is None, engine.communicate()
        engine.send_signal(signal.SIGTERM)
        _, err = engine.communicate(timeout=30)
    finally:
        if engine.poll() is None:
            engine.kill()
            engine.communicate()
    return engine.returncode, err
