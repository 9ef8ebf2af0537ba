"""A live drill followed from the command line: `drill run` starts it, prints each step as the
engine reaches it (running the engine in this process when no desk or `dispatcher engine` holds
the data directory, `local_engine`) and its report when the chain ends; Ctrl-C aborts it."""

from __future__ import annotations

import time

import click

from dispatcher.cli.common import (
    command_zone,
    echo_json,
    now,
)
from dispatcher.cli.language import language, tr
from dispatcher.cli.local_engine import engine_here, poll_store
from dispatcher.domain.localtime import local
from dispatcher.domain.oncall import Roster
from dispatcher.i18n.phrases import phrase
from dispatcher.store import Store
from dispatcher.store.outbox import OutboxRepository


def run_live(
    store: Store, roster: Roster, scenario, actor: str, wait: bool, as_json: bool
) -> bool | None:
    """Start the drill; with `wait`, follow it (running the engine here when no desk or
    `dispatcher engine` does) until its chain ends, then print its report. Ctrl-C aborts it."""
    from dispatcher.engine.control import CalloutControl
    from dispatcher.engine.drills import abort_drill, start_drill
    from dispatcher.reports.drill import drill_report, report_markdown

    control = CalloutControl(store, roster)
    record = start_drill(control, scenario, now(), actor)
    click.echo(
        tr(
            "DRILL {sr} started: {name}; every message says it is a drill",
            sr=record.sr,
            name=phrase(scenario.name, language()),
        ),
        err=True,
    )
    if not wait:
        echo_json(record) if as_json else click.echo(record.sr)
        return None
    engine = engine_here(
        store,
        roster,
        lambda holder: tr(
            "the engine runs in {holder}; following the drill from here", holder=holder
        ),
    )
    try:
        _follow(store, record.sr, quiet=as_json)
    except KeyboardInterrupt:
        abort_drill(control, record.sr, now(), actor)
        said_aborted = tr(
            "DRILL {sr} aborted; telling everyone paged that it is over", sr=record.sr
        )
        click.echo(said_aborted, err=True)
        if engine is not None:
            _settle_outbox(store, record.sr)
    finally:
        if engine is not None:
            engine.stop()
    report = drill_report(store, roster, record.sr, now())
    echo_json(report) if as_json else click.echo(report_markdown(report, language()), nl=False)
    return report.passed


def _follow(store: Store, sr_id: str, quiet: bool, poll_seconds: float = 1.0) -> None:
    """Print each step of the drill as the engine reaches it, until its chain ends."""
    from dispatcher.store.callouts import CalloutRepository

    callouts, zone = CalloutRepository(store), command_zone(store)
    shown = 0
    while True:
        store.refresh()
        record = callouts.get(sr_id)
        steps = record.steps if record else ()
        for step in steps[shown:]:
            if not quiet:
                who = ", ".join(step.people) or tr("NOBODY (skipped)")
                position = tr(
                    "round {round}, step {step}", round=step.round + 1, step=step.step + 1
                )
                said_step = (
                    tr(
                        "{position}: {who} by {channels}",
                        position=position,
                        who=who,
                        channels=", ".join(step.channels),
                    )
                    if step.channels and step.people  # one that paged nobody used none
                    else tr("{position}: {who}", position=position, who=who)
                )
                click.echo(f"{local(step.at, zone):%H:%M:%S} {said_step}", err=True)
        shown = len(steps)
        if record is not None and not record.running:
            return
        time.sleep(poll_seconds)


def _settle_outbox(store: Store, sr_id: str, limit_seconds: float = 30.0) -> None:
    """Give this process's engine time to send what the drill still has queued (the notices
    that it is over) before it stops."""
    outbox = OutboxRepository(store)
    poll_store(
        store,
        lambda: not any(r.state.value in ("queued", "sending") for r in outbox.for_sr(sr_id)),
        limit_seconds,
        every=0.5,
    )
