"""The drill screen: pick a scenario, see whom its chain would call now (nothing is sent), run it
live (after a confirmation), follow who is reached, abort it, and read its report: the same
report, with the same figures, as `dispatcher drill report`. Every store read and write runs
in a worker; the time is the desk's."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from dispatcher.domain.callout import channels_used
from dispatcher.domain.drill_judge import FAILED, IN_PROGRESS, PASSED
from dispatcher.domain.drill_outcomes import DrillReport
from dispatcher.domain.drills import Scenario, builtin_scenarios, dead_numbers, dry_run
from dispatcher.domain.routing import describe_target
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.drills import abort_drill, start_drill
from dispatcher.errors import DispatcherError
from dispatcher.i18n import name_of, translator
from dispatcher.i18n.phrases import phrase
from dispatcher.i18n.shapes import said
from dispatcher.reports.drill import drill_report, report_markdown
from dispatcher.reports.words import cell
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.drills import DrillRepository
from dispatcher.store.outbox import OutboxRepository
from dispatcher.tui.commands import bindings_for
from dispatcher.tui.context import DeskContext
from dispatcher.tui.plain import plain
from dispatcher.tui.screens.confirm import ConfirmScreen
from dispatcher.tui.screens.desk_screen import DeskScreen
from dispatcher.tui.screens.text_view import TextViewScreen
from dispatcher.tui.widgets.desk_footer import DeskFooter
from dispatcher.tui.widgets.desk_header import DeskHeader
from dispatcher.tui.widgets.sized_table import SizedTable

REFRESH_SECONDS = 1.0
# Reads of the store run in the exclusive group "drill" (a newer read replaces an older one);
# starting and aborting a drill run in "drill-write", which no read cancels: the 1 s refresh
# must never cancel an abort the dispatcher asked for.


def words_for(language: str) -> dict:
    """This screen's words in `language`, from the catalogue."""
    _ = translator(language).gettext
    return {
        "columns": (_("step"), _("person"), _("pages"), _("result")),
        "no_phone": _("NO WORKING PHONE"),
        "would_page": _("would be paged"),
        "nobody": _("NOBODY"),
        "skipped": _("skipped at once"),
        "dry_run": _("{name}: the {chain} chain at {at} (dry run, nothing sent)"),
        "no_holes": _("every step reaches someone with a phone · press s to run the drill live"),
        "already": _("a drill is already running"),
        "pick": _("pick a scenario"),
        "started": _("DRILL {sr} started: {name}"),
        "none_running": _("no drill is running"),
        "aborted": _("DRILL {sr} aborted; everyone paged is told it is over"),
        "reach": _("reach"),
        "drill": _("DRILL"),
        "first_after": _("first acknowledgement after {seconds} s · press a to abort"),
        "awaited": _("first acknowledgement awaited · press a to abort"),
        "passed": _("PASSED"),
        "failed": _("FAILED"),
        "pass": _("pass"),
        "FAIL": _("FAIL"),
        "in progress": _("in progress"),
        "fix": _("fix"),
        "confirm": _("Run {name} LIVE?"),
        "confirm.body": _("Real people are paged now (every message marked DRILL):"),
        "confirm.yes": _("Page them"),
        "confirm.no": _("Not now"),
        "report": _("Drill report"),
        "no_report": _("no drill to report on yet"),
    }


