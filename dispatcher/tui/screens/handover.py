"""The shift handover on the desk: the same Markdown `dispatcher report handover` prints.

Open requests by state, Red Flags and their age, chains running or exhausted, SLA breaches of
the shift, callbacks waiting, the next shift's planned work and the notes of the shift. `s`
saves it beside the data to print or mail. Built in a worker thread.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

from dispatcher.domain.oncall import Roster
from dispatcher.domain.text import escape
from dispatcher.errors import DispatcherError
from dispatcher.reports import Report
from dispatcher.reports.handover import handover_report, shift_bounds
from dispatcher.reports.render import markdown, save
from dispatcher.store import Store
from dispatcher.tui.commands import bindings_for, localize

TITLES = {"en": "Shift handover", "zh": "交接班"}


class HandoverScreen(Screen):
    SCOPE = "handover"
    BINDINGS = bindings_for(SCOPE)

    def __init__(self, store: Store, roster: Roster, language: str = "en") -> None:
        super().__init__()
        localize(self, language)
        self.store = store
        self.roster = roster
        self.language = language
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        yield Markdown("Building the handover…", id="handover")
        yield Footer()

    def on_mount(self) -> None:
        self.title = TITLES.get(self.language, TITLES["en"])
        self.action_refresh_handover()

    def action_refresh_handover(self) -> None:
        self.build()

    @work(thread=True, exclusive=True)
    def build(self) -> None:
        now = datetime.now().astimezone()
        start, end = shift_bounds(now)
        report = handover_report(self.store, self.roster, start, end, now)
        self.app.call_from_thread(self.show, report)

    def show(self, report: Report) -> None:
        self.report = report
        self.query_one(Markdown).update(escape(markdown(report)))

    def action_save(self) -> None:
        if self.report is None:
            return
        folder = Path(self.store.data_dir) / "handover"
        path = folder / f"handover-{self.report.end:%Y%m%d-%H%M}.md"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            save(self.report, "md", path)
        except OSError as error:
            self.notify(f"cannot write {folder}: {error.strerror}", severity="error")
            return
        except DispatcherError as error:
            self.notify(str(error), severity="error")
            return
        self.notify(f"saved {path}")
