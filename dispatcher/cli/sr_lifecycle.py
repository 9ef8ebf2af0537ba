"""The `dispatcher sr` commands that move a request through its lifecycle (dispatch, start,
restore, resolve, escalate, ack, assign, declare, callback, close, reopen) or add a note: each
prints the timeline events it added, or the request and those events with `--json`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from dispatcher.cli.common import (
    CHANNEL,
    Choice,
    actor_option,
    command_zone,
    echo_json,
    json_option,
    named_dispatcher,
    names_for_command,
    now,
    required_text,
    resolve_actor,
    roster_option,
    with_store,
)
from dispatcher.cli.completion import (
    complete_callback_subjects,
    complete_requests,
)
from dispatcher.cli.language import language, tr
from dispatcher.cli.options import name_option
from dispatcher.cli.sr_views import event_line
from dispatcher.domain.emergency import check_criteria
from dispatcher.domain.lifecycle import CALLBACK_ATTEMPTS, CallbackOutcome
from dispatcher.domain.planned import is_planned_id
from dispatcher.domain.request_parts import Owner
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.timeline import Event
from dispatcher.errors import DispatcherError
from dispatcher.i18n.phrases import phrase
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRepository
from dispatcher.store.requests import RequestRepository


def _change(
    store: Store, sr_id: str, as_json: bool, action: Callable[[ServiceRequest], list[Event]]
) -> None:
    request, events = RequestRepository(store).change(sr_id, action)
    if as_json:
        echo_json({"request": request, "events": events})
        return
    zone = command_zone(store)
    for event in events:
        click.echo(f"{request.id}  {event_line(event, zone)}")


def _simple_move(name: str, method: str, doc: str, ends_chain: bool = False) -> click.Command:
    """A lifecycle command that takes an SR id and an optional note; one that `ends_chain`
    (resolve: nobody is left to find) is refused while the request's chain runs unless the
    dispatcher acting is a person of the roster (PROMISES 1, 3)."""

    @click.command(name, help=doc)
    @click.argument("sr_id", shell_complete=complete_requests)
    @click.option("--note", "text", default="", help="Why, or what was said.")
    @roster_option
    @actor_option
    @json_option
    @with_store
    def command(
        store: Store, sr_id: str, text: str, roster_path: Path, actor: str | None, as_json: bool
    ) -> None:
        chain = CalloutRepository(store).get(sr_id.strip().upper()) if ends_chain else None
        if chain is not None and chain.running:
            actor = named_dispatcher(actor, names_for_command(roster_path))
        _change(
            store,
            sr_id,
            as_json,
            lambda r: getattr(r, method)(now(), resolve_actor(actor), CHANNEL, text),
        )

    return command


MOVES = (
    _simple_move("dispatch", "dispatch", "Mark a request dispatched to its handler."),
    _simple_move("start", "start", "Mark an acknowledged request in progress."),
    _simple_move("restore", "restore", "Service restored (a workaround may remain)."),
    _simple_move(
        "resolve",
        "resolve",
        "Resolved: the request enters the callback queue; closes its Red Flag; a running "
        "chain stops (--as: a person of the roster).",
        ends_chain=True,
    ),
    _simple_move("escalate", "escalate", "Escalate to the next support level (L1 → L2 → L3)."),
)


@click.command("ack")
@click.argument("sr_id", shell_complete=complete_requests)
@name_option(
    "--by",
    what="person",
    default="",
    help="The roster person who took it (id or name), when recording it for them; "
    "without it, the dispatcher acting (--as) acknowledges.",
)
@click.option("--note", "text", default="")
@roster_option
@actor_option
@json_option
@with_store
def ack(
    store: Store,
    sr_id: str,
    by: str,
    text: str,
    roster_path: Path,
    actor: str | None,
    as_json: bool,
) -> None:
    """Acknowledge: someone owns the problem. Its call-out chain stops.

    Only a person of the roster (`--by`, refused with the nearest names when it names
    nobody, exit 2) or the named dispatcher acting (`--as`, a person of the roster, refused
    likewise) can acknowledge (PROMISES 3)."""
    from dispatcher.engine.control import CalloutControl

    names = names_for_command(roster_path)
    person = names.person(by, "--by") if by.strip() else ""
    actor = named_dispatcher(actor, names)
    who = names.roster.people[person].display_name if person else actor
    control = CalloutControl(store, names.roster)
    run = control.acknowledge(sr_id, now(), actor, who, CHANNEL, text, person=person)
    request = RequestRepository(store).get(sr_id)
    if as_json:
        echo_json({"request": request, "callout": run})
        return
    if run is None:
        click.echo(tr("{sr} acknowledged by {who}", sr=request.id, who=who))
        return
    click.echo(
        tr(
            "{sr} acknowledged by {who}; its {chain} chain stopped at {position}",
            sr=request.id,
            who=who,
            chain=run.run.chain,
            position=phrase(run.position_label(), language()),
        )
    )


@click.command("note")
@click.argument("sr_id", shell_complete=complete_requests)
@click.argument("text", callback=required_text)
@actor_option
@json_option
@with_store
def note(store: Store, sr_id: str, text: str, actor: str | None, as_json: bool) -> None:
    """Add a note to a request's timeline."""
    _change(store, sr_id, as_json, lambda r: r.note(now(), resolve_actor(actor), text, CHANNEL))


