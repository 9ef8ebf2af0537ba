"""`dispatcher roster ...`: check 24×7 reachability, see who is on call, arrange cover."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import click

from dispatcher.cli.common import (
    data_option,
    echo_json,
    json_option,
    load_roster_for_command,
    roster_option,
)
from dispatcher.cli.completion import (
    complete_people,
    complete_units,
)
from dispatcher.cli.names import Names
from dispatcher.cli.roster_audit import audit
from dispatcher.cli.roster_overrides import override_group
from dispatcher.cli.roster_values import ROLE, parse_instant, stored_overrides, utc_minute
from dispatcher.domain.oncall import Roster, Span
from dispatcher.domain.roster import Role
from dispatcher.domain.verdict import RosterVerdict, check_roster, one_year_from
from dispatcher.engine.control import default_reaches
from dispatcher.errors import DispatcherError
from dispatcher.plugins.chain_check import ChainChannels, check_installed_channels
from dispatcher.roster.ical import pairs_of_person, shifts_calendar, whole_duties
from dispatcher.store.paths import write_output


@click.group("roster")
def roster_group() -> None:
    """The roster (contacts.yaml): who is on call, and can we reach them at every hour?"""


@roster_group.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--days",
    type=click.IntRange(1, 731),
    help="How many days ahead (default: one year, so both daylight-saving seasons).",
)
@click.option("--from", "start", metavar="DATE", help="Start (ISO date or date-time; default now).")
@roster_option
@data_option
@json_option
def check(
    path: Path | None,
    days: int | None,
    start: str | None,
    roster_path: Path,
    data_dir: Path | None,
    as_json: bool,
) -> None:
    """Validate the roster and prove it: exit 0 proven, 1 problems found, 2 invalid.

    Proves every required unit and role, and every chain for every request that selects it
    (each site, product, category and severity, and as an emergency): at every minute, each
    step reaches someone with a contact method a channel reaches. Rotation overlaps and
    overrides that cover nobody are reported on the same horizon."""
    roster = load_roster_for_command(_one_roster(path, roster_path))
    channels = check_installed_channels(roster)  # an unknown step channel: exit 2, file:line
    begin = parse_instant(start, "--from")
    end = begin + timedelta(days=days) if days else one_year_from(begin)
    verdict = check_roster(roster, begin, end, default_reaches(roster), stored_overrides(data_dir))
    if as_json:
        echo_json(verdict)
    else:
        _print_verdict(roster, verdict, channels)
    click.get_current_context().exit(0 if verdict.proven else 1)


def _one_roster(path: Path | None, roster_path: Path) -> Path:
    """PATH, a shortcut for --roster; both given, they must agree."""
    source = click.get_current_context().get_parameter_source("roster_path")
    if path is None:
        return roster_path
    if source is not click.core.ParameterSource.DEFAULT and path != roster_path:
        raise DispatcherError(f"give the roster once: PATH {path} or --roster {roster_path}")
    return path


def _print_verdict(roster: Roster, verdict: RosterVerdict, channels: ChainChannels) -> None:
    click.echo(
        f"{roster.source}: {len(roster.people)} people, {len(roster.rotations)} rotations, "
        f"{len(verdict.coverage.pairs)} required pairs, {len(roster.chains)} chains for "
        f"{verdict.chains.inputs} routing inputs, {utc_minute(verdict.start)} to {utc_minute(verdict.end)}"
    )
    for line in verdict.problems():
        click.echo(line)
    for warning in verdict.coverage.no_mobile:
        click.echo(
            f"WARN {warning.person} is on call as {warning.role.value} for {warning.unit} "
            f"from {utc_minute(warning.first_on_call)} but has no mobile (no SMS)"
        )
    kinds = sorted({c for c, _ in verdict.chains.unrouted if c != "emergency"})
    if kinds:
        click.echo(f"NOTE no chain for {', '.join(kinds)} requests: the desk pages nobody for them")
    for note in channels.notes:
        click.echo(f"NOTE {note}")
    problems = len(verdict.problems())
    click.echo("reachable at every minute" if verdict.proven else f"{problems} problem(s)")


@roster_group.command("oncall")
@click.option(
    "--at", "at_text", metavar="TIME", help="When (ISO date-time; default now; no offset = UTC)."
)
@click.option(
    "--unit", metavar="UNIT", shell_complete=complete_units, help="Only this unit or product line."
)
@click.option("--role", type=ROLE, help="Only this role.")
@roster_option
@data_option
@json_option
def oncall(
    at_text: str | None,
    unit: str | None,
    role: str | None,
    roster_path: Path,
    data_dir: Path | None,
    as_json: bool,
) -> None:
    """Who would be called now (or at --at), and who takes over next."""
    roster = load_roster_for_command(roster_path)
    at = parse_instant(at_text, "--at")
    unit = Names(roster, roster_path)("unit", unit or "", "--unit") or None
    overrides = stored_overrides(data_dir)
    pairs = dict.fromkeys((r.unit, r.role) for r in roster.rotations.values())
    pairs.update(dict.fromkeys(roster.required_pairs()))
    rows = []
    for pair_unit, pair_role in pairs:
        if (unit and pair_unit != unit) or (role and pair_role.value != role):
            continue
        now, following = roster.now_and_next(pair_unit, pair_role, at, overrides)
        rows.append(_oncall_row(roster, pair_unit, pair_role, now, following))
    if as_json:
        echo_json({"at": at, "on_call": rows})
        return
    for row in rows:
        people = (
            "; ".join(f"{p['name']} {p['phone'] or '(no phone)'}" for p in row["people"])
            or "NOBODY"
        )
        after = ", ".join(p["name"] for p in row["next"]["people"]) if row["next"] else ""
        handoff = (
            f" until {utc_minute(row['until'])}, then {after or 'NOBODY'}" if row["next"] else ""
        )
        click.echo(f"{row['unit']:<14} {row['role']:<24} {people}{handoff}")


def _oncall_row(roster: Roster, unit: str, role: Role, now: Span, following: Span | None) -> dict:
    def person(person_id: str) -> dict:
        p = roster.people[person_id]
        phones = [c.address for c in p.contacts if c.reaches_by_phone]
        return {
            "id": p.id,
            "name": p.display_name,
            "phone": phones[0] if phones else None,
            "contacts": [{"kind": c.kind, "address": c.address} for c in p.contacts],
        }

    return {
        "unit": unit,
        "role": role.value,
        "since": now.start,
        "until": now.end,
        "people": [person(p) for p in now.people if p in roster.people],
        "next": {
            "from": following.start,
            "people": [person(p) for p in following.people if p in roster.people],
        }
        if following
        else None,
    }


@roster_group.command("ical")
@click.option(
    "--unit",
    metavar="UNIT",
    shell_complete=complete_units,
    help="Shifts of this unit or product line (all its roles, or --role).",
)
@click.option("--role", type=ROLE, help="With --unit: only this role.")
@click.option(
    "--person", metavar="PERSON", shell_complete=complete_people, help="The shifts of this person."
)
@click.option("--from", "start", metavar="DATE", help="Start (default today, 00:00 UTC).")
@click.option("--days", default=28, show_default=True, type=click.IntRange(1, 366))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout)."
)
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
        raise DispatcherError("give exactly one of --unit or --person")
    roster = load_roster_for_command(roster_path)
    overrides = stored_overrides(data_dir)
    begin = (
        parse_instant(start, "--from")
        if start
        else datetime.combine(datetime.now(UTC).date(), time(), UTC)
    )
    end = begin + timedelta(days=days)
    names = Names(roster, roster_path)
    if person:
        person = names("person", person, "--person")
        pairs = pairs_of_person(roster, person, overrides)
    else:
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
        click.echo(f"{output}: {len(duties)} shifts", err=True)
    else:
        click.echo(data.decode(), nl=False)


# The override group and the audit live in modules of their own.
roster_group.add_command(override_group)
roster_group.add_command(audit)
