"""`dispatcher complaint`: complaints (投诉), their deadlines, investigation and response."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from dispatcher.cli.common import (
    CHANNEL,
    TIME,
    actor_option,
    command_zone,
    csc_time,
    echo_json,
    json_option,
    names_for_command,
    now,
    required_text,
    resolve_actor,
    roster_option,
    with_store,
)
from dispatcher.cli.completion import (
    complete_requests,
)
from dispatcher.cli.language import tr, value
from dispatcher.cli.names import PHONE_HELP, resolve_fields
from dispatcher.cli.options import owner_options, request_place_options
from dispatcher.cli.terminal import labelled, styled
from dispatcher.domain.complaints import Complaint
from dispatcher.domain.localtime import local
from dispatcher.domain.request_parts import Category, Customer, Owner, Reporter
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.timeline import EventKind
from dispatcher.store import Store
from dispatcher.store.complaints import ComplaintRepository


@click.group()
def complaint() -> None:
    """Complaints: register, investigate, respond; repeats are linked and counted."""


@complaint.command("new")
@click.option(
    "--customer",
    required=True,
    callback=required_text,
    help="Who complains (operator or enterprise).",
)
@click.option(
    "--about",
    required=True,
    callback=required_text,
    help="What it is about; the same words link a repeat complaint to the first.",
)
@click.option("--summary", required=True, callback=required_text, help="One line: the complaint.")
@click.option("--description", default="")
@click.option("--received", type=TIME, help="When it came in (default: now).")
@click.option("--reporter", "reporter_name", default="")
@request_place_options
@owner_options("csc")
@click.option("--reporter-phone", default="", help=PHONE_HELP)
@click.option(
    "--respond-by", type=TIME, help="Deadline to respond to the customer (default: 24 h)."
)
@click.option("--resolve-by", type=TIME, help="Deadline to resolve (default: 7 days).")
@roster_option
@actor_option
@json_option
@with_store
def new(
    store: Store,
    customer: str,
    about: str,
    received: datetime | None,
    respond_by: datetime | None,
    resolve_by: datetime | None,
    roster_path: Path,
    actor: str | None,
    as_json: bool,
    **fields: str,
) -> None:
    """Register a complaint: a request of category complaint and its complaint record."""
    names = names_for_command(roster_path)
    resolve_fields(names, fields)
    zone = command_zone(store, names.roster)
    received = csc_time(received, zone) or now()
    respond_by, resolve_by = csc_time(respond_by, zone), csc_time(resolve_by, zone)

    def build(sr_id: str) -> ServiceRequest:
        return ServiceRequest(
            id=sr_id,
            received=received,
            category=Category.COMPLAINT,
            summary=fields["summary"],
            description=fields["description"],
            reporter=Reporter(fields["reporter_name"], fields["reporter_phone"]),
            customer=Customer(customer),
            site=fields["site"],
            product=fields["product"],
            owner=Owner(fields["owner_unit"], fields["owner_person"]),
        )

    sr, record = ComplaintRepository(store).register(
        received,
        build,
        now(),
        resolve_actor(actor),
        CHANNEL,
        about,
        respond_by,
        resolve_by,
        zone=zone,
    )
    if as_json:
        echo_json({"request": sr, "complaint": record})
        return
    click.echo(sr.id)
    if record.is_repeat:
        styled(
            tr(
                "REPEAT complaint: {repeat} from {customer} about '{about}'",
                repeat=_repeat(record),
                customer=record.customer,
                about=record.about,
            ),
            fg="yellow",
            err=True,
        )


@complaint.command("list")
@click.option(
    "--open/--all",
    "only_open",
    default=True,
    help="Complaints whose request is open (default), or all.",
)
@json_option
@with_store
def list_(store: Store, only_open: bool, as_json: bool) -> None:
    """Complaints, oldest first, with their deadlines and repeats."""
    repository = ComplaintRepository(store)
    complaints = repository.all()
    if only_open:
        open_ids = {sr.id for sr in repository.requests.matching()}
        complaints = [c for c in complaints if c.sr in open_ids]
    if as_json:
        echo_json(complaints)
        return
    if not complaints:
        click.echo(tr("no complaints"), err=True)
        return
    zone = command_zone(store)
    for record in complaints:
        click.echo(_line(record, now(), zone))


def _repeat(record: Complaint) -> str:
    """ "repeat 2 of SR-…": the same words where a repeat is announced and where it is listed."""
    return tr("repeat {number} of {first}", number=record.number, first=record.repeat_of)


def _line(record: Complaint, at: datetime, zone: ZoneInfo) -> str:
    if record.responded_at:
        answer = tr("answered") if record.responded_on_time() else tr("answered LATE")
    else:
        answer = (
            tr("RESPONSE OVERDUE")
            if at > record.respond_by
            else tr("respond by {at}", at=format(local(record.respond_by, zone), "%m-%d %H:%M"))
        )
    repeat = f"  {_repeat(record)}" if record.is_repeat else ""
    resolve = tr("resolve by {at}", at=format(local(record.resolve_by, zone), "%m-%d %H:%M"))
    return f"{record.sr}  {record.customer}  '{record.about}'  {answer}  {resolve}{repeat}"


@complaint.command("show")
@click.argument("sr_id", shell_complete=complete_requests)
@json_option
@with_store
def show(store: Store, sr_id: str, as_json: bool) -> None:
    """A complaint: its record, its request, and the callbacks on its timeline."""
    repository = ComplaintRepository(store)
    record = repository.get(sr_id)
    request = repository.requests.get(record.sr)
    callbacks = [e for e in repository.requests.timeline(record.sr) if e.kind == EventKind.CALLBACK]
    chain = [
        c.sr
        for c in repository.all()
        if c.key == record.key
        and (
            c.sr == (record.repeat_of or record.sr)
            or c.repeat_of == (record.repeat_of or record.sr)
        )
    ]
    if as_json:
        echo_json({"complaint": record, "request": request, "callbacks": callbacks, "chain": chain})
        return
    zone = command_zone(store)
    rows = [
        (tr("complaint"), record.sr),
        (tr("status"), value(request.status)),
        (tr("customer"), record.customer),
        (tr("about"), record.about),
        (tr("owner"), " / ".join(filter(None, (request.owner.unit, request.owner.person)))),
        (tr("received"), f"{local(record.received, zone):%Y-%m-%d %H:%M}"),
        (tr("respond by"), f"{local(record.respond_by, zone):%Y-%m-%d %H:%M}"),
        (tr("resolve by"), f"{local(record.resolve_by, zone):%Y-%m-%d %H:%M}"),
        (tr("investigation"), record.investigation),
        (
            tr("response"),
            record.response
            + (
                f" ({local(record.responded_at, zone):%Y-%m-%d %H:%M})"
                if record.responded_at
                else ""
            ),
        ),
        (
            tr("repeats"),
            tr("{count} complaints about this: {ids}", count=len(chain), ids=", ".join(chain))
            if len(chain) > 1
            else "",
        ),
    ]
    rows += [
        (
            tr("callback"),
            f"{local(e.at, zone):%Y-%m-%d %H:%M} {value(str(e.data.get('outcome')))}"
            + (tr(", score {score}", score=e.data["score"]) if "score" in e.data else "")
            + (f": {e.text}" if e.text else ""),
        )
        for e in callbacks
    ]
    for name, text in rows:
        if text:
            click.echo(labelled(name, text, 15))


@complaint.command("investigate")
@click.argument("sr_id", shell_complete=complete_requests)
@click.argument("note", callback=required_text)
@actor_option
@json_option
@with_store
def investigate(store: Store, sr_id: str, note: str, actor: str | None, as_json: bool) -> None:
    """Add to a complaint's investigation note (also a note on its timeline)."""
    _change(store, sr_id, lambda c: c.investigate(note), note, "investigation", actor, as_json)


@complaint.command("respond")
@click.argument("sr_id", shell_complete=complete_requests)
@click.argument("response", callback=required_text)
@actor_option
@json_option
@with_store
def respond(store: Store, sr_id: str, response: str, actor: str | None, as_json: bool) -> None:
    """Record the response given to the customer, now (checked against its deadline)."""
    at = now()
    _change(
        store, sr_id, lambda c: c.respond(at, response), response, "response", actor, as_json, at
    )


def _change(
    store: Store,
    sr_id: str,
    action,
    text: str,
    part: str,
    actor: str | None,
    as_json: bool,
    at: datetime | None = None,
) -> None:
    record, _ = ComplaintRepository(store).change(
        sr_id, action, at or now(), resolve_actor(actor), CHANNEL, text, part
    )
    if as_json:
        echo_json(record)
    else:
        click.echo(_line(record, now(), command_zone(store)))
