"""The desk in a real terminal: `dispatcher desk` on the sample roster inside tmux, driven by
keys sent to the pane, registering an emergency as a dispatcher would."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from dispatcher.store import Store
from dispatcher.store.requests import RequestFilter, RequestRepository

ROOT = Path(__file__).resolve().parents[2]
TMUX = shutil.which("tmux")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed (apt-get install tmux)"),
]


class Pane:
    def __init__(self, command: list[str], cwd: Path) -> None:
        self.name = f"desk-{uuid.uuid4().hex[:8]}"
        # a server of its own (no user configuration), a window of a fixed size
        self.tmux = [TMUX, "-L", self.name, "-f", "/dev/null"]
        subprocess.run(
            [*self.tmux, "new-session", "-d", "-s", self.name, "-x", "160", "-y", "45", *command],
            cwd=cwd,
            check=True,
        )
        subprocess.run(
            [*self.tmux, "resize-window", "-t", self.name, "-x", "160", "-y", "45"], check=True
        )

    def text(self) -> str:
        done = subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return done.stdout

    def wait_for(self, wanted: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.text()
            if wanted in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{wanted!r} never appeared; the pane shows:\n{self.text()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run([*self.tmux, "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, "-l", text], check=True)
        time.sleep(0.3)

    def alive(self) -> bool:
        return (
            subprocess.run(
                [*self.tmux, "has-session", "-t", self.name], capture_output=True
            ).returncode
            == 0
        )

    def kill(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)


@pytest.fixture
def pane(tmp_path):
    opened: list[Pane] = []

    def open_desk() -> Pane:
        dispatcher = Path(sys.executable).with_name("dispatcher")
        # without a terminal of its own, tmux hands the pane COLUMNS=80 LINES=24: drop them
        command = [
            "env",
            "-u",
            "COLUMNS",
            "-u",
            "LINES",
            str(dispatcher),
            "desk",
            "--roster",
            "contacts.yaml",
            "--data",
            str(tmp_path / "data"),
            "--lang",
            "en",
            "--as",
            "terminal-test",
        ]
        opened.append(Pane(command, ROOT))
        return opened[-1]

    yield open_desk
    for each in opened:
        each.kill()


def test_an_emergency_registered_in_a_real_terminal(pane, tmp_path):
    desk = pane()
    desk.wait_for("0 open requests")
    desk.keys("n")
    desk.wait_for("Emergency checklist")
    desk.type("Core network down in Shanghai")
    desk.keys("Tab", "Tab", "Tab", "Tab", "Enter")  # the site list
    desk.type("Shanghai")
    desk.keys("Enter")
    desk.wait_for("L1 from br-shanghai")  # the preview follows the form
    desk.keys("Tab", "Enter")  # the product list
    desk.type("msc")
    desk.keys("Enter")
    desk.wait_for("msc-9000 — MSC 9000")
    desk.keys(*["Tab"] * 7, "Space")  # the checklist: criterion 1
    desk.wait_for("EMERGENCY")
    desk.keys("C-s")
    screen = desk.wait_for("1 emergency ")  # one: singular
    assert "Core network down" in screen
    with Store(tmp_path / "data") as store:
        [sr] = RequestRepository(store).list(RequestFilter())
    assert (sr.criteria, sr.site, sr.product) == (("1",), "Shanghai", "msc-9000")
    assert f"! {sr.id}" in screen
    assert "engine: this desk" in screen
    desk.wait_for("1.1/3 → ")  # this desk's engine paged the first step of the chain
    desk.keys("q")
    desk.wait_for("These chains will stop being chased")  # it asks, naming the chain
    assert sr.id in desk.text()
    desk.keys("y")
    deadline = time.monotonic() + 10
    while desk.alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not desk.alive()
