"""The README's examples run: every `dispatcher …` command in its shell code blocks, in order,
against the sample roster (`contacts.yaml`) in a fresh data directory, exits as the README says.

Rules the README keeps so that this holds:
- a command's expected exit status is 0, unless its comment says "exit N";
- the desk runs on a pseudo-terminal and is quit once it has drawn itself;
- a command whose comment says "until Ctrl-C" runs in a process of its own, is interrupted
  once it has printed its first line, and must then exit 0;
- no provider is configured (`quiet_environ`): nothing leaves the machine;
- ids are placeholders the test fills in from what earlier commands printed: `SR-…` (and
  `PS-…`) is the request (planned work) seen last, and an id written in full, such as
  `SR-20261124-0042`, `PS-20261125-01` or `ovr-1`, is the first one printed that no other
  id of the README stands for yet.
"""

import fcntl
import os
import pty
import queue
import re
import select
import shlex
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
IDS = {  # family: (an id as printed, the README's "the last one")
    "request": (re.compile(r"SR-\d{8}-\d{4}"), "SR-…"),
    "planned": (re.compile(r"PS-\d{8}-\d{2}"), "PS-…"),
    "override": (re.compile(r"ovr-\d+"), None),
}


@dataclass
class Example:
    line: int
    text: str
    exit_code: int
    until_interrupted: bool


def readme_examples(readme: str) -> list[Example]:
    """Every `dispatcher …` command in the README's shell blocks (continuation lines joined)."""
    examples = []
    for block in FENCE.finditer(readme):
        if block.group(1) not in ("", "sh"):
            continue
        first_line = readme.count("\n", 0, block.start(2)) + 1
        joined = re.sub(r"\\\n\s*", " ", block.group(2))
        for offset, raw in enumerate(joined.splitlines()):
            command = re.split(r"\s#\s", raw, maxsplit=1)[0]
            comment = raw[len(command) :]
            if not command.startswith("dispatcher "):
                continue
            code = re.search(r"\bexit (\d)\b", comment)
            examples.append(
                Example(
                    first_line + offset,
                    command.strip(),
                    int(code.group(1)) if code else 0,
                    "until Ctrl-C" in comment,
                )
            )
    return examples


@dataclass
class Ids:
    """What the README's ids stand for, learnt from what the commands printed."""

    seen: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in IDS})
    meant: dict[str, str] = field(default_factory=dict)

    def learn(self, output: str) -> None:
        for family, (pattern, _) in IDS.items():
            for found in pattern.findall(output):
                if found not in self.seen[family]:
                    self.seen[family].append(found)

    def fill(self, command: str) -> str:
        for family, (pattern, last) in IDS.items():
            command = pattern.sub(lambda m, f=family: self._meant(f, m.group()), command)
            if last and last in command:
                assert self.seen[family], f"{last}: no {family} was printed before"
                command = command.replace(last, self.seen[family][-1])
        return command

    def _meant(self, family: str, written: str) -> str:
        if written not in self.meant:
            taken = set(self.meant.values())
            free = [i for i in self.seen[family] if i not in taken]
            assert free, f"{written}: no {family} printed yet that it could stand for"
            self.meant[written] = free[0]
        return self.meant[written]


def test_the_readme_has_examples_of_every_command():
    commands = {tuple(shlex.split(e.text)[1:2]) for e in readme_examples(_readme())}
    from dispatcher.cli import COMMANDS

    assert {(name,) for name in COMMANDS} <= commands


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_every_readme_example_runs_against_the_sample_roster(tmp_path, monkeypatch, quiet_environ):
    (tmp_path / "contacts.yaml").write_bytes((ROOT / "contacts.yaml").read_bytes())
    monkeypatch.chdir(tmp_path)
    env = {**quiet_environ, "DISPATCHER_DATA": str(tmp_path / "data"), "COLUMNS": "120"}
    ids = Ids()
    for example in readme_examples(_readme()):
        command = ids.fill(example.text)
        where = f"README.md:{example.line}: {command}"
        if shlex.split(command)[1] == "desk":
            code, output = _in_a_terminal(shlex.split(command)[1:], env, tmp_path)
        elif example.until_interrupted:
            code, output = _until_interrupted(shlex.split(command)[1:], env, tmp_path)
        else:
            result = CliRunner().invoke(cli, shlex.split(command)[1:], env=env)
            code, output = result.exit_code, result.output
            assert not isinstance(result.exception, Exception) or code in (1, 2), where
        assert code == example.exit_code, f"{where}\nexit {code}:\n{output}\n{ids.seen}"
        ids.learn(output)


def _in_a_terminal(args: list[str], env: dict, cwd: Path) -> tuple[int, str]:
    """Run the full-screen desk on a pseudo-terminal of 120x40 and quit it (ctrl+q, again
    every 2 s until it has), reading its screen all along so it never blocks writing."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-c", "from dispatcher.cli import main; main()", *args],
        env={**os.environ, **env, "TERM": "xterm-256color"},
        cwd=cwd,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    screen, asked = b"", 0.0
    deadline = time.monotonic() + 90
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if b"dispatcher" in screen and time.monotonic() > asked + 2:
                os.write(master, b"\x11")  # ctrl+q, once the desk has drawn itself
                asked = time.monotonic()
            if select.select([master], [], [], 0.2)[0]:
                try:
                    screen += os.read(master, 65536)
                except OSError:  # the desk closed the terminal
                    break
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    return process.returncode, screen.decode(errors="replace")[-2000:]


def _until_interrupted(args: list[str], env: dict, cwd: Path) -> tuple[int, str]:
    """Run `dispatcher ARGS` until it has printed a line, then interrupt it (Ctrl-C)."""
    process = subprocess.Popen(
        [sys.executable, "-c", "from dispatcher.cli import main; main()", *args],
        env={**os.environ, **env},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # As a terminal starts it: a suite started in the background (`make test &`) ignores
        # Ctrl-C, and a child inherits that, so its Ctrl-C would never arrive.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout])
    reader.start()
    try:
        first = lines.get(timeout=60)  # its first line, or the test fails naming the command
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    reader.join(timeout=10)  # the pipe closes once the process is gone
    rest = []
    while not lines.empty():
        rest.append(lines.get())
    return process.returncode, first + "".join(rest)
