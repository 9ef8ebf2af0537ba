"""The report screen: the service report of this shift (the default: tonight is visible), of
today so far, or of the last day, week or month, as charts; an empty chart says "no data".

The figures come from the same report `dispatcher report daily|weekly|monthly` writes, and
`e` exports it beside the data (Markdown, CSV and JSON). Periods follow the desk's clock and
the CSC's zone (the roster's). The screen shows at once, saying "working…", its charts
appearing with the figures; the report is built (from the screen's mount) and exported in
worker threads, so a month over a large store never freezes the desk.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from textual import work
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Static
from textual_plotext import PlotextPlot

from dispatcher.domain.localtime import local, local_day, midnight
from dispatcher.errors import DispatcherError
from dispatcher.i18n import translator
from dispatcher.i18n.shapes import said
from dispatcher.reports import Report
from dispatcher.reports.charts import chart_series
from dispatcher.reports.handover import shift_bounds
from dispatcher.reports.periodic import TITLES, period_bounds, service_report
from dispatcher.reports.render import FORMATS, save
from dispatcher.store.files import DIR_MODE
from dispatcher.store.journal import reason
from dispatcher.tui.commands import bindings_for
from dispatcher.tui.context import DeskContext
from dispatcher.tui.plain import plain
from dispatcher.tui.screens.desk_screen import DeskScreen
from dispatcher.tui.widgets.desk_footer import DeskFooter
from dispatcher.tui.widgets.desk_header import DeskHeader


def bounds(kind: str, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The period of `kind` at `now`, in the CSC's zone: "shift" is the 12 hours up to now,
    "today" from the CSC's local midnight to now, the others the last whole one."""
    at = local(now, zone)
    if kind == "shift":
        return shift_bounds(at)
    if kind == "today":
        return midnight(local_day(at, zone), zone), at
    return period_bounds(kind, at, zone)


class ReportsScreen(DeskScreen):
    CSS_PATH = "reports.tcss"
    SCOPE = "reports"
    BINDINGS = bindings_for(SCOPE)

    def __init__(self, desk: DeskContext, language: str = "en", kind: str = "shift") -> None:
        super().__init__(desk, language)
        self.store = desk.store
        self.roster = desk.roster
        self.kind = kind
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.desk, self.words)
        yield Static(plain(self._working(self.kind)), id="period")
        # The charts appear with the first figures: drawing four empty ones first cost the
        # screen as much as a third of its time to the figures.
        with Grid(id="charts", classes="-waiting"):
            for n in range(4):
                yield PlotextPlot(id=f"chart-{n}")
        yield DeskFooter()

    def on_mount(self) -> None:
        # The figures are built in a worker from now on, while the screen paints, saying
        # "working…" until they come (waiting for the first paint cost about 100 ms).
        self.build(self.kind)

    def _working(self, kind: str) -> str:
        _ = translator(self.language).gettext
        return _("{title}: working…").format(title=_(TITLES[kind]))

    def action_period(self, kind: str) -> None:
        self.kind = kind
        self.query_one("#period", Static).update(plain(self._working(kind)))
        self.build(kind)

    @work(thread=True, exclusive=True)
    def build(self, kind: str) -> None:
        now = self.desk.now()
        start, end = bounds(kind, now, self.desk.zone)
        history = self.desk.history()  # which months hold closed requests of the period
        report = service_report(
            self.store,
            self.roster,
            kind,
            start,
            end,
            now,
            holds=lambda month: history.holds_received(month, start, end),
        )
        self.from_worker(self.show, report)

    def show(self, report: Report) -> None:
        self.report = report
        self.query_one("#charts", Grid).remove_class("-waiting")
        total = report.table("volumes").rows[0][2]
        period = translator(self.language).ngettext(
            "{title}: {start} to {end} · {count} request (drills never count)",
            "{title}: {start} to {end} · {count} requests (drills never count)",
            total,
        )
        self.query_one("#period", Static).update(
            plain(
                period.format(
                    title=translator(self.language).gettext(report.title),
                    start=f"{report.start:%Y-%m-%d %H:%M}",
                    end=f"{report.end:%Y-%m-%d %H:%M}",
                    count=total,
                )
            )
        )
        for n, series in enumerate(chart_series(report, self.language)):
            chart = self.query_one(f"#chart-{n}", PlotextPlot)
            plt = chart.plt
            plt.clear_data()
            plt.clear_figure()
            plt.title(series.title if series.labels else f"{series.title}: {self.words['no_data']}")
            if series.labels:
                if len(series.values) == 1:
                    plt.bar(list(series.labels), list(series.values[0]))
                else:
                    # textual-plotext's stub names the keyword `label`; its code takes `labels`
                    plt.multiple_bar(  # type: ignore[call-arg]
                        list(series.labels),
                        [list(v) for v in series.values],
                        labels=list(series.names),
                    )
            chart.refresh()

    def action_export(self) -> None:
        if self.report is not None:
            self.export(self.report)

    @work(thread=True, group="reports-export")
    def export(self, report: Report) -> None:
        folder = Path(self.store.data_dir) / "reports"
        stem = f"{report.kind}-{report.start:%Y%m%d}"
        try:
            folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)  # private, as the data
            for fmt in FORMATS:
                save(report, fmt, folder / f"{stem}.{fmt}", self.language)
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
            self.notify,
            translator(self.language)
            .gettext("wrote {stem}.md, .csv and .json to {folder}")
            .format(stem=stem, folder=folder),
        )
