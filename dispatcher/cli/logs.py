"""`dispatcher logs [--follow]`: the data directory's log file, safe to print to a terminal."""

from __future__ import annotations

import time
from pathlib import Path

import click

from dispatcher.cli.common import data_option, default_data_dir
from dispatcher.cli.language import tr
from dispatcher.errors import DispatcherError
from dispatcher.logfile import log_path, read_appended, tail

POLL_SECONDS = 0.5


@click.command("logs")
@click.option("-n", "--lines", default=50, show_default=True, type=click.IntRange(min=0))
@click.option("-f", "--follow", is_flag=True, help="Keep printing lines as they are written.")
@data_option
def logs_command(lines: int, follow: bool, data_dir: Path | None) -> None:
    """Show the end of the log the desk, the engine and live drills write (pages, deliveries,
    acknowledgements, failures) in <data dir>/logs/dispatcher.log; --follow until Ctrl-C."""
    path = log_path(data_dir or default_data_dir())
    if not path.is_file() and not follow:
        raise DispatcherError(
            tr("no log yet at {path}: the desk or the engine writes it", path=path)
        )
    try:  # Ctrl-C ends it quietly, whenever it comes
        shown, offset = tail(path, lines)
        for line in shown:
            click.echo(line)
        while follow:
            time.sleep(POLL_SECONDS)
            appended, offset = read_appended(path, offset)
            for line in appended:
                click.echo(line)
    except KeyboardInterrupt:
        return
