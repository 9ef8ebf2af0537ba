"""The callback (回访) queue on the command line: `dispatcher sr callback` without an id."""

from __future__ import annotations

import click

from dispatcher.cli.common import command_zone, echo_json, now
from dispatcher.domain.localtime import local
from dispatcher.domain.planned import CallbackAttempt
from dispatcher.domain.requests import CallbackOutcome
from dispatcher.store import Store
from dispatcher.store.callbacks import callback_queue
from dispatcher.store.planned import PlannedRepository


def queue_lines(store: Store, as_json: bool) -> None:
    queue = callback_queue(store)
    if as_json:
        echo_json(queue)
        return
    if not queue:
        click.echo("nobody is waiting for a callback", err=True)
        return
    at, zone = now(), command_zone(store)
    for item in queue:
        late = "OVERDUE " if item.overdue(at) else ""
        tries = f"{item.attempts} tries, last {item.last_outcome}" if item.attempts else "not tried"
        waiver = (
            "; may close with a reason" if item.may_close_without and item.kind == "request" else ""
        )
        click.echo(
            f"{item.subject}  {late}due {local(item.due, zone):%Y-%m-%d %H:%M}  "
            f"{item.customer or '-'}  {item.contact or '-'}  ({tries}{waiver})  {item.summary}"
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
    left = "done" if planned.callback_due() is None else "still in the queue"
    click.echo(
        f"{planned.id}  callback {outcome.value}"
        + (f", score {score}" if score is not None else "")
        + f"; {left}"
    )
