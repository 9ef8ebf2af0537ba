"""`dispatcher sr`: register, list, show and move service requests through their lifecycle."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from dispatcher.cli.common import (
    TIME,
    Choice,
    actor_option,
    command_zone,
    csc_time,
    echo_json,
    echo_records,
    json_option,
    labelled,
    names_for_command,
    now,
    progress_bar,
    required_text,
    resolve_actor,
    roster_option,
    with_store,
)
from dispatcher.cli.completion import (
    complete_branches,
    complete_callback_subjects,
    complete_people,
    complete_products,
    complete_requests,
    complete_sites,
    complete_units,
)
from dispatcher.cli.language import language, tr, tr_n, value
from dispatcher.cli.names import PHONE_HELP, Names
from dispatcher.cli.options import owner_options, request_place_options
from dispatcher.cli.terminal import cell, styled
from dispatcher.domain.emergency import check_criteria
from dispatcher.domain.lifecycle import CALLBACK_ATTEMPTS, CallbackOutcome, Status
from dispatcher.domain.localtime import local
from dispatcher.domain.oncall import Roster
from dispatcher.domain.planned import is_planned_id
from dispatcher.domain.request_parts import (
    Category,
    Customer,
    IntakeChannel,
    Level,
    Owner,
    Reporter,
    Severity,
    VipKind,
)
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.routing import describe_target, preview, route
from dispatcher.domain.timeline import Event
from dispatcher.engine.lease import EngineLease
from dispatcher.errors import DispatcherError
from dispatcher.i18n.phrases import composed, phrase
from dispatcher.store import Store
from dispatcher.store.paths import write_output
from dispatcher.store.requests import RequestFilter, RequestRepository
from dispatcher.store.transfer import export_lines, import_file

CHANNEL = "cli"


@click.group()
def sr() -> None:
    """Service requests: register, list, show, and move through their lifecycle."""


@sr.command("new")
@click.option(
    "--summary", required=True, callback=required_text, help="One line: what is wrong or wanted."
)
@click.option("--category", required=True, type=Choice(Category))
@click.option(
    "--severity", type=Choice(Severity), help="Default: critical for an emergency, else minor."
)
@click.option("--description", default="")
@click.option("--received", type=TIME, help="When the request came in (default: now).")
@click.option("--intake", type=Choice(IntakeChannel), default="phone", show_default=True)
@click.option("--reporter", "reporter_name", default="", help="Reporter's name.")
@click.option("--reporter-email", default="")
@click.option("--customer", default="", help="Operator or enterprise.")
@click.option("--vip", type=Choice(VipKind), help="The customer is a VIP of this kind.")
@request_place_options
@click.option(
    "--criterion",
    "criteria",
    multiple=True,
    metavar="ID",
    help="Emergency criterion (1-12, or the product's own); repeatable.",
)
@owner_options()
@click.option("--reporter-phone", default="", help=PHONE_HELP)
@click.option("--level", type=Choice(Level), default="L1", show_default=True)
@roster_option
@click.option(
    "--dry-run", is_flag=True, help="Show the routing and whom the chain will call; save nothing."
)
@actor_option
@json_option
@with_store
def new(
    store: Store,
    actor: str | None,
    as_json: bool,
    received: datetime | None,
    criteria: tuple[str, ...],
    severity: str | None,
    roster_path: Path,
    dry_run: bool,
    **fields: str,
) -> None:
    """Register a new service request.

    With a roster (`--roster`, or ./contacts.yaml when present) the site and product must be
    the roster's, and a criterion beyond 1-12 must be one the product's BD added.
    """
    criteria = tuple(c.strip().upper() for c in criteria)
    names = names_for_command(roster_path)
    roster = names.roster
    resolve_fields(names, fields)
    extra = roster.extra_criteria(fields["product"]) if roster and fields["product"] else ()
    check_criteria(criteria, frozenset(c.id for c in extra))
    received = csc_time(received, command_zone(store, roster))
    severity = severity or ("critical" if criteria else "minor")
    if dry_run:
        if roster is None:
            raise DispatcherError(
                tr("--dry-run needs a roster; {path} does not exist", path=roster_path)
            )
        _show_routing(
            roster,
            Category(fields["category"]),
            Level(fields["level"]),
            fields["site"],
            fields["product"],
            bool(criteria),
            Severity(severity),
            received or now(),
            as_json,
        )
        return
    received = received or now()

    def build(sr_id: str) -> ServiceRequest:
        return ServiceRequest(
            id=sr_id,
            received=received,
            category=Category(fields["category"]),
            summary=fields["summary"],
            severity=Severity(severity),
            intake=IntakeChannel(fields["intake"]),
            reporter=Reporter(
                fields["reporter_name"], fields["reporter_phone"], fields["reporter_email"]
            ),
            customer=Customer(
                fields["customer"], VipKind(fields["vip"]) if fields["vip"] else None
            ),
            site=fields["site"],
            product=fields["product"],
            description=fields["description"],
            criteria=criteria,
            owner=Owner(fields["owner_unit"], fields["owner_person"]),
            level=Level(fields["level"]),
        )

    if roster is None:
        request, _ = RequestRepository(store).register(
            received, build, now(), resolve_actor(actor), CHANNEL, zone=None
        )
        chain = None
    else:
        from dispatcher.engine.control import CalloutControl  # with the roster's modules

        request, routing = CalloutControl(store, roster).register(
            received, build, now(), resolve_actor(actor), CHANNEL
        )
        chain = routing.chain if routing else None
    if as_json:
        echo_json(request)
        return
    click.echo(request.id)
    if request.is_emergency:
        styled(
            tr(
                "EMERGENCY (criteria {criteria}): Red Flag opened",
                criteria=", ".join(request.criteria),
            ),
            fg="red",
            bold=True,
            err=True,
        )
    if chain is not None:
        click.echo(tr("call-out: the {chain} chain started", chain=chain), err=True)
        if EngineLease(store.data_dir).holder() is None:
            styled(
                tr(
                    "no engine runs on this data directory: nobody is paged until "
                    "`dispatcher engine` or a desk runs"
                ),
                fg="yellow",
                err=True,
            )


def resolve_fields(names: Names, fields: dict[str, str]) -> None:
    """The roster's ids for the names `sr new` and `complaint new` take, and the reporter's
    phone as E.164, in place."""
    fields["site"] = names("site", fields["site"], "--site")
    fields["product"] = names("product", fields["product"], "--product")
    fields["owner_unit"] = names("unit", fields["owner_unit"], "--owner-unit")
    fields["owner_person"] = names("person", fields["owner_person"], "--owner-person")
    fields["reporter_phone"] = names.phone(fields["reporter_phone"], "--reporter-phone")


def _show_routing(
    roster: Roster,
    category: Category,
    level: Level,
    site: str,
    product: str,
    emergency: bool,
    severity: Severity,
    at: datetime,
    as_json: bool,
) -> None:
    """Who will handle the request and whom its chain will call at `at`: "this will call: …"."""
    routing = route(roster, category, level, site, product, emergency, severity)
    steps = (
        []
        if routing.chain is None
        else preview(roster, roster.chains[routing.chain], at, site, product)
    )
    if as_json:
        echo_json(
            {
                "handler": routing.handler,
                "level": routing.level,
                "chain": routing.chain,
                "why": routing.why,
                "at": at,
                "steps": [
                    {
                        "step": s.number,
                        "channels": s.channels,
                        "wait_minutes": s.wait_minutes,
                        "people": [{"id": p.id, "name": p.display_name} for p in s.people],
                        "nobody_for": [describe_target(t) for t in s.nobody_for],
                    }
                    for s in steps
                ],
            }
        )
        return
    click.echo(
        tr(
            "handler: {handler} ({level}): {why}",
            handler=routing.handler or tr("none"),
            level=routing.level.value,
            why=phrase(routing.why, language()),
        )
    )
    if routing.chain is None:
        return
    click.echo(
        tr(
            "this will call ({chain} chain, at {at}):",
            chain=routing.chain,
            at=format(local(at, roster.zone), "%Y-%m-%d %H:%M %Z"),
        )
    )
    for step in steps:
        people = ", ".join(p.display_name for p in step.people) or tr("NOBODY: skipped at once")
        click.echo(
            "  "
            + tr(
                "step {number}: {people} by {channels}, then wait {minutes} min",
                number=step.number,
                people=people,
                channels=", ".join(step.channels),
                minutes=step.wait_minutes,
            )
        )
        for target in step.nobody_for:
            who = phrase(describe_target(target), language())
            click.echo("    " + tr("nobody on call for {who}", who=who))


@sr.command("list")
@click.option(
    "--open/--all", "only_open", default=True, help="Open requests only (default), or all."
)
@click.option("--emergency", is_flag=True, default=None, help="Emergencies only.")
@click.option("--category", type=Choice(Category))
@click.option("--status", type=Choice(Status))
@click.option(
    "--branch",
    metavar="BRANCH",
    shell_complete=complete_branches,
    help="Requests from the sites of this branch or overseas site (id or name).",
)
@click.option(
    "--site", metavar="SITE", shell_complete=complete_sites, help="Requests from this site."
)
@click.option(
    "--product", metavar="PRODUCT", shell_complete=complete_products, help="Product id or name."
)
@click.option(
    "--unit",
    metavar="UNIT",
    shell_complete=complete_units,
    help="Owned by this unit or product line (id or name).",
)
@click.option(
    "--person",
    metavar="PERSON",
    shell_complete=complete_people,
    help="Owned by this person (id or name).",
)
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


@sr.command("show")
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
        click.echo("  " + _event_line(event, zone))


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


def _event_line(event: Event, zone: ZoneInfo) -> str:
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


def _change(
    store: Store, sr_id: str, as_json: bool, action: Callable[[ServiceRequest], list[Event]]
) -> None:
    request, events = RequestRepository(store).change(sr_id, action)
    if as_json:
        echo_json({"request": request, "events": events})
        return
    zone = command_zone(store)
    for event in events:
        click.echo(f"{request.id}  {_event_line(event, zone)}")


def _simple_move(name: str, method: str, doc: str) -> None:
    """A lifecycle command that takes an SR id and an optional note."""

    @sr.command(name, help=doc)
    @click.argument("sr_id", shell_complete=complete_requests)
    @click.option("--note", "text", default="", help="Why, or what was said.")
    @actor_option
    @json_option
    @with_store
    def command(store: Store, sr_id: str, text: str, actor: str | None, as_json: bool) -> None:
        _change(
            store,
            sr_id,
            as_json,
            lambda r: getattr(r, method)(now(), resolve_actor(actor), CHANNEL, text),
        )


_simple_move("dispatch", "dispatch", "Mark a request dispatched to its handler.")
_simple_move("start", "start", "Mark an acknowledged request in progress.")
_simple_move("restore", "restore", "Service restored (a workaround may remain).")
_simple_move(
    "resolve", "resolve", "Resolved: the request enters the callback queue; closes its Red Flag."
)
_simple_move("escalate", "escalate", "Escalate to the next support level (L1 → L2 → L3).")


@sr.command("ack")
@click.argument("sr_id", shell_complete=complete_requests)
@click.option("--by", default="", help="Who acknowledged, when recording it for them.")
@click.option("--note", "text", default="")
@actor_option
@json_option
@with_store
def ack(store: Store, sr_id: str, by: str, text: str, actor: str | None, as_json: bool) -> None:
    """Acknowledge: someone owns the problem. Its call-out chain stops."""
    actor = resolve_actor(actor)
    from dispatcher.engine.control import CalloutControl

    run = CalloutControl(store, None).acknowledge(sr_id, now(), actor, by or actor, CHANNEL, text)
    request = RequestRepository(store).get(sr_id)
    if as_json:
        echo_json({"request": request, "callout": run})
        return
    if run is None:
        click.echo(tr("{sr} acknowledged by {who}", sr=request.id, who=by or actor))
        return
    click.echo(
        tr(
            "{sr} acknowledged by {who}; its {chain} chain stopped at {position}",
            sr=request.id,
            who=by or actor,
            chain=run.run.chain,
            position=phrase(run.position_label(), language()),
        )
    )


@sr.command("note")
@click.argument("sr_id", shell_complete=complete_requests)
@click.argument("text", callback=required_text)
@actor_option
@json_option
@with_store
def note(store: Store, sr_id: str, text: str, actor: str | None, as_json: bool) -> None:
    """Add a note to a request's timeline."""
    _change(store, sr_id, as_json, lambda r: r.note(now(), resolve_actor(actor), text, CHANNEL))


