"""The report screen: the service report of the last day, week or month, as charts.

The figures come from the same report `dispatcher report daily|weekly|monthly` writes, and
`e` exports it beside the data (Markdown, CSV and JSON). The report is built in a worker
thread, so a month over a large store never freezes the desk.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Grid
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual_plotext import PlotextPlot

from dispatcher.domain.oncall import Roster
from dispatcher.errors import DispatcherError
from dispatcher.reports import Report
from dispatcher.reports.charts import chart_series
from dispatcher.reports.periodic import period_bounds, service_report
from dispatcher.reports.render import FORMATS, save
from dispatcher.store import Store
from dispatcher.store.files import DIR_MODE
from dispatcher.tui.commands import bindings_for, localize

TITLES = {"en": "Service reports", "zh": "服务报表"}


class ReportsScreen(Screen):
    CSS_PATH = "reports.tcss"
    SCOPE = "reports"
    BINDINGS = bindings_for(SCOPE)

    def __init__(
        self, store: Store, roster: Roster, language: str = "en", kind: str = "daily"
    ) -> None:
        super().__init__()
        localize(self, language)
        self.store = store
        self.roster = roster
        self.language = language
        self.kind = kind
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        yield Static(id="period")
        with Grid(id="charts"):
            for n in range(4):
                yield PlotextPlot(id=f"chart-{n}")
        yield Footer()

    def on_mount(self) -> None:
        self.title = TITLES.get(self.language, TITLES["en"])
        self.action_period(self.kind)

    def action_period(self, kind: str) -> None:
        self.kind = kind
        self.query_one("#period", Static).update(f"{kind} report: working…")
        self.build(kind)

    @work(thread=True, exclusive=True)
    def build(self, kind: str) -> None:
        now = datetime.now().astimezone()
        start, end = period_bounds(kind, now)
        report = service_report(self.store, self.roster, kind, start, end, now)
        self.app.call_from_thread(self.show, report)

    def show(self, report: Report) -> None:
        self.report = report
        total = report.table("volumes").rows[0][2]
        self.query_one("#period", Static).update(
            f"{report.title}: {report.start:%Y-%m-%d %H:%M} to {report.end:%Y-%m-%d %H:%M} · "
            f"{total} requests (drills never count)"
        )
        for n, series in enumerate(chart_series(report)):
            chart = self.query_one(f"#chart-{n}", PlotextPlot)
            plt = chart.plt
            plt.clear_data()
            plt.clear_figure()
            plt.title(series.title)
            if series.labels:
                if len(series.values) == 1:
                    plt.bar(list(series.labels), list(series.values[0]))
                else:
                    plt.multiple_bar(
                        list(series.labels),
                        [list(v) for v in series.values],
                        labels=list(series.names),
                    )
            chart.refresh()

    def action_export(self) -> None:
        if self.report is None:
            return
        folder = Path(self.store.data_dir) / "reports"
        stem = f"{self.report.kind}-{self.report.start:%Y%m%d}"
        try:
            folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)  # private, as the data
            for fmt in FORMATS:
                save(self.report, fmt, folder / f"{stem}.{fmt}")
        except OSError as error:
            self.notify(f"cannot write {folder}: {error.strerror}", severity="error")
            return
        except DispatcherError as error:
            self.notify(str(error), severity="error")
            return
        self.notify(f"wrote {stem}.md, .csv and .json to {folder}")
