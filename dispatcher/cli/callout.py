"""`dispatcher engine` and `dispatcher chain`: the call-out from the shell (`dispatcher outbox`:
`dispatcher.cli.outbox`)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from dispatcher.cli.common import (
    CHANNEL,
    actor_option,
    command_zone,
    echo_json,
    json_option,
    load_roster_for_command,
    named_dispatcher,
    now,
    required_text,
    resolve_actor,
    roster_option,
    start_logging,
    with_store,
)
from dispatcher.cli.completion import (
    complete_chains,
    complete_requests,
)
from dispatcher.cli.language import language, tr, value
from dispatcher.cli.names import Names
from dispatcher.domain.localtime import local
from dispatcher.domain.outbox import (
    describe,
    pages_by_step,
)
from dispatcher.domain.timeline import EventKind
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.lease import EngineLease
from dispatcher.errors import DispatcherError
from dispatcher.i18n.phrases import phrase
from dispatcher.i18n.shapes import said
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRecord
from dispatcher.store.outbox import OutboxRecord
from dispatcher.store.requests import RequestRepository

log = logging.getLogger(__name__)


@click.command("engine")
@roster_option
@click.option("-v", "--verbose", is_flag=True, help="Print the log on stderr too.")
@with_store
def engine_command(store: Store, roster_path: Path, verbose: bool) -> None:
    """Run the call-out engine headless until stopped (Ctrl-C or SIGTERM).

    It pages chains, sends the outbox, reads replies and watches SLA clocks for the data
    directory. Only one engine runs per data directory; a desk opened later leaves the
    timers to it.
    """
    from dispatcher.engine.runtime import Engine, EngineSettings
    from dispatcher.plugins import PluginManager

    roster = load_roster_for_command(roster_path)
    settings = EngineSettings.from_environ(os.environ)
    lease = EngineLease(store.data_dir)
    if not lease.acquire("engine"):
        holder = lease.holder()
        raise DispatcherError(
            tr(
                "the engine of {path} already runs: {holder}",
                path=store.data_dir,
                holder=holder.describe(roster.zone, language())
                if holder
                else tr("another process"),
            )
        )
    start_logging(store.data_dir, echo=verbose)
    plugins = PluginManager(store=store).load()
    channels = sorted(plugins.channels)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        click.echo(  # said once Ctrl-C does stop it cleanly
            tr(
                "engine: {path}, roster {roster} ({people} people), channels {channels}; "
                "Ctrl-C stops",
                path=store.data_dir,
                roster=roster_path,
                people=len(roster.people),
                channels=", ".join(channels) or tr("none"),
            ),
            err=True,
        )
        for info in plugins.channel_infos:
            if not info.enabled:
                reason = said(info.reason, language())
                line = tr("engine: channel {name} off: {reason}", name=info.name, reason=reason)
                click.echo(line, err=True)
        for plugin in plugins.plugins:
            if plugin.status == "failed":
                reason = said(plugin.reason, language())
                line = tr("engine: plugin {name} off: {reason}", name=plugin.name, reason=reason)
                click.echo(line, err=True)
        engine = Engine(store, roster, plugins, settings=settings)
        log.info("engine running on %s; channels %s", store.data_dir, ", ".join(channels) or "none")
        try:
            await engine.run(stop)
        finally:
            await engine.aclose()

    try:
        asyncio.run(main())
    finally:
        lease.release()
    log.info("engine stopped")
    click.echo(tr("engine: stopped"), err=True)


@click.group("chain")
def chain_group() -> None:
    """An SR's call-out chain: show it, start it, move it on, page again, stop it."""


def _control(store: Store, roster_path: Path) -> CalloutControl:
    return CalloutControl(store, load_roster_for_command(roster_path))


