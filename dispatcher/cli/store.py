"""`dispatcher store check` and `dispatcher store repair`: find damage, and copy every record
that can be recovered into a new data directory, leaving the damaged one untouched;
`dispatcher store zone`: the CSC's time zone the store's local dates are in."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from dispatcher.cli.common import data_option, echo_json, json_option, open_store, progress_bar
from dispatcher.cli.help import shown_name
from dispatcher.cli.language import language, tr, tr_n
from dispatcher.i18n.shapes import said
from dispatcher.store import default_data_dir
from dispatcher.store.check import check_store, partition_labels
from dispatcher.store.damage import write_notice
from dispatcher.store.repair import repair_store


@click.group("store")
def store_group() -> None:
    """The data directory: check it, repair it into a copy, its CSC time zone."""


@store_group.command("check")
@data_option
@json_option
def check_command(data_dir: Path | None, as_json: bool) -> None:
    """Verify every partition: checksums, ids, sequences, references between tables.

    Exit 0 when all is well, 1 when something is damaged or inconsistent, 2 when there is no
    data directory to check. No record is changed; the damage notice that every command
    repeats is set to what the check found.
    """
    data_dir = data_dir or default_data_dir()
    with progress_bar(len(partition_labels(data_dir)), tr("checking")) as done:
        report = check_store(data_dir, done)
    write_notice(data_dir, [f.line() for f in report.findings if f.damage])
    if as_json:
        echo_json(
            {
                "data": data_dir,
                "partitions": report.partitions,
                "documents": report.documents,
                "findings": [
                    {"where": f.where, "problem": f.problem, "damage": f.damage}
                    for f in report.findings
                ],
                "notes": report.notes,
            }
        )
    else:
        for note in report.notes:
            click.echo(said(note, language()))
        for finding in report.findings:  # found in English (also the notice), said here
            where, problem = (said(text, language()) for text in (finding.where, finding.problem))
            click.echo(tr("{where}: {problem}", where=where, problem=problem))
        problems = (
            tr_n(
                "{count} problem",
                "{count} problems",
                len(report.findings),
                count=len(report.findings),
            )
            if report.findings
            else tr("no problems")
        )
        click.echo(
            tr(
                "{path}: {partitions} partitions, {documents} documents, {problems}",
                path=data_dir,
                partitions=len(report.partitions),
                documents=report.documents,
                problems=problems,
            ),
            err=bool(report.findings),
        )
    if report.exit_code:
        raise SystemExit(report.exit_code)


@store_group.command("repair")
@data_option
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    help="The new data directory (default: beside the old one, named <name>.repaired-<time>).",
)
def repair_command(data_dir: Path | None, into: Path | None) -> None:
    """Copy every recoverable record into a new data directory and report what was lost.

    The damaged directory is not changed. The report (also REPAIR-REPORT.txt in the copy)
    names every lost journal line or file, with the request ids it held; timelines that lost
    events are marked where they did.
    """
    data_dir = data_dir or default_data_dir()
    with progress_bar(len(partition_labels(data_dir)), tr("repairing")) as done:
        report = repair_store(data_dir, into, done)
    for line in report.lines():  # as REPAIR-REPORT.txt has them, in the run's language
        click.echo(said(line, language()))


@store_group.command("zone")
@click.argument("name", metavar="[ZONE]", required=False)
@data_option
def zone_command(name: str | None, data_dir: Path | None) -> None:
    """The CSC's time zone the store's local dates (SR ids, archive months) are in.

    Without ZONE, print it. With ZONE (an IANA name such as Asia/Shanghai), record it in a
    store that has none yet; the first command run with the roster records the roster's csc
    zone by itself. A store keeps one zone: another is refused (exit 2).
    """
    from dispatcher.store.zone import csc_zone

    try:
        zone = ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(
            tr("'{name}' is not a known IANA time zone (e.g. Asia/Shanghai)", name=name),
            param_hint=shown_name("name"),
        ) from None
    with open_store(data_dir) as store:
        click.echo(csc_zone(store, zone, record=True).key)
