"""`dispatcher desk`: the Textual dispatch desk."""

from __future__ import annotations

from pathlib import Path

import click

from dispatcher.cli.common import (
    actor_option,
    command_zone,
    load_roster_for_command,
    named_dispatcher,
    roster_option,
    start_logging,
    with_store,
)
from dispatcher.cli.language import language as run_language
from dispatcher.cli.names import Names
from dispatcher.cli.options import lang_option
from dispatcher.preferences import FILE_NAME, config_dir, desk_language
from dispatcher.store import Store


@click.command()
@roster_option
@lang_option(
    help="Interface language (default: the one last chosen at the desk, else from the locale)."
)
@click.option(
    "--confirm-days",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="On call, list phones no acknowledgement came through for this many days.",
)
@actor_option
@with_store
def desk(
    store: Store, roster_path: Path, language: str | None, actor: str | None, confirm_days: int
) -> None:
    """Open the dispatch desk on a roster (checked first: a broken roster never opens), as a
    person of it (`--as`, $DISPATCHER_AS, else the login name; anyone else is refused)."""
    from dispatcher.tui import collector

    collector.pause()  # until the board shows: see `dispatcher.tui.collector`
    try:
        _open_desk(store, roster_path, language, actor, confirm_days)
    finally:
        collector.resume()  # a desk refused before its board showed (a broken roster) too


def _open_desk(
    store: Store, roster_path: Path, language: str | None, actor: str | None, confirm_days: int
) -> None:
    from dispatcher.engine.thread import EngineThread
    from dispatcher.plugins.manager import PluginManager
    from dispatcher.tui.app import DeskApp
    from dispatcher.tui.context import DeskContext

    roster = load_roster_for_command(roster_path)
    # the desk acknowledges, resolves and aborts drills: only as a named dispatcher (PROMISES 3)
    actor = named_dispatcher(actor, Names(roster, roster_path))
    command_zone(store, roster)  # a store whose dates are in another zone: one line, no desk
    start_logging(store.data_dir)
    path = config_dir() / FILE_NAME
    if language is None:  # the command line's: `dispatcher --lang`, DISPATCHER_LANG, remembered
        problem = desk_language(path)[1]
        language = run_language()
        if problem:
            click.echo(f"dispatcher: {problem}", err=True)
    context = DeskContext(store, roster, actor, roster_path=roster_path, confirm_days=confirm_days)
    engine = EngineThread(
        store, roster, PluginManager(store=store), role="desk", clock=context.clock
    )
    try:
        DeskApp(context, language, engine, path).run()
    finally:
        engine.stop()