def _show(control: CalloutControl, record: CalloutRecord | None, as_json: bool, sr_id: str) -> None:
    if record is None:
        # a request the store does not hold is named so ("no request SR-…"), not chainless
        RequestRepository(control.store).status(sr_id)
        raise DispatcherError(tr("{sr} has no call-out chain", sr=sr_id))
    pages = pages_by_step(record.steps, control.outbox.for_sr(record.sr))
    zone = command_zone(control.store, control.roster if control.has_roster else None)
    if as_json:
        steps = [
            {**step.to_dict(), "pages": [_page(p, zone) for p in step_pages]}
            for step, step_pages in zip(record.steps, pages, strict=True)
        ]
        echo_json({**record.to_dict(), "stopped_by": _stopped_by(control, record), "steps": steps})
        return
    lang = language()
    click.echo(
        tr(
            "{sr}  chain {chain}  {state}{drill}  at {position} of {steps} step(s) x {repeat}",
            sr=record.sr,
            chain=record.run.chain,
            state=value(record.run.state),
            drill="  " + tr("DRILL") if record.run.drill else "",
            position=phrase(record.position_label(), lang),
            steps=record.steps_total,
            repeat=record.repeat,
        )
    )
    if record.running:
        deadline = f"{local(record.run.step_deadline, zone):%Y-%m-%d %H:%M:%S %Z}"
        click.echo("  " + tr("next step at {at}", at=deadline))
    if record.run.acknowledged_by and record.run.acknowledged_at:
        click.echo(
            "  "
            + tr(
                "acknowledged by {who} via {channel} at {at}",
                who=record.run.acknowledged_by,
                channel=record.run.acknowledged_via,
                at=format(local(record.run.acknowledged_at, zone), "%H:%M:%S"),
            )
        )
    if record.stopped_reason:
        who = _stopped_by(control, record)
        click.echo(
            "  "
            + (
                tr("stopped by {who}: {reason}", who=who, reason=record.stopped_reason)
                if who
                else tr("stopped: {reason}", reason=record.stopped_reason)
            )
        )
    for step, step_pages in zip(record.steps, pages, strict=True):
        who = ", ".join(step.people) or tr("NOBODY (skipped)")
        position = tr("round {round}, step {step}", round=step.round + 1, step=step.step + 1)
        said_step = (
            tr(
                "{position} ({how}): {who} by {channels}",
                position=position,
                how=value(step.how),
                who=who,
                channels=", ".join(step.channels),
            )
            if step.channels and step.people  # one that paged nobody (a log of old) used none
            else tr("{position} ({how}): {who}", position=position, how=value(step.how), who=who)
        )
        click.echo(f"  {local(step.at, zone):%H:%M:%S}  {said_step}")
        for page in step_pages:
            result = said(describe(page, zone), lang)
            click.echo(f"      {page.person} {page.channel} {page.address}: {result}")
        for target in step.nobody_for:
            click.echo("      " + tr("nobody for {who}", who=phrase(target, lang)))


def _stopped_by(control: CalloutControl, record: CalloutRecord) -> str:
    """Who stopped the chain: the actor of the request's last `callout_stopped` event ("" for
    a record older than its timeline, as after an import)."""
    stops = [
        e.actor
        for e in RequestRepository(control.store).timeline(record.sr)
        if e.kind == EventKind.CALLOUT_STOPPED
    ]
    return stops[-1] if stops else ""


def _page(page: OutboxRecord, zone: ZoneInfo) -> dict:
    return {
        "id": page.id,
        "person": page.person,
        "channel": page.channel,
        "address": page.address,
        "state": page.state.value,
        "result": describe(page, zone),  # as `chain show` says it, in the CSC's zone
    }


@chain_group.command("show")
@click.argument("sr_id", shell_complete=complete_requests)
@json_option
@with_store
def chain_show(store: Store, sr_id: str, as_json: bool) -> None:
    """Where the chain stands and every step it reached."""
    control = CalloutControl(store, None)
    _show(control, control.callouts.get(sr_id.upper()), as_json, sr_id)


def _chain_action(
    name: str, doc: str, call: Callable[..., CalloutRecord | None], ends: bool = False
) -> click.Command:
    """A `chain` command; one that `ends` the chain is refused unless the dispatcher acting
    (`--as`) is a person of the roster (PROMISES 1, 3)."""

    @chain_group.command(name, help=doc)
    @click.argument("sr_id", shell_complete=complete_requests)
    @roster_option
    @actor_option
    @json_option
    @with_store
    def command(
        store: Store, sr_id: str, roster_path: Path, actor: str | None, as_json: bool, **options
    ) -> None:
        control = _control(store, roster_path)
        if ends:  # a request the store does not hold is named so first
            RequestRepository(store).status(sr_id.upper())
            actor = named_dispatcher(actor, Names(control.roster, roster_path))
        record = call(control, sr_id.upper(), now(), resolve_actor(actor), **options)
        _show(control, record, as_json, sr_id)

    return command


start_command = _chain_action(
    "start",
    "Start the SR's chain (the one its routing names, or --chain).",
    lambda c, sr, at, actor, chain: c.start(sr, at, actor, chain, CHANNEL),
)
click.option(
    "--chain",
    default=None,
    metavar="CHAIN",
    shell_complete=complete_chains,
    help="A chain of the roster instead of the routed one.",
)(start_command)
_chain_action(
    "next",
    "Escalate now: move the chain to its next step without waiting.",
    lambda c, sr, at, actor: c.escalate(sr, at, actor, CHANNEL),
)
_chain_action(
    "repage",
    "Page the current step again, with its full wait from now.",
    lambda c, sr, at, actor: c.repage(sr, at, actor, CHANNEL),
)
stop_command = _chain_action(
    "stop",
    "Stop the chain (a drill's stop tells everyone paged it is over).",
    lambda c, sr, at, actor, reason: c.stop(sr, at, actor, reason, CHANNEL),
    ends=True,
)
click.option("--reason", required=True, callback=required_text, help="Why the chain stops.")(
    stop_command
)