@click.command("assign")
@click.argument("sr_id", shell_complete=complete_requests)
@name_option("--unit", what="unit", default="", help="Unit or product line (id or name).")
@name_option("--person", what="person", default="", help="Person (id or name).")
@click.option("--note", "text", default="")
@roster_option
@actor_option
@json_option
@with_store
def assign(
    store: Store,
    sr_id: str,
    unit: str,
    person: str,
    text: str,
    roster_path: Path,
    actor: str | None,
    as_json: bool,
) -> None:
    """Give a request a new owner (unit and person)."""
    if not unit.strip() and not person.strip():
        raise DispatcherError(tr("give --unit, --person or both"))
    names = names_for_command(roster_path)
    unit, person = names("unit", unit, "--unit"), names.person(person, "--person")
    _change(
        store,
        sr_id,
        as_json,
        lambda r: r.assign(now(), resolve_actor(actor), Owner(unit, person), CHANNEL, text),
    )


@click.command("declare")
@click.argument("sr_id", shell_complete=complete_requests)
@click.option("--criterion", "criteria", multiple=True, required=True, metavar="ID")
@click.option("--note", "text", default="")
@actor_option
@json_option
@with_store
def declare(
    store: Store, sr_id: str, criteria: tuple[str, ...], text: str, actor: str | None, as_json: bool
) -> None:
    """Add emergency criteria to a request; the first makes it an emergency with a Red Flag."""
    criteria = tuple(c.strip().upper() for c in criteria)
    check_criteria(criteria)
    _change(
        store,
        sr_id,
        as_json,
        lambda r: r.declare(now(), resolve_actor(actor), criteria, CHANNEL, text),
    )


@click.command("callback")
@click.argument(
    "subject",
    required=False,
    metavar="[SR_ID | PS_ID]",
    shell_complete=complete_callback_subjects,
)
@click.option("--outcome", type=Choice(CallbackOutcome), help="Reached, not reached or refused.")
@click.option("--score", type=click.IntRange(1, 5), help="Satisfaction, 1 to 5.")
@click.option("--words", default="", help="What the customer said.")
@click.option(
    "--called", default="", help="Whom you called (name and number; the number stored as E.164)."
)
@click.option(
    "--reopen",
    is_flag=True,
    help="The customer is dissatisfied (score 1-2): reopen the request now.",
)
@roster_option
@actor_option
@json_option
@with_store
def callback(
    store: Store,
    subject: str | None,
    outcome: str | None,
    score: int | None,
    words: str,
    called: str,
    reopen: bool,
    roster_path: Path,
    actor: str | None,
    as_json: bool,
) -> None:
    """The callback (回访) queue; with an id, record a callback to that customer.

    Without an id: every resolved request and completed cutover waiting for a callback, the
    most overdue first. With a request id, or a planned service id (PS-…) for the satisfaction
    call after a cutover: record who was called, the outcome, the score and the customer's words.
    """
    from dispatcher.cli.callbacks import queue_lines, record_cutover_callback

    if subject is None:
        if outcome or score or words or called or reopen:
            raise DispatcherError(tr("give the SR or PS id whose callback you record"))
        queue_lines(store, as_json)
        return
    if outcome is None:
        raise DispatcherError(
            tr("--outcome: required with an id (reached, not_reached or refused)")
        )
    called = names_for_command(roster_path).phones_in(called, "--called")
    if is_planned_id(subject):
        if reopen:
            raise DispatcherError(tr("--reopen applies to requests, not to a cutover's callback"))
        record_cutover_callback(
            store,
            subject,
            CallbackOutcome(outcome),
            score,
            words,
            called,
            resolve_actor(actor),
            as_json,
        )
        return
    _change(
        store,
        subject,
        as_json,
        lambda r: r.record_callback(
            now(),
            resolve_actor(actor),
            CallbackOutcome(outcome),
            score,
            words,
            CHANNEL,
            called=called,
            reopen=reopen,
        ),
    )


@click.command("close")
@click.argument("sr_id", shell_complete=complete_requests)
@click.option("--note", "text", default="", help="Why, or what was said.")
@click.option(
    "--without-callback",
    "reason",
    default="",
    metavar="REASON",
    help=f"Close with no reached callback, after {CALLBACK_ATTEMPTS} unanswered "
    "attempts: why none was possible.",
)
@actor_option
@json_option
@with_store
def close(
    store: Store, sr_id: str, text: str, reason: str, actor: str | None, as_json: bool
) -> None:
    """Close a request that was called back (回访)."""
    _change(
        store,
        sr_id,
        as_json,
        lambda r: r.close(now(), resolve_actor(actor), CHANNEL, text, without_callback=reason),
    )


@click.command("reopen")
@click.argument("sr_id", shell_complete=complete_requests)
@click.option("--reason", required=True, callback=required_text)
@actor_option
@json_option
@with_store
def reopen(store: Store, sr_id: str, reason: str, actor: str | None, as_json: bool) -> None:
    """Reopen a resolved request (e.g. after a failed callback)."""
    _change(store, sr_id, as_json, lambda r: r.reopen(now(), resolve_actor(actor), reason, CHANNEL))
