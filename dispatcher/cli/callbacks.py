"""The callback (回访) queue on the command line: `dispatcher sr callback` without an id."""

from __future__ import annotations

import click

from dispatcher.cli.common import command_zone, echo_json, now
from dispatcher.cli.language import tr, tr_n, value
from dispatcher.domain.lifecycle import CallbackOutcome
from dispatcher.domain.localtime import local
from dispatcher.domain.planned import CallbackAttempt
from dispatcher.store import Store
from dispatcher.store.callbacks import callback_queue
from dispatcher.store.planned import PlannedRepository


def queue_lines(store: Store, as_json: bool) -> None:
    queue = callback_queue(store)
    if as_json:
        echo_json(queue)
        return
    if not queue:
        click.echo(tr("nobody is waiting for a callback"), err=True)
        return
    at, zone = now(), command_zone(store)
    for item in queue:
        due = f"{local(item.due, zone):%Y-%m-%d %H:%M}"
        due = tr("OVERDUE due {at}", at=due) if item.overdue(at) else tr("due {at}", at=due)
        tries = (
            tr_n(
                "{count} try, last {outcome}",
                "{count} tries, last {outcome}",
                item.attempts,
                count=item.attempts,
                outcome=value(item.last_outcome),
            )
            if item.attempts
            else tr("not tried")
        )
        if item.may_close_without and item.kind == "request":
            tries += tr("; may close with a reason")
        click.echo(
            f"{item.subject}  {due}  "
            f"{item.customer or '-'}  {item.contact or '-'}  ({tries})  {item.summary}"
        )


def record_cutover_callback(
    store: Store,
    planned_id: str,
    outcome: CallbackOutcome,
    score: int | None,
    words: str,
    called: str,
    actor: str,
    as_json: bool,
) -> None:
    attempt = CallbackAttempt(now(), actor, outcome, score, words, called)
    planned = PlannedRepository(store).change(planned_id, lambda p: p.record_callback(attempt))
    if as_json:
        echo_json(planned)
        return
    line = tr("callback {outcome}", outcome=value(outcome))
    if score is not None:
        line += tr(", score {score}", score=score)
    left = tr("done") if planned.callback_due() is None else tr("still in the queue")
    click.echo(f"{planned.id}  {line}; {left}")
