"""`dispatcher roster ical`: the shifts of a unit or a person as an iCalendar (.ics) file."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import click

from dispatcher.cli.common import (
    data_option,
    load_roster_for_command,
    roster_option,
)
from dispatcher.cli.language import tr, tr_n
from dispatcher.cli.names import Names
from dispatcher.cli.options import name_option, output_option
from dispatcher.cli.roster_values import ROLE, parse_instant, stored_overrides
from dispatcher.errors import DispatcherError
from dispatcher.roster.ical import pairs_of_person, shifts_calendar, whole_duties
from dispatcher.store.paths import write_output


@click.command("ical")
@name_option(
    "--unit", what="unit", help="Shifts of this unit or product line (all its roles, or --role)."
)
@click.option("--role", type=ROLE, help="With --unit: only this role.")
@name_option("--person", what="person", help="The shifts of this person.")
@click.option("--from", "start", metavar="DATE", help="Start (default today, 00:00 UTC).")
@click.option("--days", default=28, show_default=True, type=click.IntRange(1, 366))
@output_option(help="File (default stdout).")
@roster_option
@data_option
def ical(
    unit: str | None,
    role: str | None,
    person: str | None,
    start: str | None,
    days: int,
    output: Path | None,
    roster_path: Path,
    data_dir: Path | None,
) -> None:
    """Write the shifts of a unit or a person as an iCalendar (.ics) file: shifts crossing
    the window's edges whole, each with a UID that stays the same in every export."""
    if bool(unit) == bool(person):
        raise DispatcherError(tr("give exactly one of --unit or --person"))
    roster = load_roster_for_command(roster_path)
    overrides = stored_overrides(data_dir)
    begin = (
        parse_instant(start, "--from", roster.zone)
        if start
        else datetime.combine(datetime.now(UTC).date(), time(), UTC)
    )
    end = begin + timedelta(days=days)
    names = Names(roster, roster_path)
    if person:
        person = names("person", person, "--person")
        pairs = pairs_of_person(roster, person, overrides)
    else:
        assert unit is not None  # exactly one of --unit and --person, checked above
        unit = names("unit", unit, "--unit")
        pairs = [(r.unit, r.role) for r in roster.rotations.values() if r.unit == unit]
        pairs = list(dict.fromkeys(p for p in pairs if not role or p[1].value == role))
    duties = [
        duty
        for pair_unit, pair_role in pairs
        for duty in whole_duties(roster, pair_unit, pair_role, begin, end, overrides, person)
    ]
    title = f"On call: {person or unit}"
    data = shifts_calendar(roster, duties, title, datetime.now(UTC), person)
    if output:
        write_output(output, lambda out: out.write(data.decode()))
        said_shifts = tr_n("{count} shift", "{count} shifts", len(duties), count=len(duties))
        click.echo(f"{output}: {said_shifts}", err=True)
    else:
        click.echo(data.decode(), nl=False)
