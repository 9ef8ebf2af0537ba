"""`dispatcher logs [--follow]` and the log file the engine writes."""

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.logfile import log_path
from dispatcher.testing.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "twilio-token-" + "6b1d" * 6


def test_without_a_log_one_line_says_where_it_would_be(tmp_path):
    result = CliRunner().invoke(cli, ["logs", "--data", str(tmp_path)])

    assert result.exit_code == 2
    assert (
        result.output.strip()
        == f"Error: no log yet at {log_path(tmp_path)}: the desk or the engine writes it"
    )


def test_the_last_lines_are_shown_with_control_characters_replaced(tmp_path):
    path = log_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("one\ntwo\nthree \x1b[31mred\n", encoding="utf-8")

    result = CliRunner().invoke(cli, ["logs", "-n", "2", "--data", str(tmp_path)])

    assert result.exit_code == 0 and result.output == "two\nthree \\u001b[31mred\n"


def dispatcher(*args, env):
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("dispatcher")), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def reader(process) -> queue.Queue:
    """The lines `process` prints, as they come, without blocking the test."""
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in process.stdout], daemon=True).start()
    return lines


def environment(**extra):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SMTP_", "DISPATCHER_"))
    }
    return {**env, **extra}


def test_the_engine_logs_to_the_data_directory_and_logs_follow_shows_it(tmp_path):
    env = environment(TWILIO_AUTH_TOKEN=TOKEN)
    engine = dispatcher(
        "--log-level",
        "debug",
        "engine",
        "--roster",
        "contacts.yaml",
        "--data",
        str(tmp_path),
        env=env,
    )
    follower = None
    try:
        path = log_path(tmp_path)
        wait_for(
            lambda: path.is_file() and "engine running on" in path.read_text(),
            what="the engine's first line in the log",
        )
        engine.send_signal(signal.SIGTERM)
        assert engine.wait(timeout=30) == 0, engine.stderr.read()
        follower = dispatcher("logs", "--follow", "-n", "1", "--data", str(tmp_path), env=env)
        lines = reader(follower)
        assert "engine" in lines.get(timeout=30)  # the last line: it is following now
        with path.open("a", encoding="utf-8") as log:
            log.write("2026-11-24T03:00:00Z INFO 1 test: appended\x1b[2J later\n")
        assert (
            lines.get(timeout=30) == "2026-11-24T03:00:00Z INFO 1 test: appended\\u001b[2J later\n"
        )
    finally:
        for process in (engine, follower):
            if process is not None and process.poll() is None:
                process.kill()
                process.communicate()
    text = path.read_text()
    assert "dispatcher engine started" in text and TOKEN not in text
