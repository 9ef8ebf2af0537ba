"""`dispatcher sr list` and `dispatcher sr show`: requests as lines, a request with its whole
timeline, times in the CSC's zone; and the timeline line every `sr` change prints."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from dispatcher.cli.common import (
    TIME,
    Choice,
    command_zone,
    csc_time,
    echo_json,
    echo_records,
    json_option,
    names_for_command,
    roster_option,
    with_store,
)
from dispatcher.cli.completion import (
    complete_requests,
)
from dispatcher.cli.language import language, tr, value
from dispatcher.cli.names import Names
from dispatcher.cli.options import name_option
from dispatcher.cli.terminal import cell, labelled
from dispatcher.domain.lifecycle import Status
from dispatcher.domain.localtime import local
from dispatcher.domain.request_parts import Category
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.timeline import Event
from dispatcher.i18n.phrases import composed, phrase
from dispatcher.store import Store
from dispatcher.store.requests import RequestFilter, RequestRepository


@click.command("list")
@click.option(
    "--open/--all", "only_open", default=True, help="Open requests only (default), or all."
)
@click.option("--emergency", is_flag=True, default=None, help="Emergencies only.")
@click.option("--category", type=Choice(Category))
@click.option("--status", type=Choice(Status))
@name_option(
    "--branch",
    what="branch",
    help="Requests from the sites of this branch or overseas site (id or name).",
)
@name_option("--site", what="site", help="Requests from this site.")
@name_option("--product", what="product", help="Product id or name.")
@name_option("--unit", what="unit", help="Owned by this unit or product line (id or name).")
@name_option("--person", what="person", help="Owned by this person (id or name).")
@click.option("--since", type=TIME, help="Received at or after this time.")
@click.option(
    "--drills",
    "drill",
    flag_value=True,
    default=False,
    help="Drill requests only (they are left out otherwise).",
)
@roster_option
@json_option
@with_store
def list_(
    store: Store,
    only_open: bool,
    as_json: bool,
    roster_path: Path,
    branch: str | None,
    unit: str | None,
    person: str | None,
    **filters,
) -> None:
    """List requests, oldest first. Names are the roster's, as ids or as people type them;
    times are the CSC's local ones."""
    named = branch or unit or person or filters["site"] or filters["product"]
    names = names_for_command(roster_path) if named else Names(None)  # the roster when needed
    for what in ("site", "product"):
        if filters[what]:
            filters[what] = names(what, filters[what], f"--{what}")
    wanted = {
        "branch": names("branch", branch, "--branch") if branch else None,
        "unit": names("unit", unit, "--unit") if unit else None,
        "person": names("person", person, "--person") if person else None,
    }
    zone = command_zone(store, names.roster)
    filters["since"] = csc_time(filters["since"], zone)
    requests = [
        r
        for r in RequestRepository(store).matching(
            RequestFilter(include_closed=not only_open, **filters)
        )
        if _owned_and_placed(r, names, **wanted)
    ]
    echo_records(requests, as_json, lambda sr: _line(sr, zone), tr("no requests"))


def _owned_and_placed(
    request: ServiceRequest, names: Names, branch: str | None, unit: str | None, person: str | None
) -> bool:
    """Whether `request` is from `branch`'s sites and owned by `unit` and `person` (None: any).
    Without a roster a branch is matched as a site."""
    if branch is not None:
        if names.roster is None:
            at = request.site.casefold() == branch.casefold()
        else:
            covering = names.roster.branch_for_site(request.site)
            at = covering is not None and covering.id == branch
        if not at:
            return False
    return (unit is None or request.owner.unit == unit) and (
        person is None or request.owner.person == person
    )


def _line(request: ServiceRequest, zone: ZoneInfo) -> str:
    flag = "!" if request.is_emergency else " "
    customer = request.customer.name + (" [VIP]" if request.customer.vip else "")
    received = local(request.received, zone)
    return (
        f"{flag} {request.id}  {received:%Y-%m-%d %H:%M}  "
        f"{cell(value(request.status), 12)} {cell(value(request.severity), 8)} "
        f"{request.level.value} {cell(value(request.category), 22)} "
        f"{cell(customer, 24)} {request.summary}"
    )


@click.command("show")
@click.argument("sr_id", shell_complete=complete_requests)
@json_option
@with_store
def show(store: Store, sr_id: str, as_json: bool) -> None:
    """Show a request and its whole timeline."""
    repository = RequestRepository(store)
    request, timeline = repository.get(sr_id), repository.timeline(sr_id)
    if as_json:
        echo_json({"request": request, "timeline": timeline})
        return
    zone = command_zone(store)
    click.echo(_details(request, zone))
    click.echo(tr("timeline:"))
    for event in timeline:
        click.echo("  " + event_line(event, zone))


def _details(request: ServiceRequest, zone: ZoneInfo) -> str:
    marks = [tr("EMERGENCY")] if request.is_emergency else []
    if request.drill:
        marks.append(tr("DRILL (not a real request)"))
    rows = [
        (tr("id"), "  ".join(filter(None, (request.id, *marks)))),
        (tr("received"), f"{local(request.received, zone):%Y-%m-%d %H:%M %Z}"),
        (tr("status"), value(request.status)),
        (tr("category"), value(request.category)),
        (tr("severity"), value(request.severity)),
        (tr("level"), request.level.value),
        (tr("summary"), request.summary),
        (tr("description"), request.description),
        (tr("intake"), value(request.intake)),
        (
            tr("reporter"),
            " ".join(
                filter(
                    None, (request.reporter.name, request.reporter.phone, request.reporter.email)
                )
            ),
        ),
        (
            tr("customer"),
            request.customer.name
            + (
                " " + tr("(VIP: {kind})", kind=value(request.customer.vip))
                if request.customer.vip
                else ""
            ),
        ),
        (tr("site"), request.site),
        (tr("product"), request.product),
        (tr("criteria"), ", ".join(request.criteria)),
        (tr("owner"), " / ".join(filter(None, (request.owner.unit, request.owner.person)))),
    ]
    if request.red_flag:
        opened = _minute(request.red_flag.opened, zone)
        closed = request.red_flag.closed
        flag = (
            tr("opened {opened}, OPEN", opened=opened)
            if closed is None
            else tr("opened {opened}, closed {closed}", opened=opened, closed=_minute(closed, zone))
        )
        rows.append((tr("red flag"), flag))
    return "\n".join(labelled(name, text) for name, text in rows if text)


def _minute(at: datetime, zone: ZoneInfo) -> str:
    return f"{local(at, zone):%Y-%m-%d %H:%M}"


def event_line(event: Event, zone: ZoneInfo) -> str:
    """One timeline event: time (in the CSC's `zone`), what happened, by whom, through what,
    and its text; a text the desk composed is said in the run's language, a person's words as
    they were written."""
    text = event.text
    if text and composed(event.kind, text):
        text = phrase(text, language())
    # The engine acts under its own name (dispatcher.engine.control.ENGINE, not imported here:
    # `sr` loads no engine); anyone else is a person, named as they are.
    actor = value(event.actor) if event.actor == "engine" else event.actor
    by = (
        tr("by {actor} via {channel}", actor=actor, channel=value(event.channel))
        if event.channel
        else tr("by {actor}", actor=actor)
    )
    line = f"{local(event.at, zone):%Y-%m-%d %H:%M:%S}  {value(event.kind)}  {by}"
    return f"{line}: {text}" if text else line
