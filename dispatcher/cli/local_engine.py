"""An engine in this process for a command that waits on the engine's work (a live drill, an
audit with `--wait`) when no desk or `dispatcher engine` holds the data directory, and the
bounded poll of the store while it waits."""

from __future__ import annotations

import time
from collections.abc import Callable

import click

from dispatcher.cli.language import language, tr
from dispatcher.domain.oncall import Roster
from dispatcher.store import Store


def engine_here(store: Store, roster: Roster, elsewhere: Callable[[str], str]):
    """An engine in this process when none holds the data directory; None when one does,
    after printing `elsewhere(the process that holds it)` on stderr: that the command follows
    the engine's work from here."""
    from dispatcher.engine.runtime import EngineThread
    from dispatcher.plugins import PluginManager

    engine = EngineThread(store, roster, PluginManager(store=store).load(), role="drill")
    if engine.start():
        return engine
    holder = engine.holder()
    click.echo(
        elsewhere(holder.describe(roster.zone, language()) if holder else tr("another process")),
        err=True,
    )
    return None


def poll_store(store: Store, done: Callable[[], bool], seconds: float, every: float) -> bool:
    """Read what other processes wrote to `store` and ask `done()`, every `every` seconds,
    until it holds (True) or `seconds` have passed (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        store.refresh()
        if done():
            return True
        time.sleep(every)
    return False
