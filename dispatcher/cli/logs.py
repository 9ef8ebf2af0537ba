"""`dispatcher logs [--follow]`: the data directory's log file, safe to print to a terminal."""

from __future__ import annotations

import time
from pathlib import Path

import click

from dispatcher.cli.common import data_option, default_data_dir
from dispatcher.cli.logfile import log_path
from dispatcher.errors import DispatcherError

POLL_SECONDS = 0.5


def _printable(line: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in line.rstrip("\n"))


def _tail(path: Path, lines: int) -> tuple[list[str], int]:
    """The last `lines` lines of `path` and the offset its end is at."""
    with path.open("rb") as file:
        data = file.read()
    text = data.decode("utf-8", errors="replace").splitlines()
    return text[-lines:] if lines else [], len(data)


@click.command("logs")
@click.option("-n", "--lines", default=50, show_default=True, type=click.IntRange(min=0))
@click.option("-f", "--follow", is_flag=True, help="Keep printing lines as they are written.")
@data_option
def logs_command(lines: int, follow: bool, data_dir: Path | None) -> None:
    """Show the end of the log the desk, the engine and live drills write (pages, deliveries,
    acknowledgements, failures) in <data dir>/logs/dispatcher.log; --follow until Ctrl-C."""
    path = log_path(data_dir or default_data_dir())
    if not path.is_file() and not follow:
        raise DispatcherError(f"no log yet at {path}: the desk or the engine writes it")
    offset = 0
    if path.is_file():
        shown, offset = _tail(path, lines)
        for line in shown:
            click.echo(_printable(line))
    if not follow:
        return
    try:
        while True:
            offset = _follow_once(path, offset)
            time.sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        return


def _follow_once(path: Path, offset: int) -> int:
    """Print what was appended since `offset`; start over when the file was rotated."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return 0
    if size < offset:  # rotated: the new file is read from its start
        offset = 0
    if size == offset:
        return offset
    with path.open("rb") as file:
        file.seek(offset)
        data = file.read()
    complete = data.rfind(b"\n") + 1  # a line still being written waits for its end
    for line in data[:complete].decode("utf-8", errors="replace").splitlines():
        click.echo(_printable(line))
    return offset + complete
