"""Shell completion of what the command line names: request, planned-work and drill ids from
the store; people, units, sites, products, chains and drill scenarios from the roster;
channels from the installed plugins.

Each `complete_*` is a click `shell_complete` callback: (context, parameter, what was typed
so far) → the candidates starting with it, each with a short help. It reads the `--data` and
`--roster` given earlier on the line (else their environment variables and defaults), never
creates a data directory, and offers nothing rather than fail: a broken roster or store
completes nothing, and the command itself then says what is wrong.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import click
from click.shell_completion import CompletionItem

from dispatcher.cli.common import ROSTER_ENV
from dispatcher.domain.names import name_table
from dispatcher.domain.outbox import DeliveryState
from dispatcher.domain.text import escape

Completer = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]


def _items(pairs: Iterable[tuple[str, str]], typed: str) -> list[CompletionItem]:
    """(value, help) pairs whose value starts with `typed` (ignoring case), once each, with
    control characters escaped (a summary is a caller's words)."""
    seen: dict[str, str] = {}
    for value, help_text in pairs:
        if value.casefold().startswith(typed.casefold()):
            seen.setdefault(escape(value), escape(" ".join(help_text.split())))
    return [CompletionItem(value, help=help_text) for value, help_text in seen.items()]


def _param(ctx: click.Context, name: str):
    """A parameter's value on this command or a parent (`outbox --data D retry …`)."""
    while ctx is not None:
        if ctx.params.get(name) is not None:
            return ctx.params[name]
        ctx = ctx.parent
    return None


def _roster(ctx: click.Context):
    import os

    from dispatcher.roster import load_roster

    path = _param(ctx, "roster_path") or Path(os.environ.get(ROSTER_ENV) or "contacts.yaml")
    try:
        return load_roster(path), Path(path)
    except Exception:  # completion offers nothing; the command itself names the problem
        return None, Path(path)


@contextlib.contextmanager
def _store(ctx: click.Context) -> Iterator:
    from dispatcher.store import Store, default_data_dir

    data_dir = Path(_param(ctx, "data_dir") or default_data_dir())
    if not (data_dir / "live").is_dir():  # completion never creates a data directory
        yield None
        return
    try:
        store = Store(data_dir)
    except Exception:
        yield None
        return
    with store:
        yield store


def roster_names(what: str) -> Completer:
    """Ids of one kind of roster name (see `dispatcher.domain.names.name_table`), each with
    its first name as help; a name typed instead of an id completes to the id."""

    def complete(ctx: click.Context, param: click.Parameter, typed: str) -> list[CompletionItem]:
        roster, _ = _roster(ctx)
        if roster is None:
            return []
        table = name_table(roster, what)
        by_id = _items(((i, names[0]) for i, names in table), typed)
        if by_id:
            return by_id
        return _items(((i, names[0]) for i, names in table if _any_starts(names, typed)), "")

    return complete


def _any_starts(names: tuple[str, ...], typed: str) -> bool:
    return any(n.casefold().startswith(typed.casefold()) for n in names)


def complete_requests(ctx: click.Context, param: click.Parameter, typed: str):
    """Open requests (drills too), newest first, with their summaries."""
    from dispatcher.store.requests import RequestFilter, RequestRepository

    with _store(ctx) as store:
        if store is None:
            return []
        found = RequestRepository(store).list(RequestFilter(drill=None))
        return _items(((r.id, r.summary) for r in reversed(found)), typed.upper())


def complete_planned(ctx: click.Context, param: click.Parameter, typed: str):
    from dispatcher.store.planned import PlannedRepository

    with _store(ctx) as store:
        if store is None:
            return []
        works = PlannedRepository(store).all()
        return _items(((w.id, w.title) for w in reversed(works)), typed.upper())


def complete_callback_subjects(ctx: click.Context, param: click.Parameter, typed: str):
    """`sr callback`'s subject: a request, or planned work (its satisfaction call)."""
    return complete_requests(ctx, param, typed) + complete_planned(ctx, param, typed)


def complete_drills(ctx: click.Context, param: click.Parameter, typed: str):
    from dispatcher.store.drills import DrillRepository

    with _store(ctx) as store:
        if store is None:
            return []
        drills = DrillRepository(store).all()
        return _items(((d.sr, d.scenario.name) for d in reversed(drills)), typed.upper())


def complete_notifications(ctx: click.Context, param: click.Parameter, typed: str):
    """Notifications that can be sent again (failed or cancelled), newest first."""
    from dispatcher.store.outbox import OutboxRepository

    with _store(ctx) as store:
        if store is None:
            return []
        again = [r for r in OutboxRepository(store).all() if r.state in RESENDABLE]
        pairs = ((str(r.id), f"{r.sr} {r.person} {r.channel} {r.state.value}") for r in again)
        return _items(reversed(list(pairs)), typed.lstrip("#"))


RESENDABLE = (DeliveryState.FAILED, DeliveryState.CANCELLED)  # what `outbox retry` takes


def complete_scenarios(ctx: click.Context, param: click.Parameter, typed: str):
    from dispatcher.roster.scenarios import load_scenarios

    roster, path = _roster(ctx)
    if roster is None:
        return []
    try:
        scenarios = load_scenarios(roster, path)
    except Exception:
        return []
    return _items(((s.id, s.name) for s in scenarios.values()), typed)


def complete_chains(ctx: click.Context, param: click.Parameter, typed: str):
    roster, _ = _roster(ctx)
    chains = roster.chains.values() if roster else ()
    return _items(((c.id, f"{len(c.steps)} step(s) x {c.repeat}") for c in chains), typed)


def complete_channels(ctx: click.Context, param: click.Parameter, typed: str):
    """Every channel the installed plugins register, enabled or not (help says which)."""
    from dispatcher.plugins import PluginManager

    try:
        infos = PluginManager().load().channel_infos
    except Exception:
        return []
    return _items(
        ((c.name, f"plugin {c.plugin}" if c.enabled else f"off: {c.reason}") for c in infos),
        typed,
    )


complete_people = roster_names("person")
complete_units = roster_names("unit")
complete_sites = roster_names("site")
complete_branches = roster_names("branch")
complete_products = roster_names("product")
