"""`dispatcher drill ...`: dry-run, sweep, run, abort and report drills of the call-out chain."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import click

from dispatcher.cli.common import (
    TIME,
    Choice,
    actor_option,
    command_zone,
    csc_time,
    data_option,
    echo_json,
    every_problem,
    json_option,
    load_roster_for_command,
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
from dispatcher.cli.language import language, tr, value, weekday
from dispatcher.cli.terminal import cell
from dispatcher.domain.drills import HOUR, StepCheck, SweepHole, dead_numbers, dry_run, sweep
from dispatcher.domain.localtime import local
from dispatcher.domain.oncall import Roster
from dispatcher.domain.rotation import Override
from dispatcher.domain.routing import describe_target
from dispatcher.errors import DispatcherError
from dispatcher.i18n import LANGUAGES
from dispatcher.i18n.phrases import phrase
from dispatcher.i18n.shapes import said
from dispatcher.plugins.chain_check import check_installed_channels
from dispatcher.roster.errors import RosterError
from dispatcher.roster.nodes import DURATION
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.roster.scenarios import find_scenario, load_scenarios, scenarios_path
from dispatcher.store import Store
from dispatcher.store.outbox import OutboxRepository


class DurationParam(click.ParamType):
    """A duration of whole hours such as 7d, 24h or 2d12h."""

    name = "DURATION"

    def convert(self, value, param, ctx) -> timedelta:
        if isinstance(value, timedelta):
            return value
        match = DURATION.match(str(value).strip())
        if not match or not any(match.groups()) or match.group(3):
            self.fail(
                tr(
                    "'{value}' is not a duration in whole hours such as 7d, 24h or 2d12h",
                    value=value,
                ),
                param,
                ctx,
            )
        days, hours = int(match.group(1) or 0), int(match.group(2) or 0)
        if not 1 <= days * 24 + hours <= 24 * 92:
            self.fail(tr("'{value}' must be between 1h and 92d", value=value), param, ctx)
        return timedelta(days=days, hours=hours)


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
        overrides, dead = _stored_state(data_dir)
        if span is not None:
            holes = sweep(roster, scenario, start, int(span / HOUR), overrides, dead)
            _show_sweep(scenario, start, span, holes, as_json)
            click.get_current_context().exit(1 if holes else 0)
        channels = check_installed_channels(roster, [scenario.chain])  # unknown: exit 2
        checks = dry_run(roster, scenario, start, overrides, dead)
        _show_dry_run(scenario, start, checks, as_json)
        if not as_json:
            for note in channels.notes:
                click.echo(tr("note: {note}", note=said(note, language())))
        click.get_current_context().exit(1 if any(c.problem for c in checks) else 0)
    if at is not None:
        raise DispatcherError(tr("--at applies to --dry-run and --sweep; a live drill runs now"))
    with open_store(data_dir) as store:
        start_logging(store.data_dir)
        passed = _run_live(store, roster, scenario, resolve_actor(actor), wait, as_json)
    click.get_current_context().exit(0 if passed in (True, None) else 1)


def _run_live(
    store: Store, roster: Roster, scenario, actor: str, wait: bool, as_json: bool
) -> bool | None:
    """Start the drill; with `wait`, follow it (running the engine here when no desk or
    `dispatcher engine` does) until its chain ends, then print its report. Ctrl-C aborts it."""
    from dispatcher.engine.control import CalloutControl
    from dispatcher.engine.drills import abort_drill, start_drill
    from dispatcher.reports.drill import drill_report, report_markdown

    control = CalloutControl(store, roster)
    record = start_drill(control, scenario, now(), actor)
    click.echo(
        tr(
            "DRILL {sr} started: {name}; every message says it is a drill",
            sr=record.sr,
            name=phrase(scenario.name, language()),
        ),
        err=True,
    )
    if not wait:
        echo_json(record) if as_json else click.echo(record.sr)
        return None
    engine = engine_here(store, roster)
    try:
        _follow(store, record.sr, quiet=as_json)
    except KeyboardInterrupt:
        abort_drill(control, record.sr, now(), actor)
        said_aborted = tr(
            "DRILL {sr} aborted; telling everyone paged that it is over", sr=record.sr
        )
        click.echo(said_aborted, err=True)
        if engine is not None:
            _settle_outbox(store, record.sr)
    finally:
        if engine is not None:
            engine.stop()
    report = drill_report(store, roster, record.sr)
    echo_json(report) if as_json else click.echo(report_markdown(report, language()), nl=False)
    return report.passed


def engine_here(store: Store, roster: Roster):
    """An engine in this process when none holds the data directory; None when one does."""
    from dispatcher.engine.runtime import EngineThread
    from dispatcher.plugins import PluginManager

    engine = EngineThread(store, roster, PluginManager(store=store).load(), role="drill")
    if engine.start():
        return engine
    holder = engine.holder()
    click.echo(
        tr(
            "the engine runs in {holder}; following the drill from here",
            holder=holder.describe(roster.zone, language()) if holder else tr("another process"),
        ),
        err=True,
    )
    return None


def _follow(store: Store, sr_id: str, quiet: bool, poll_seconds: float = 1.0) -> None:
    """Print each step of the drill as the engine reaches it, until its chain ends."""
    from dispatcher.store.callouts import CalloutRepository

    callouts, zone = CalloutRepository(store), command_zone(store)
    shown = 0
    while True:
        store.refresh()
        record = callouts.get(sr_id)
        steps = record.steps if record else ()
        for step in steps[shown:]:
            if not quiet:
                who = ", ".join(step.people) or tr("NOBODY (skipped)")
                position = tr(
                    "round {round}, step {step}", round=step.round + 1, step=step.step + 1
                )
                said_step = tr(
                    "{position}: {who} by {channels}",
                    position=position,
                    who=who,
                    channels=", ".join(step.channels),
                )
                click.echo(f"{local(step.at, zone):%H:%M:%S} {said_step}", err=True)
        shown = len(steps)
        if record is not None and not record.running:
            return
        time.sleep(poll_seconds)


def _settle_outbox(store: Store, sr_id: str, limit_seconds: float = 30.0) -> None:
    """Give this process's engine time to send what the drill still has queued (the notices
    that it is over) before it stops."""
    from dispatcher.store.outbox import OutboxRepository

    outbox = OutboxRepository(store)
    deadline = time.monotonic() + limit_seconds
    while time.monotonic() < deadline:
        store.refresh()
        if not any(r.state.value in ("queued", "sending") for r in outbox.for_sr(sr_id)):
            return
        time.sleep(0.5)


def _stored_state(data_dir: Path | None) -> tuple[tuple[Override, ...], frozenset[str]]:
    """Run-time overrides and numbers the carrier refused, if a data directory exists (a dry
    run never creates one)."""
    from dispatcher.store import default_data_dir

    if not (data_dir or default_data_dir()).is_dir():
        return (), frozenset()
    with open_store(data_dir) as store:
        return OverrideRepository(store).all(), dead_numbers(OutboxRepository(store).all())


def _show_dry_run(scenario, at: datetime, checks: list[StepCheck], as_json: bool) -> None:
    if as_json:
        echo_json(
            {
                "scenario": scenario,
                "at": at,
                "steps": [
                    {
                        "step": c.preview.number,
                        "channels": c.preview.channels,
                        "wait_minutes": c.preview.wait_minutes,
                        "problem": c.problem,
                        "people": [
                            {
                                "id": p.id,
                                "name": p.display_name,
                                "contacts": [
                                    {"kind": m.kind, "address": m.address} for m in p.contacts
                                ],
                                "working_phone": p.id not in c.no_phone,
                            }
                            for p in c.preview.people
                        ],
                        "nobody_for": [describe_target(t) for t in c.preview.nobody_for],
                    }
                    for c in checks
                ],
            }
        )
        return
    lang = language()
    click.echo(tr("drill {id}: {name}", id=scenario.id, name=phrase(scenario.name, lang)))
    click.echo(
        tr(
            "{chain} chain at {at} (dry run: nothing is sent)",
            chain=scenario.chain,
            at=format(at, "%Y-%m-%d %H:%M %Z"),
        )
    )
    for check in checks:
        step = check.preview
        click.echo(
            "  "
            + tr(
                "step {number} by {channels}, then wait {minutes} min:",
                number=step.number,
                channels=", ".join(step.channels),
                minutes=step.wait_minutes,
            )
        )
        for person in step.people:
            ways = ", ".join(f"{value(m.kind)} {m.address}" for m in person.contacts)
            flag = "  " + tr("NO WORKING PHONE") if person.id in check.no_phone else ""
            ways = ways or tr("no contact")
            click.echo(f"    {person.display_name}: {ways}{flag}")
        for target in step.nobody_for:
            who = phrase(describe_target(target), lang)
            click.echo("    " + tr("NOBODY on call for {who}", who=who))
        if not step.people:
            click.echo("    " + tr("(this step reaches nobody and is skipped at once)"))


def _show_sweep(
    scenario, start: datetime, span: timedelta, holes: list[SweepHole], as_json: bool
) -> None:
    if as_json:
        echo_json(
            {"scenario": scenario.id, "from": start, "hours": int(span / HOUR), "holes": holes}
        )
        return
    hours = sum(len(h.hours) for h in holes)
    swept = f"{span.days}d{span.seconds // 3600}h"
    click.echo(
        tr(
            "drill {id}: {chain} chain swept hour by hour from {start} for {span}",
            id=scenario.id,
            chain=scenario.chain,
            start=format(start, "%Y-%m-%d %H:%M %Z"),
            span=swept,
        )
    )
    for hole in holes:
        click.echo(
            "  "
            + tr(
                "{start} to {end} ({hours} h) step {step}: {detail}",
                start=weekday(hole.start) + format(hole.start, " %Y-%m-%d %H:%M"),
                end=weekday(hole.end) + format(hole.end, " %H:%M %Z"),
                hours=len(hole.hours),
                step=hole.step,
                detail=said(hole.detail, language()),
            )
        )
    click.echo(
        tr("{count} hour(s) with a hole", count=hours)
        if holes
        else tr("every hour reaches someone by phone")
    )


@drill_group.command("list")
@roster_option
@json_option
@with_store
def list_command(store: Store, roster_path: Path, as_json: bool) -> None:
    """Every drill run, with reach rate, time to first acknowledgement, and the trend."""
    from dispatcher.reports.drill import drill_history, history_text, trend

    roster = load_roster_for_command(roster_path)
    rows = drill_history(store, roster)
    if as_json:
        echo_json({"drills": rows, "trend": trend(rows)})
        return
    click.echo(history_text(rows, language()) if rows else tr("no drills yet"))


@drill_group.command("report")
@click.argument("drill_id", metavar="ID", shell_complete=complete_drills)
@click.option(
    "--format", "output_format", type=Choice(["md", "json"]), default="md", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option(
    "--lang",
    "report_language",
    type=Choice(LANGUAGES),
    default=None,
    help="Language of the report (default: the command line's); JSON keys stay English.",
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
    fail against the scenario's targets; what to fix. Exit 1 when the drill is over and
    failed."""
    from dispatcher.reports.drill import drill_report, report_markdown

    roster = load_roster_for_command(roster_path)
    report = drill_report(store, roster, drill_id)
    if as_json or output_format == "json":
        echo_json(report)
    else:
        click.echo(report_markdown(report, report_language or language()), nl=False)
    click.get_current_context().exit(1 if report.failed else 0)


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
    record = abort_drill(CalloutControl(store, roster), drill_id, now(), resolve_actor(actor))
    if as_json:
        echo_json(record)
    else:
        click.echo(
            tr("{sr}: drill aborted; everyone already paged is told it is over", sr=record.sr)
        )
