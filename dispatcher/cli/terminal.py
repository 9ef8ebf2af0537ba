"""The command line's edge with the terminal: what a person types is checked, what is printed is
escaped (promise 6, rules in `dispatcher.domain.text`).

- `check_typed(command, name, args, parent)`: every text option and argument of the command
  line is refused if it holds a control character, with one line naming the option. Options
  that hold prose (`MULTILINE`) may hold tab and newline.
- `EscapingWriter`: standard output and error, installed by the `dispatcher` group, write
  every control character but tab and newline as `\\uXXXX`. Inside JSON strings that form is
  the same character, so `--json` output keeps the data exact.
- `EscapingFormatter`: the same for log lines.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import click
from rich.cells import cell_len, set_cell_size

from dispatcher.domain.text import check, escape

MULTILINE = frozenset({"description", "text", "words", "reason", "note", "body"})


def check_typed(command: click.Command, name: str, args: list[str], parent: click.Context) -> None:
    """Refuse control characters in the values of `command`'s parameters (and of the
    subcommand they name, for a group). Raises `dispatcher.domain.text.UnsafeText`."""
    ctx = command.make_context(name, list(args), parent=parent, resilient_parsing=True)
    for param in command.params:
        values = ctx.params.get(param.name)
        field = (
            max(param.opts, key=len)
            if isinstance(param, click.Option)
            else param.human_readable_name
        )
        for value in values if isinstance(values, tuple | list) else [values]:
            if isinstance(value, str):
                check(value, field, multiline=param.name in MULTILINE)
    if isinstance(command, click.Group):
        rest = [*getattr(ctx, "_protected_args", ()), *ctx.args]
        if rest:
            sub = command.get_command(ctx, rest[0])
            if sub is not None:
                check_typed(sub, rest[0], rest[1:], ctx)


class EscapingWriter:
    """A text stream that escapes control characters on their way to `raw`."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("EscapingWriter takes text")
        self.raw.write(escape(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self.raw, "encoding", "utf-8")

    @property
    def errors(self) -> str:
        return getattr(self.raw, "errors", "strict")


def guard_output() -> None:
    """Escape everything printed from here on (idempotent)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, EscapingWriter):
            setattr(sys, name, EscapingWriter(stream))


def styled(text: str, err: bool = False, **style) -> None:
    """`click.secho` for text that may hold data: escaped first, then coloured, bypassing the
    escaping stream (which would escape the colour too)."""
    stream = sys.stderr if err else sys.stdout
    raw = stream.raw if isinstance(stream, EscapingWriter) else stream
    click.secho(escape(text), file=raw, **style)


def cell(text: object, width: int) -> str:
    """`text` escaped and fitted to `width` terminal columns (a Chinese character takes two):
    padded, or cut with "…", so the columns of a listing stay aligned whatever a row holds."""
    text = escape(str(text))
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def labelled(label: str, text: str, width: int = 13) -> str:
    """`label:` padded to `width` terminal columns, with at least one space after the colon
    however long the label, then `text`: the rows of a record shown field by field."""
    head = f"{label}:"
    return cell(head, max(width, cell_len(head) + 1)) + text


class EscapingFormatter(logging.Formatter):
    """Log lines with control characters escaped (an SMS body or a provider's error text
    may hold any)."""

    def format(self, record: logging.LogRecord) -> str:
        return escape(super().format(record))
