"""`dispatcher desk` in a real terminal: a tmux server of its own, keys sent as a dispatcher
types them, the screen read with capture-pane. Nothing here waits a fixed time: after each
group of keys the test waits (bounded) until the pane shows what those keys did."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

from dispatcher.testing.waiting import wait_for

TMUX = shutil.which("tmux")
SCREEN_TIMEOUT = 30.0  # seconds for the desk to show what a key group did, on a loaded machine

# The form's footer while a field has the focus, and while a list's menu has it instead; and
# a key it shows only while the focus is not in a text field (where q is a letter).
FIELD_FOCUSED = "esc Cancel"
MENU_OPEN = "esc Dismiss menu"
NOT_TYPING = "q Quit"


class Pane:
    def __init__(self, command: list[str], cwd: Path) -> None:
        assert TMUX is not None
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

    def wait_for(self, wanted: str, timeout: float = SCREEN_TIMEOUT) -> str:
        """The pane's text once it shows `wanted`; fails with the pane after `timeout` s."""
        return self.wait_until(lambda screen: wanted in screen, f"{wanted!r} shown", timeout)

    def wait_gone(self, unwanted: str, timeout: float = SCREEN_TIMEOUT) -> str:
        return self.wait_until(lambda screen: unwanted not in screen, f"{unwanted!r} gone", timeout)

    def wait_until(self, shows, what: str, timeout: float = SCREEN_TIMEOUT) -> str:
        """The pane's text once `shows(text)` holds."""

        def screen() -> str | None:
            text = self.text()
            return text if shows(text) else None

        return wait_for(
            screen,
            timeout=timeout,
            interval=0.05,
            what=what,
            describe=lambda: f"the pane shows:\n{self.text()}",
        )

    def cursor(self) -> tuple[int, int]:
        """Where the terminal's cursor stands (hidden, it still follows the text field in
        focus): column and row."""
        done = subprocess.run(
            [*self.tmux, "display-message", "-p", "-t", self.name, "#{cursor_x} #{cursor_y}"],
            capture_output=True,
            text=True,
            check=True,
        )
        column, row = done.stdout.split()
        return int(column), int(row)

    def tab(self, count: int, *, to_text_field: bool) -> None:
        """Tab `count` times and wait until the focus has landed: the cursor has left the text
        field it stood in, and the focus is in a text field (the footer hides q) or not. Keys
        go to the widget in focus as they arrive, so a letter sent before the focus moved would
        land in the field before."""
        before = self.cursor()
        self.keys(*["Tab"] * count)

        def landed() -> bool:
            # the cursor read on both sides of the screen: the footer is of the same moment
            cursor = self.cursor()
            footer = self.text().rstrip("\n").rsplit("\n", 1)[-1]
            typing = NOT_TYPING not in footer
            return typing == to_text_field and before != cursor == self.cursor()

        wait_for(
            landed,
            timeout=SCREEN_TIMEOUT,
            interval=0.05,
            what=f"the focus {count} fields on",
            describe=lambda: f"the pane shows:\n{self.text()}",
        )

    def keys(self, *keys: str) -> None:
        """One group of keys, sent at once; the caller then waits for what they did. A bare
        Escape ends its group: a key right behind it would read as Alt+key."""
        assert "Escape" not in keys[:-1], "Escape must end its key group"
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def type(self, text: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, "-l", text], check=True)

    def enter_text(self, text: str) -> str:
        """Type `text` into the field in focus and wait until it is echoed."""
        self.type(text)
        return self.wait_for(text)

    def choose(self, search: str, shown: str) -> str:
        """In an open list: type `search`, Enter, and wait until the list has closed, its field
        holds the focus again (the form's footer, not the menu's) and `shown` is on screen.
        A key sent before that would go to the closing list, or be undone as it hands its
        field the focus back."""
        self.type(search)
        self.keys("Enter")
        return self.wait_until(
            lambda screen: FIELD_FOCUSED in screen and MENU_OPEN not in screen and shown in screen,
            f"the list closed on {shown!r}, its field focused",
        )

    def alive(self) -> bool:
        return (
            subprocess.run(
                [*self.tmux, "has-session", "-t", self.name], capture_output=True
            ).returncode
            == 0
        )

    def kill(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)
