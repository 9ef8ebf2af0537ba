"""`dispatcher sr new`: register a service request, routed by the roster, its chain started;
with `--dry-run`, whom the chain would call, saving nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click

from dispatcher.cli.common import (
    CHANNEL,
    TIME,
    Choice,
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
from dispatcher.cli.language import language, tr
from dispatcher.cli.names import PHONE_HELP, resolve_fields
from dispatcher.cli.options import owner_options, request_place_options
from dispatcher.cli.terminal import styled
from dispatcher.domain.callout import channels_used
from dispatcher.domain.emergency import check_criteria
from dispatcher.domain.localtime import CLOCK_SKEW, local
from dispatcher.domain.oncall import Roster
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
from dispatcher.domain.routing import describe_target, preview, route, unfilled_targets
from dispatcher.engine.lease import EngineLease
from dispatcher.engine.reach import enabled_reaches
from dispatcher.errors import DispatcherError
from dispatcher.i18n.phrases import phrase
from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository

# How long after it came in a request may still be registered (a dry run may look at any
# time): a backlog after an outage, not a date typed wrong (1970-01-01 would number
# SR-19691231-0001); history older than a year is brought in by `sr import`.
RECEIVED_AT_MOST_AGO = timedelta(days=366)


@click.command("new")
@click.option(
    "--summary", required=True, callback=required_text, help="One line: what is wrong or wanted."
)
@click.option("--category", required=True, type=Choice(Category))
@click.option(
    "--severity", type=Choice(Severity), help="Default: critical for an emergency, else minor."
)
@click.option("--description", default="")
@click.option(
    "--received",
    type=TIME,
    help="When the request came in (default: now): within the last 366 days, and not later "
    "than now (5 minutes of clock difference allowed).",
)
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
    the roster's, and a criterion beyond 1-12 must be one the product's BD added. --received
    is at most 366 days ago and never later than now: a time up to 5 minutes ahead is taken
    (clocks differ that much), a later one is refused.
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
    if received is not None and received < now() - RECEIVED_AT_MOST_AGO:
        raise DispatcherError(
            tr(
                "--received: {time} is more than {days} days ago; a request is registered "
                "within {days} days of coming in",
                time=received.isoformat(timespec="minutes"),
                days=RECEIVED_AT_MOST_AGO.days,
            )
        )
    if received is not None and received > now() + CLOCK_SKEW:
        raise DispatcherError(
            tr(
                "--received: {time} is later than now; a request is registered once it has "
                "come in (clocks may differ by {minutes} minutes)",
                time=received.isoformat(timespec="minutes"),
                minutes=int(CLOCK_SKEW.total_seconds() // 60),
            )
        )
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
        _warn_unfilled(roster, chain, request)
        if EngineLease(store.data_dir).holder() is None:
            styled(
                tr(
                    "no engine runs on this data directory: nobody is paged until "
                    "`dispatcher engine` or a desk runs"
                ),
                fg="yellow",
                err=True,
            )


def _warn_unfilled(roster: Roster | None, chain: str, request: ServiceRequest) -> None:
    """Say whom the chain cannot page because the request gives no site or product."""
    if roster is None or chain not in roster.chains:
        return
    unfilled = unfilled_targets(roster.chains[chain], request.site, request.product)
    for field, targets in unfilled.items():
        named = ", ".join(phrase(describe_target(t), language()) for t in targets)
        line = (
            tr(
                "the {chain} chain pages {targets} through the request's site: none was "
                "given, so they are not paged",
                chain=chain,
                targets=named,
            )
            if field == "site"
            else tr(
                "the {chain} chain pages {targets} through the request's product: none was "
                "given, so they are not paged",
                chain=chain,
                targets=named,
            )
        )
        styled(line, fg="yellow", err=True)


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
    reaches = enabled_reaches(roster) if steps else {}
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
                        "paged_by": channels_used(s.people, s.channels, reaches),
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
        used = channels_used(step.people, step.channels, reaches)  # none: it pages nobody
        people = ", ".join(p.display_name for p in step.people) if used else ""
        words = {"number": step.number, "minutes": step.wait_minutes}
        click.echo(
            "  "
            + (
                tr(
                    "step {number}: {people} by {channels}, then wait {minutes} min",
                    people=people,
                    channels=", ".join(used),
                    **words,
                )
                if used
                else tr(
                    "step {number}: {people}, then wait {minutes} min",
                    people=tr("NOBODY: skipped at once"),
                    **words,
                )
            )
        )
        for target in step.nobody_for:
            who = phrase(describe_target(target), language())
            click.echo("    " + tr("nobody on call for {who}", who=who))
