"""`dispatcher sr`: register, list, show and move service requests through their lifecycle.

The group gathers the commands of the modules that hold them:

- `sr_new`: `sr new`, and the routing that `--dry-run` shows;
- `sr_views`: `sr list` and `sr show`;
- `sr_lifecycle`: the moves of a request (dispatch … close, reopen), notes and callbacks;
- `sr_transfer`: `sr import` and `sr export` (JSON lines).
"""

from __future__ import annotations

import click

from dispatcher.cli.sr_lifecycle import (
    MOVES,
    ack,
    assign,
    callback,
    close,
    declare,
    note,
    reopen,
)
from dispatcher.cli.sr_new import new
from dispatcher.cli.sr_transfer import export, import_
from dispatcher.cli.sr_views import list_, show


@click.group()
def sr() -> None:
    """Service requests: register, list, show, and move through their lifecycle."""


for _command in (
    new,
    list_,
    show,
    *MOVES,
    ack,
    note,
    assign,
    declare,
    callback,
    close,
    reopen,
    import_,
    export,
):
    sr.add_command(_command)
