"""The shift handover on the desk: the same Markdown `dispatcher report handover` prints.

Every request touched in the shift, Red Flags opened and closed, open requests by state, Red
Flags open and their age, chains running or exhausted, pages nobody answered, SLA breaches,
drills run with their reach rate, callbacks waiting, the next shift's planned work and the
notes of the shift. The shift is the 12 hours up to the desk's clock. Built and saved in
workers; the arrows, Page Up/Down and Home/End scroll it. `s` saves it beside the data.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from dispatcher.domain.text import escape
from dispatcher.errors import DispatcherError
from dispatcher.i18n import translator
from dispatcher.i18n.shapes import said
from dispatcher.reports import Report
from dispatcher.reports.handover import handover_report, shift_bounds
from dispatcher.reports.render import markdown, save
from dispatcher.store.files import DIR_MODE
from dispatcher.store.journal import reason
from dispatcher.tui.commands import bindings_for
from dispatcher.tui.context import DeskContext
from dispatcher.tui.plain import plain
from dispatcher.tui.screens.desk_screen import DeskScreen
from dispatcher.tui.widgets.desk_footer import DeskFooter
from dispatcher.tui.widgets.desk_header import DeskHeader


class HandoverScreen(DeskScreen):
    SCOPE = "handover"
    BINDINGS = bindings_for(SCOPE)
    DEFAULT_CSS = """
    HandoverScreen #handover-title { text-style: bold; padding: 0 1; }
    HandoverScreen #handover-scroll { height: 1fr; }
    """

    def __init__(self, desk: DeskContext, language: str) -> None:
        super().__init__(desk, language)
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.desk, self.words)
        yield Static(self.words["handover.building"], id="handover-title")
        with VerticalScroll(id="handover-scroll"):
            yield Markdown(id="handover")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#handover-scroll", VerticalScroll).focus()
        self.action_refresh_handover()

    def action_refresh_handover(self) -> None:
        self.build()

    @work(thread=True, exclusive=True, group="handover")
    def build(self) -> None:
        now = self.desk.now()
        start, end = shift_bounds(now)
        report = handover_report(self.desk.store, self.desk.roster, start, end, now)
        self.from_worker(self.show, report)

    def show(self, report: Report) -> None:
        self.report = report
        local = self.desk.local
        self.query_one("#handover-title", Static).update(
            plain(
                f"{self.words['handover.title']}: {local(report.start):%m-%d %H:%M} – "
                f"{local(report.end):%m-%d %H:%M %Z}"
            )
        )
        self.query_one(Markdown).update(escape(markdown(report, self.language)))

    def action_save(self) -> None:
        if self.report is not None:
            self.write(self.report)

    @work(thread=True, group="handover-save")
    def write(self, report: Report) -> None:
        folder = Path(self.desk.store.data_dir) / "handover"
        path = folder / f"handover-{report.end:%Y%m%d-%H%M}.md"
        try:
            folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)  # private, as the data
            save(report, "md", path, self.language)
        except OSError as error:
            self.app.call_from_thread(
                self.notify,
                translator(self.language)
                .gettext("cannot write {folder}: {reason}")
                .format(folder=folder, reason=said(reason(error), self.language)),
                severity="error",
            )
            return
        except DispatcherError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(
            self.notify, translator(self.language).gettext("saved {path}").format(path=path)
        )
