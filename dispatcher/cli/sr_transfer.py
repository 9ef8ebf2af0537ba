"""`dispatcher sr import` and `dispatcher sr export`: requests with their timelines as JSON
lines (`dispatcher.store.transfer`), with a progress bar on a terminal."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from dispatcher.cli.common import (
    TIME,
    command_zone,
    csc_time,
    echo_json,
    json_option,
    progress_bar,
    with_store,
)
from dispatcher.cli.language import language, tr, tr_n
from dispatcher.cli.options import output_option
from dispatcher.errors import DispatcherError
from dispatcher.i18n.shapes import said
from dispatcher.store import Store
from dispatcher.store.journal import reason
from dispatcher.store.paths import write_output
from dispatcher.store.requests import RequestFilter, RequestRepository
from dispatcher.store.transfer import ImportFileError, export_lines, import_file


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--resume",
    is_flag=True,
    help="Complete an import that was interrupted: skip requests already imported "
    "identically, refuse ones that differ.",
)
@json_option
@with_store
def import_(store: Store, path: Path, resume: bool, as_json: bool) -> None:
    """Import requests with their timelines from a JSON-lines file.

    Every line is checked first; one wrong line, or an id already in the store, imports
    nothing. A request must have been received on the CSC's day its id names, and no time may
    be later than now (5 minutes of clock difference allowed) or an event earlier than its
    request. If an import is interrupted, run it again with --resume to complete it.
    """
    try:
        size = path.stat().st_size
    except OSError as error:
        why = said(reason(error), language())
        raise DispatcherError(tr("{path}: cannot read: {reason}", path=path, reason=why)) from None
    with progress_bar(
        2 * size, tr("checking and importing")
    ) as done:  # each byte: checked, then written
        try:
            summary = import_file(
                path, RequestRepository(store), resume, done, done, zone=command_zone(store)
            )
        except ImportFileError as refused:  # its count said in the language's plural form
            raise DispatcherError(refused.said(language()), refused.problems) from None
    if as_json:
        echo_json(summary.__dict__)
    else:
        line = tr_n(
            "imported {count} request ({open} open) and {events} events",
            "imported {count} requests ({open} open) and {events} events",
            summary.requests,
            count=summary.requests,
            open=summary.open,
            events=summary.events,
        )
        if summary.skipped:
            line += tr_n(
                "; {count} was already imported",
                "; {count} were already imported",
                summary.skipped,
                count=summary.skipped,
            )
        click.echo(line)


@click.command("export")
@click.option(
    "--open/--all", "only_open", default=False, help="Open requests only, or all (default)."
)
@click.option("--since", type=TIME, help="Received at or after this time.")
@output_option(help="Write to this file (default: standard output).")
@with_store
def export(store: Store, only_open: bool, since: datetime | None, output: Path | None) -> None:
    """Export requests with their timelines as JSON lines (the import format)."""
    since = csc_time(since, command_zone(store)) if since else None
    request_filter = RequestFilter(include_closed=not only_open, since=since, drill=None)
    count, lines = export_lines(RequestRepository(store), request_filter)
    with progress_bar(count, tr("exporting")) as done:

        def write(out) -> None:
            for line in lines:
                out.write(line)
                done(1)

        if output is None:
            write(sys.stdout)
            return
        write_output(output, write)
    line = tr_n(
        "exported {count} request to {path}",
        "exported {count} requests to {path}",
        count,
        count=count,
        path=output,
    )
    click.echo(line, err=True)
