"""The drill screen: pick a scenario, see whom its chain would call now (nothing is sent), run it
live, follow who is reached, abort it, and read its report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from dispatcher.domain.drill_report import DrillReport
from dispatcher.domain.drills import Scenario, builtin_scenarios, dead_numbers, dry_run
from dispatcher.domain.oncall import Roster
from dispatcher.domain.routing import describe_target
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.drills import abort_drill, start_drill
from dispatcher.errors import DispatcherError
from dispatcher.reports.drill import drill_report
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.store import Store
from dispatcher.tui.commands import bindings_for, localize
from dispatcher.store.outbox import OutboxRepository

REFRESH_SECONDS = 1.0


class DrillScreen(Screen):
    """A self-contained screen; the desk pushes it with its store, roster and control."""

    CSS_PATH = "drill.tcss"
    SCOPE = "drill"
    BINDINGS = bindings_for(SCOPE)

    def __init__(self, store: Store, roster: Roster, control: CalloutControl,
                 scenarios: list[Scenario] | None = None, *, actor: str = "desk",
                 now: Callable[[], datetime] | None = None, language: str = "en") -> None:
        super().__init__()
        localize(self, language)
        self.store = store
        self.roster = roster
        self.control = control
        self.scenarios = scenarios if scenarios is not None else builtin_scenarios(roster)
        self.actor = actor
        self.now = now or (lambda: datetime.now(UTC))
        self.drill: str | None = None  # the SR id of the drill this screen started or follows
        self.report: DrillReport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(*(Option(f"{s.id}\n  {s.name}", id=s.id) for s in self.scenarios),
                             id="scenarios")
            with Vertical():
                yield Static(id="status")
                yield DataTable(id="people", cursor_type="row", zebra_stripes=True)
                yield Static(id="verdict")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#people", DataTable).add_columns("step", "person", "pages", "result")
        if self.scenarios:
            self.query_one(OptionList).highlighted = 0
        self.set_interval(REFRESH_SECONDS, self.refresh_progress)

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
        at = self.now()
        checks = dry_run(self.roster, scenario, at, OverrideRepository(self.store).all(),
                         dead_numbers(OutboxRepository(self.store).all()))
        table = self.query_one("#people", DataTable)
        table.clear()
        for check in checks:
            step = check.preview
            for person in step.people:
                phone = "NO WORKING PHONE" if person.id in check.no_phone else ""
                table.add_row(str(step.number), person.display_name, ", ".join(step.channels),
                              phone or "would be paged")
            for target in step.nobody_for:
                table.add_row(str(step.number), f"[red]NOBODY: {describe_target(target)}[/]", "",
                              "skipped at once")
        holes = [c.preview.number for c in checks if c.problem]
        self.query_one("#status", Static).update(
            f"{scenario.name}: the {scenario.chain} chain at {at.astimezone(UTC):%H:%M} UTC "
            "(dry run, nothing sent)")
        self.query_one("#verdict", Static).update(
            f"[red]step(s) {', '.join(map(str, holes))} would reach no one by phone[/]" if holes
            else "every step reaches someone with a phone · press s to run the drill live")

    # -- live ------------------------------------------------------------------------------

    def action_start_drill(self) -> None:
        scenario = self.scenario
        if scenario is None or self.running:
            self.notify("a drill is already running" if self.running else "pick a scenario",
                        severity="warning")
            return
        try:
            record = start_drill(self.control, scenario, self.now(), self.actor)
        except DispatcherError as error:
            self.notify(str(error), severity="error")
            return
        self.drill = record.sr
        self.notify(f"DRILL {record.sr} started: {scenario.name}")
        self.refresh_progress()

    def action_abort_drill(self) -> None:
        if not self.running:
            self.notify("no drill is running", severity="warning")
            return
        try:
            abort_drill(self.control, self.drill, self.now(), self.actor)
        except DispatcherError as error:
            self.notify(str(error), severity="error")
            return
        self.notify(f"DRILL {self.drill} aborted; everyone paged is told it is over")
        self.refresh_progress()

    @property
    def running(self) -> bool:
        return self.report is not None and self.report.state == "running" and not self.report.aborted

    def refresh_progress(self) -> None:
        """Read the drill's records again and show them: step by step, person by person."""
        if self.drill is None:
            return
        self.store.refresh(self.store.live)  # the engine may run in another process
        self.report = report = drill_report(self.store, self.roster, self.drill)
        table = self.query_one("#people", DataTable)
        table.clear()
        for step in report.steps:
            for target in step.nobody_for:
                table.add_row(step.label, f"[red]NOBODY: {target}[/]", "", "skipped")
            for person in step.people:
                pages = ", ".join(f"{p.channel} {p.state}" + (f" ({p.error_code})" if p.error_code else "")
                                  for p in person.pages)
                table.add_row(step.label, person.name, pages, person.verdict)
        state = "aborted" if report.aborted else report.state
        first = report.first_ack_after
        reach = "" if report.reach_rate is None else f"; reach {report.reach_rate:.0%}"
        self.query_one("#status", Static).update(
            f"[b reverse] DRILL [/] {report.sr} {report.scenario_name}: {state}{reach}")
        if state == "running":
            self.query_one("#verdict", Static).update(
                "first acknowledgement " + (f"after {int(first.total_seconds())} s" if first else
                                            "awaited") + " · press a to abort")
            return
        verdict = "[green]PASSED[/]" if report.passed else "[red]FAILED[/]"
        lines = [verdict] + [f"{'ok  ' if t.passed else 'FAIL'} {t.wanted}: {t.got}"
                             for t in report.results]
        lines += [f"fix: {fix}" for fix in report.fixes]
        self.query_one("#verdict", Static).update("\n".join(lines))

    def action_leave(self) -> None:
        self.app.pop_screen()