class DrillScreen(DeskScreen):
    """The desk pushes it with its own context; scenarios default to the built-in ones."""

    CSS_PATH = "drill.tcss"
    SCOPE = "drill"
    BINDINGS = bindings_for(SCOPE)

    def __init__(
        self, desk: DeskContext, language: str, scenarios: list[Scenario] | None = None
    ) -> None:
        super().__init__(desk, language)
        self.store = desk.store
        self.roster = desk.roster
        self.control = CalloutControl(desk.store, desk.roster)
        self.scenarios = scenarios if scenarios is not None else builtin_scenarios(desk.roster)
        self.actor = desk.actor
        self.now = desk.now
        self.drill: str | None = None  # the SR id of the drill this screen started or follows
        self.report: DrillReport | None = None
        self.desk_words = self.words
        self.words = words_for(language)

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.desk, self.desk_words)
        with Horizontal():
            yield OptionList(
                *(
                    Option(plain(f"{s.id}\n  {phrase(s.name, self.language)}", lines=True), id=s.id)
                    for s in self.scenarios
                ),
                id="scenarios",
            )
            with Vertical():
                yield Static(id="status")
                yield SizedTable(
                    self.words["columns"], id="people", cursor_type="row", zebra_stripes=True
                )
                yield Static(id="verdict")
        yield DeskFooter()

    def on_mount(self) -> None:
        if self.scenarios:
            self.query_one(OptionList).highlighted = 0
        self.follow_running()
        self.set_interval(REFRESH_SECONDS, self.refresh_progress)

    @work(thread=True, exclusive=True, group="drill")
    def follow_running(self) -> None:
        """A drill still running (started here before, or by another desk) is followed."""
        running = [r.sr for r in CalloutRepository(self.store).running() if r.run.drill]
        if running:
            self.from_worker(setattr, self, "drill", running[-1])
            self._progress(running[-1])

    @property
    def scenario(self) -> Scenario | None:
        option = self.query_one(OptionList).highlighted_option
        return next((s for s in self.scenarios if option and s.id == option.id), None)

    def on_option_list_option_highlighted(self, _: OptionList.OptionHighlighted) -> None:
        """Another scenario: its preview, unless a drill is still running."""
        if not self.running:
            self.drill, self.report = None, None
            self.action_preview()

    # -- dry run ---------------------------------------------------------------------------

    def action_preview(self) -> None:
        scenario = self.scenario
        if scenario is None or self.running:
            return
        self.read_preview(scenario, self.now())

    @work(thread=True, exclusive=True, group="drill")
    def read_preview(self, scenario: Scenario, at: datetime) -> None:
        checks = dry_run(
            self.roster,
            scenario,
            at,
            OverrideRepository(self.store).all(),
            dead_numbers(OutboxRepository(self.store).all()),
        )
        reaches = self.desk.reaches()  # the channels the engine here will really page by
        self.from_worker(self.show_preview, scenario, at, checks, reaches)

    def show_preview(
        self, scenario: Scenario, at: datetime, checks, reaches: dict[str, frozenset[str]]
    ) -> None:
        words = self.words
        rows: list[tuple[Text, Text, Text, Text]] = []
        for check in checks:
            step = check.preview
            for person in step.people:
                phone = words["no_phone"] if person.id in check.no_phone else words["would_page"]
                rows.append(
                    (
                        plain(step.number),
                        plain(person.display_name),
                        plain(", ".join(channels_used((person,), step.channels, reaches))),
                        plain(phone),
                    )
                )
            for target in step.nobody_for:
                nobody = f"{words['nobody']}: {phrase(describe_target(target), self.language)}"
                rows.append(
                    (plain(step.number), plain(nobody, "red"), plain(""), plain(words["skipped"]))
                )
        self.query_one("#people", SizedTable).fill(rows)
        holes = [c.preview.number for c in checks if c.problem]
        self.query_one("#status", Static).update(
            plain(
                words["dry_run"].format(
                    name=phrase(scenario.name, self.language),
                    chain=cell(scenario.chain, self.language),
                    at=f"{self.desk.local(at):%H:%M %Z}",
                )
            )
        )
        self.query_one("#verdict", Static).update(
            plain(
                translator(self.language)
                .ngettext(
                    "step {steps} would reach no one by phone",
                    "steps {steps} would reach no one by phone",
                    len(holes),
                )
                .format(steps=", ".join(map(str, holes))),
                "red",
            )
            if holes
            else plain(words["no_holes"])
        )

    # -- live ------------------------------------------------------------------------------

    def action_start_drill(self) -> None:
        """Real people are paged: the screen names them and asks first."""
        scenario = self.scenario
        if scenario is None or self.running:
            self.notify(
                self.words["already"] if self.running else self.words["pick"], severity="warning"
            )
            return
        words = self.words
        table = self.query_one("#people", DataTable)
        people = sorted({str(table.get_row_at(i)[1]) for i in range(table.row_count)} - {""})

        def answered(yes: bool | None) -> None:
            if yes:
                self.start_live(scenario)

        self.app.push_screen(
            ConfirmScreen(
                words["confirm"].format(name=phrase(scenario.name, self.language)),
                words["confirm.body"],
                people,
                words["confirm.yes"],
                words["confirm.no"],
            ),
            answered,
        )

    @work(thread=True, group="drill-write")
    def start_live(self, scenario: Scenario) -> None:
        try:
            record = start_drill(self.control, scenario, self.now(), self.actor)
        except DispatcherError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.from_worker(setattr, self, "drill", record.sr)
        self.app.call_from_thread(
            self.notify,
            self.words["started"].format(sr=record.sr, name=phrase(scenario.name, self.language)),
        )
        self._progress(record.sr)

    def action_abort_drill(self) -> None:
        if not self.running:
            self.notify(self.words["none_running"], severity="warning")
            return
        self.abort(self.drill)

    @work(thread=True, group="drill-write")
    def abort(self, sr_id: str) -> None:
        try:
            abort_drill(self.control, sr_id, self.now(), self.actor)
        except DispatcherError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.notify, self.words["aborted"].format(sr=sr_id))
        self._progress(sr_id)

    def action_show_report(self) -> None:
        """The whole report of the drill on screen (or else the last one run)."""
        self.read_report(self.drill)

    @work(thread=True, exclusive=True, group="drill-report")
    def read_report(self, sr_id: str | None) -> None:
        if sr_id is None:
            drills = DrillRepository(self.store).all()
            if not drills:
                self.app.call_from_thread(self.notify, self.words["no_report"], severity="warning")
                return
            sr_id = drills[-1].sr
        report = drill_report(self.store, self.roster, sr_id, self.desk.now())
        text = report_markdown(report, self.language)
        self.from_worker(
            self.app.push_screen,
            TextViewScreen(self.desk, self.language, f"{self.words['report']} {sr_id}", text),
        )

    @property
    def running(self) -> bool:
        return (
            self.report is not None and self.report.state == "running" and not self.report.aborted
        )

    def refresh_progress(self) -> None:
        if self.drill is not None:
            self.read_progress(self.drill)

    @work(thread=True, exclusive=True, group="drill")
    def read_progress(self, sr_id: str) -> None:
        self._progress(sr_id)

    def _progress(self, sr_id: str) -> None:
        """In a worker: read the drill's records again (the engine may run in another
        process) and show them."""
        self.store.refresh(self.store.live)
        report = drill_report(self.store, self.roster, sr_id, self.desk.now())
        self.from_worker(self.show_progress, report)

    def show_progress(self, report: DrillReport) -> None:
        """The drill step by step, person by person; the verdict once it is over."""
        words = self.words
        self.report = report
        rows: list[tuple[Text, Text, Text, Text]] = []
        for step in report.steps:
            for target in step.nobody_for:
                rows.append(
                    (
                        plain(step.label),
                        plain(f"{words['nobody']}: {target}", "red"),
                        plain(""),
                        plain(words["skipped"]),
                    )
                )
            for person in step.people:
                pages = ", ".join(
                    f"{p.channel} {p.shown_state}" + (f" ({p.error_code})" if p.error_code else "")
                    for p in person.pages
                )
                rows.append(
                    (plain(step.label), plain(person.name), plain(pages), plain(person.verdict))
                )
        self.query_one("#people", SizedTable).fill(rows)
        state = "aborted" if report.aborted else report.state
        reach = "" if report.reach_rate is None else f"; {words['reach']} {report.reach_rate:.0%}"
        status = Text.assemble(
            (f" {words['drill']} ", "bold reverse"),
            plain(
                f" {report.sr} {phrase(report.scenario_name, self.language)}: "
                f"{name_of(state, self.language)}{reach}"
            ),
        )
        self.query_one("#status", Static).update(status)
        self.query_one("#verdict", Static).update(Text("\n").join(self._verdict_lines(report)))

    def _verdict_lines(self, report: DrillReport) -> list[Text]:
        """The drill's verdict, each target's ("in progress" until it is decided) and what to
        fix; while nothing is decided, how long the first acknowledgement has taken."""
        words, language = self.words, self.language
        first = report.first_ack_after
        if report.verdict == IN_PROGRESS:
            head = plain(
                words["first_after"].format(seconds=int(first.total_seconds()))
                if first
                else words["awaited"]
            )
        elif report.passed:
            head = plain(words["passed"], "green")
        else:
            head = plain(words["failed"], "red")
        marks = {PASSED: words["pass"], FAILED: words["FAIL"], IN_PROGRESS: words["in progress"]}
        lines = [head] + [
            plain(f"{marks[t.verdict]} {said(t.wanted, language)}: {said(t.got, language)}")
            for t in report.results
        ]
        return lines + [plain(f"{words['fix']}: {said(fix, language)}") for fix in report.fixes]

    def action_leave(self) -> None:
        self.app.pop_screen()
