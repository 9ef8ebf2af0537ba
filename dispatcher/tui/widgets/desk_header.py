"""The desk's header: local time and UTC, the shift, who runs the engine, channel health, and
a DRILL banner while a drill runs, and the store's damage warning while it is damaged."""

from __future__ import annotations

from datetime import UTC
from typing import Protocol, runtime_checkable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from dispatcher.tui.data.status import DeskStatus
from dispatcher.tui.plain import plain


@runtime_checkable
class StatusHolder(Protocol):
    """What a header reads of its app when it appears: the desk's status (`DeskApp.status`)."""

    status: DeskStatus


class DeskHeader(Vertical):
    DEFAULT_CSS = """
    DeskHeader { height: auto; background: $panel; }
    DeskHeader > #header-clock { text-style: bold; }
    DeskHeader > #header-drill { display: none; background: $warning; color: $background;
                                 text-style: bold; content-align: center middle; }
    DeskHeader.-drill > #header-drill { display: block; }
    DeskHeader > #header-damage { display: none; background: $error; color: $text;
                                  text-style: bold; }
    DeskHeader.-damaged > #header-damage { display: block; }
    """

    def __init__(self, desk, words: dict[str, str]) -> None:
        super().__init__()
        self.desk = desk
        self.words = words
        self.status = DeskStatus()

    def compose(self) -> ComposeResult:
        yield Static(id="header-clock")
        yield Static(id="header-status")
        yield Static(self.words["drill.banner"], id="header-drill")
        yield Static(id="header-damage", markup=False)

    def on_mount(self) -> None:
        app = self.app
        assert isinstance(app, StatusHolder), "a DeskHeader lives in an app with a desk status"
        self.show(app.status)
        self.tick()
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        now = self.desk.now()
        local = self.desk.local(now)
        self.query_one("#header-clock", Static).update(
            plain(
                f"{self.words['title']}   {local:%Y-%m-%d %H:%M:%S} {local.tzname() or ''} "
                f"{self.words['local']} · {now.astimezone(UTC):%H:%M} UTC"
            )
        )

    def show(self, status: DeskStatus) -> None:
        self.status = status
        self.set_class(status.drill, "-drill")
        self.set_class(bool(status.damage), "-damaged")
        if status.damage:
            self.query_one("#header-damage", Static).update(
                plain(f"{self.words['store.damaged']}: {status.damage}")
            )
        words = self.words
        line = Text()
        line.append(f"{words['shift']}: {', '.join(status.shift) or '—'}   ")
        line.append(f"{words['engine']}: {status.engine or '—'}   ")
        line.append(f"{words['channels']}:")
        channels = status.channels
        if channels is None:
            line.append(f" {words['checking']}", style="dim")
        for health in channels or ():
            mark, style = (
                ("…", "dim") if health.ok is None else ("✓", "green") if health.ok else ("✗", "red")
            )
            line.append(f"  {health.name}")
            line.append(mark, style=style)
        line_widget = self.query_one("#header-status", Static)
        line_widget.update(line)
        tip = "\n".join(f"{h.name}: {h.detail}" for h in channels or ())
        line_widget.tooltip = plain(tip, lines=True) if tip else None
