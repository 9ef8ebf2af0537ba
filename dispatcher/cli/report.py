"""`dispatcher report`: the shift handover and the daily, weekly and monthly service reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import click

from dispatcher.cli.common import (
    TIME,
    Choice,
    command_zone,
    csc_time,
    load_roster_for_command,
    now,
    roster_option,
    with_store,
)
from dispatcher.cli.language import language as run_language
from dispatcher.cli.options import lang_option, output_option
from dispatcher.domain.oncall import Roster
from dispatcher.i18n import translator
from dispatcher.reports import Report
from dispatcher.reports.periodic import KINDS, period_bounds, service_report
from dispatcher.reports.render import FORMATS, render, save
from dispatcher.reports.words import text
from dispatcher.store import Store


def _output_options(command):
    command = lang_option(
        help="Language of titles, column heads and names (default: the command line's, "
        "`dispatcher --lang`); JSON keys stay English."
    )(command)
    command = output_option(help="Write to this file (default: standard output).")(command)
    command = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(
        command
    )
    command = click.option(
        "--format",
        "fmt",
        type=Choice(FORMATS),
        default="md",
        show_default=True,
        help="Markdown, CSV (one figure a line) or JSON.",
    )(command)
    command = click.option("--to", "end", type=TIME, help="End of the period (exclusive).")(command)
    command = click.option("--from", "start", type=TIME, help="Start of the period.")(command)
    return roster_option(command)


def _emit(
    report: Report, fmt: str, as_json: bool, output: Path | None, language: str | None
) -> None:
    fmt = "json" if as_json else fmt
    language = language or run_language()
    if output is None:
        click.echo(render(report, fmt, language), nl=False)
        return
    save(report, fmt, output, language)
    wrote = translator(language).gettext("wrote {report} to {path}")
    click.echo(wrote.format(report=text(report.title, language), path=output), err=True)


@click.group()
def report() -> None:
    """Reports: the shift handover, and daily, weekly and monthly service reports."""


# What a report command builds: (store, roster, --from, --to as typed, now) -> the report.
Build = Callable[[Store, Roster, datetime | None, datetime | None, datetime], Report]


def _report_command(name: str, help: str | None = None) -> Callable[[Build], click.Command]:
    """Make `build` the command `dispatcher report NAME` (its help: `help`, else `build`'s
    docstring): the period and output options, the roster, then the report written as asked."""

    def decorate(build: Build) -> click.Command:
        @report.command(name, help=help or build.__doc__)
        @_output_options
        @with_store
        def command(
            store: Store,
            roster_path: Path,
            start: datetime | None,
            end: datetime | None,
            fmt: str,
            as_json: bool,
            output: Path | None,
            language: str | None,
        ) -> None:
            roster = load_roster_for_command(roster_path)
            _emit(build(store, roster, start, end, now()), fmt, as_json, output, language)

        return command

    return decorate


@_report_command("handover")
def handover(
    store: Store, roster: Roster, start: datetime | None, end: datetime | None, at: datetime
) -> Report:
    """The shift handover: open requests, Red Flags, chains, SLA breaches, callbacks due,
    the next shift's planned work and the notes of the shift (default: the last 12 hours)."""
    from dispatcher.reports.handover import handover_report, shift_bounds

    zone = command_zone(store, roster)
    start, end = shift_bounds(at, csc_time(start, zone), csc_time(end, zone))
    return handover_report(store, roster, start, end, at)


def _periodic(kind: str, unit: str) -> None:
    def build(
        store: Store, roster: Roster, start: datetime | None, end: datetime | None, at: datetime
    ) -> Report:
        start, end = period_bounds(kind, at, command_zone(store, roster), start, end)
        return service_report(store, roster, kind, start, end, at)

    _report_command(kind, f"The {kind} service report (default: the last whole {unit}).")(build)


for _kind, _unit in zip(KINDS, ("day", "week", "month"), strict=False):
    _periodic(_kind, _unit)
