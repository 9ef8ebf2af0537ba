"""`dispatcher roster override`: cover arranged at run time (a person takes over another's shifts,
or joins a unit's role, for a while), kept in the data directory and applied at once to
`roster oncall`, `roster check` and the desk."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from dispatcher.cli.common import (
    actor_option,
    echo_json,
    json_option,
    load_roster_for_command,
    resolve_actor,
    roster_option,
    with_store,
)
from dispatcher.cli.language import tr, value
from dispatcher.cli.names import Names
from dispatcher.cli.options import name_option
from dispatcher.cli.roster_values import ROLE, parse_instant, utc_minute
from dispatcher.domain.localtime import local
from dispatcher.domain.roster import Role
from dispatcher.domain.rotation import Override, override_zone
from dispatcher.domain.verdict import idle_overrides
from dispatcher.errors import DispatcherError
from dispatcher.roster.overrides import OverrideRepository


@click.group("override")
def override_group() -> None:
    """Cover arranged at run time: a person takes over another's shifts for a while."""


@override_group.command("add")
@name_option("--person", what="person", required=True, help="Who covers.")
@name_option(
    "--covers",
    what="person",
    help="Whose shifts are covered (omit to add PERSON to --unit/--role).",
)
@name_option("--unit", what="unit", help="Limit to this unit or product line.")
@click.option("--role", type=ROLE, help="Limit to this role.")
@click.option(
    "--from",
    "start",
    required=True,
    metavar="TIME",
    help="Start (ISO; no offset = the covered person's zone, else --person's).",
)
@click.option("--to", "end", required=True, metavar="TIME", help="End (ISO; no offset: as --from).")
@click.option("--reason", default="", help="Why (shown in the desk and the handover report).")
@roster_option
@actor_option
@with_store
@json_option
def override_add(
    person: str,
    covers: str | None,
    unit: str | None,
    role: str | None,
    start: str,
    end: str,
    reason: str,
    roster_path: Path,
    actor: str | None,
    store,
    as_json: bool,
) -> None:
    """Add an override; it applies to `oncall`, `check` and the desk at once."""
    roster = load_roster_for_command(roster_path)
    names = Names(roster, roster_path)
    person = names("person", person, "--person")
    covers = names("person", covers or "", "--covers") or None
    unit = names("unit", unit or "", "--unit") or None
    if not covers and not (unit and role):
        raise DispatcherError(
            tr("an override without --covers adds a person to a role: give --unit and --role")
        )
    zone = override_zone(roster.people, person, covers, roster.zone)  # as the desk's form
    override = Override(
        "",
        person,
        parse_instant(start, "--from", zone),
        parse_instant(end, "--to", zone),
        covers,
        unit,
        Role(role) if role else None,
        reason,
        resolve_actor(actor),
    )
    repository = OverrideRepository(store)
    stored = repository.add(override)
    if stored in idle_overrides(roster, repository.all(), stored.start, stored.end):
        click.echo(
            tr(
                "WARN {covers} is not on call between {start} and {end}: {person} covers nobody",
                covers=stored.covers,
                start=utc_minute(stored.start),
                end=utc_minute(stored.end),
                person=stored.person,
            ),
            err=True,
        )
    if as_json:
        echo_json(stored)
        return
    click.echo(stored.id)
    whose = stored.covers or stored.person
    for shown, whose_time in (
        (zone, tr("the time of {person}", person=whose)),
        (roster.zone, tr("the CSC's time")),
    ):
        begins, ends = local(stored.start, shown), local(stored.end, shown)
        span = f"{begins:%Y-%m-%d %H:%M} – {ends:%Y-%m-%d %H:%M}"
        click.echo(
            "  " + tr("{span} {zone} ({whose})", span=span, zone=str(shown), whose=whose_time)
        )


@override_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include overrides that have ended.")
@with_store
@json_option
def override_list(show_all: bool, store, as_json: bool) -> None:
    """Run-time overrides, current and future (or all)."""
    now = datetime.now(UTC)
    overrides = [o for o in OverrideRepository(store).all() if show_all or o.end > now]
    if as_json:
        echo_json(overrides)
        return
    for o in overrides:
        scope = " ".join(x for x in (o.unit, value(o.role) if o.role else None) if x)
        whom = tr("covers {person}", person=o.covers) if o.covers else tr("added")
        span = tr("{start} to {end}", start=utc_minute(o.start), end=utc_minute(o.end))
        click.echo(f"{o.id}  {o.person} {whom} {scope}  {span}  {o.reason}".rstrip())


@override_group.command("remove")
@click.argument("override_id")
@with_store
@json_option
def override_remove(override_id: str, store, as_json: bool) -> None:
    """Remove a run-time override by id."""
    removed = OverrideRepository(store).remove(override_id)
    if as_json:
        echo_json(removed)
    else:
        click.echo(tr("removed {id}", id=removed.id))