@sr.command("assign")
@click.argument("sr_id", shell_complete=complete_requests)
@click.option(
    "--unit",
    default="",
    metavar="UNIT",
    shell_complete=complete_units,
    help="Unit or product line (id or name).",
)
@click.option(
    "--person",
    default="",
    metavar="PERSON",
    shell_complete=complete_people,
    help="Person (id or name).",
)
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
    unit, person = names("unit", unit, "--unit"), names("person", person, "--person")
    _change(
        store,
        sr_id,
        as_json,
        lambda r: r.assign(now(), resolve_actor(actor), Owner(unit, person), CHANNEL, text),
    )


@sr.command("declare")
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


@sr.command("callback")
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


@sr.command("close")
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


@sr.command("reopen")
@click.argument("sr_id", shell_complete=complete_requests)
@click.option("--reason", required=True, callback=required_text)
@actor_option
@json_option
@with_store
def reopen(store: Store, sr_id: str, reason: str, actor: str | None, as_json: bool) -> None:
    """Reopen a resolved request (e.g. after a failed callback)."""
    _change(store, sr_id, as_json, lambda r: r.reopen(now(), resolve_actor(actor), reason, CHANNEL))


@sr.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--resume",
    is_flag=True,
    help="Complete an import that was interrupted: skip requests already imported "
    "identically, refuse ones that differ.",
)
@json_option
@with_store
def import_(store: Store, path: Path, resume: bool, as_json: bool) -> None:
    """Import requests with their timelines from a JSON-lines file.

    Every line is checked first; one wrong line, or an id already in the store, imports
    nothing. If an import is interrupted, run it again with --resume to complete it.
    """
    try:
        size = path.stat().st_size
    except OSError as error:
        raise DispatcherError(
            tr("{path}: cannot read: {reason}", path=path, reason=error.strerror)
        ) from None
    with progress_bar(2 * size, tr("checking and importing")) as done:  # the file is read twice
        summary = import_file(path, RequestRepository(store), resume, done, done)
    if as_json:
        echo_json(summary.__dict__)
    else:
        line = tr_n(
            "imported {count} request ({open} open) and {events} events",
            "imported {count} requests ({open} open) and {events} events",
            summary.requests,
            count=summary.requests,
            open=summary.open,
            events=summary.events,
        )
        if summary.skipped:
            line += tr("; {count} were already imported", count=summary.skipped)
        click.echo(line)


@sr.command("export")
@click.option(
    "--open/--all", "only_open", default=False, help="Open requests only, or all (default)."
)
@click.option("--since", type=TIME, help="Received at or after this time.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@with_store
def export(store: Store, only_open: bool, since: datetime | None, output: Path | None) -> None:
    """Export requests with their timelines as JSON lines (the import format)."""
    since = csc_time(since, command_zone(store)) if since else None
    request_filter = RequestFilter(include_closed=not only_open, since=since, drill=None)
    count, lines = export_lines(RequestRepository(store), request_filter)
    with progress_bar(count, tr("exporting")) as done:

        def write(out) -> None:
            for line in lines:
                out.write(line)
                done(1)

        if output is None:
            write(sys.stdout)
            return
        write_output(output, write)
    line = tr_n(
        "exported {count} request to {path}",
        "exported {count} requests to {path}",
        count,
        count=count,
        path=output,
    )
    click.echo(line, err=True)
