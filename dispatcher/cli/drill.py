"""`dispatcher drill ...`: dry-run, sweep, run, abort and report drills of the call-out chain.

The commands are here; what a dry run and a sweep show is in `drill_dry`, and how a live drill
is followed to its end in `drill_live`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click

from dispatcher.cli.common import (
    TIME,
    Choice,
    actor_option,
    csc_time,
    data_option,
    echo_json,
    every_problem,
    json_option,
    load_roster_for_command,
    named_dispatcher,
    now,
    open_store,
    resolve_actor,
    roster_option,
    start_logging,
    with_store,
)
from dispatcher.cli.completion import (
    complete_drills,
    complete_scenarios,
)
from dispatcher.cli.drill_dry import DurationParam, show_dry_run, show_sweep, stored_state
from dispatcher.cli.drill_live import run_live
from dispatcher.cli.language import language, tr
from dispatcher.cli.names import Names
from dispatcher.cli.options import lang_option
from dispatcher.cli.terminal import cell
from dispatcher.domain.drill_judge import FAILED, IN_PROGRESS, PASSED
from dispatcher.domain.drills import HOUR, dry_run, sweep
from dispatcher.domain.localtime import local
from dispatcher.engine.reach import enabled_reaches
from dispatcher.errors import DispatcherError
from dispatcher.i18n.phrases import phrase
from dispatcher.i18n.shapes import said
from dispatcher.plugins.chain_check import check_installed_channels
from dispatcher.roster.errors import RosterError
from dispatcher.roster.scenarios import find_scenario, load_scenarios, scenarios_path
from dispatcher.store import Store


@click.group("drill")
def drill_group() -> None:
    """Drills: run the real call-out chain with a made-up emergency, and see who was reached."""


def _scenarios(roster_path: Path):
    roster = load_roster_for_command(roster_path)
    try:
        return roster, load_scenarios(roster, roster_path)
    except RosterError as error:
        raise every_problem(error, scenarios_path(roster_path), scenarios=True) from None


@drill_group.command("scenarios")
@roster_option
@json_option
def scenarios_command(roster_path: Path, as_json: bool) -> None:
    """The scenarios to drill: one built in per product line, and those in drills.yaml."""
    _, scenarios = _scenarios(roster_path)
    if as_json:
        echo_json(list(scenarios.values()))
        return
    if not scenarios:
        click.echo(
            tr(
                "no scenarios: {roster} has no emergency chain, and there is no {scenarios}",
                roster=roster_path,
                scenarios=scenarios_path(roster_path),
            ),
            err=True,
        )
    for scenario in scenarios.values():
        columns: tuple[tuple[str, int], ...] = (
            (scenario.id, 22),
            (scenario.chain, 10),
            (scenario.product, 10),
        )
        columns += ((scenario.site or "-", 14),)
        line = " ".join(cell(text, width) for text, width in columns)
        name = phrase(scenario.name, language())
        click.echo(f"{line} {name}  [{scenario.source}]")


@drill_group.command("run")
@click.argument("scenario_id", metavar="SCENARIO", shell_complete=complete_scenarios)
@click.option(
    "--dry-run", "dry", is_flag=True, help="Show whom each step would call; send nothing."
)
@click.option("--at", type=TIME, help="Dry run or sweep from this time (default: now).")
@click.option(
    "--sweep",
    "span",
    type=DurationParam(),
    metavar="DURATION",
    help="Dry-run every hour of this span (e.g. 7d) and list the hours with a hole.",
)
@click.option(
    "--wait/--no-wait",
    default=True,
    show_default=True,
    help="Live drill: stay until the chain ends, running the engine if no desk does.",
)
@roster_option
@actor_option
@data_option
@json_option
def run(
    scenario_id: str,
    dry: bool,
    at: datetime | None,
    span: timedelta | None,
    wait: bool,
    roster_path: Path,
    actor: str | None,
    data_dir: Path | None,
    as_json: bool,
) -> None:
    """Run a drill of SCENARIO: live by default, or --dry-run / --sweep 7d without sending.

    Exit 0 when the chain reaches someone with a working phone at every step (dry run, sweep)
    or the drill passes its targets; 1 when it does not."""
    roster, scenarios = _scenarios(roster_path)
    scenario = find_scenario(scenarios, scenario_id)
    start = local(csc_time(at, roster.zone) or now(), roster.zone)  # shown in the CSC's time
    if span is not None or dry:
        overrides, dead = stored_state(data_dir)
        if span is not None:
            holes = sweep(roster, scenario, start, int(span / HOUR), overrides, dead)
            show_sweep(scenario, start, span, holes, as_json)
            click.get_current_context().exit(1 if holes else 0)
        channels = check_installed_channels(roster, [scenario.chain])  # unknown: exit 2
        checks = dry_run(roster, scenario, start, overrides, dead)
        show_dry_run(scenario, start, checks, enabled_reaches(roster), as_json)
        if not as_json:
            for note in channels.notes:
                click.echo(tr("note: {note}", note=said(note, language())))
        click.get_current_context().exit(1 if any(c.problem for c in checks) else 0)
    if at is not None:
        raise DispatcherError(tr("--at applies to --dry-run and --sweep; a live drill runs now"))
    with open_store(data_dir) as store:
        start_logging(store.data_dir)
        # followed here, Ctrl-C stops the drill's chain: only a named dispatcher may (PROMISES 1)
        actor = named_dispatcher(actor, Names(roster, roster_path)) if wait else actor
        passed = run_live(store, roster, scenario, resolve_actor(actor), wait, as_json)
    click.get_current_context().exit(0 if passed in (True, None) else 1)


@drill_group.command("list")
@roster_option
@json_option
@with_store
def list_command(store: Store, roster_path: Path, as_json: bool) -> None:
    """Every drill run, with reach rate, time to first acknowledgement, and the trend."""
    from dispatcher.reports.drill import drill_history, history_text, trend

    roster = load_roster_for_command(roster_path)
    rows = drill_history(store, roster, now())
    if as_json:
        echo_json({"drills": rows, "trend": trend(rows)})
        return
    click.echo(history_text(rows, language()) if rows else tr("no drills yet"))


# `drill report`'s exit status by the drill's verdict: 3 says "not decided yet", so a script
# never reads a running drill as passed.
VERDICT_EXIT = {PASSED: 0, FAILED: 1, IN_PROGRESS: 3}


@drill_group.command("report")
@click.argument("drill_id", metavar="ID", shell_complete=complete_drills)
@click.option(
    "--format", "output_format", type=Choice(["md", "json"]), default="md", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@lang_option(
    help="Language of the report (default: the command line's); JSON keys stay English.",
    name="report_language",
)
@roster_option
@with_store
def report_command(
    store: Store,
    drill_id: str,
    output_format: str,
    as_json: bool,
    report_language: str | None,
    roster_path: Path,
) -> None:
    """The drill's report: per step and person, who was reached how and how fast; pass or
    fail against the scenario's targets; what to fix. Exit 0 passed, 1 failed (a target
    missed for good), 3 in progress (a target not decided yet while the chain runs)."""
    from dispatcher.reports.drill import drill_report, report_markdown

    roster = load_roster_for_command(roster_path)
    report = drill_report(store, roster, drill_id, now())
    if as_json or output_format == "json":
        echo_json(report)
    else:
        click.echo(report_markdown(report, report_language or language()), nl=False)
    click.get_current_context().exit(VERDICT_EXIT[report.verdict])


@drill_group.command("abort")
@click.argument("drill_id", metavar="ID", shell_complete=complete_drills)
@roster_option
@actor_option
@json_option
@with_store
def abort_command(
    store: Store, drill_id: str, roster_path: Path, actor: str | None, as_json: bool
) -> None:
    """Stop a drill now; everyone already paged is told the drill is over."""
    from dispatcher.engine.control import CalloutControl
    from dispatcher.engine.drills import abort_drill

    roster = load_roster_for_command(roster_path)
    actor = named_dispatcher(actor, Names(roster, roster_path))
    record = abort_drill(CalloutControl(store, roster), drill_id, now(), actor)
    if as_json:
        echo_json(record)
    else:
        click.echo(
            tr("{sr}: drill aborted; everyone already paged is told it is over", sr=record.sr)
        )
