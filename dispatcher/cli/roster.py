"""`dispatcher roster ...`: check 24×7 reachability, see who is on call, arrange cover.

`roster check` and `roster oncall` are here; the group gathers the others from their modules:
`roster_overrides` (`roster override add|list|remove`), `roster_ical` (`roster ical`) and
`roster_audit` (`roster audit`); what they read and print alike is in `roster_values`.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from dispatcher.cli.common import (
    data_option,
    echo_json,
    json_option,
    load_roster_for_command,
    roster_option,
)
from dispatcher.cli.language import language, tr, tr_n, value
from dispatcher.cli.names import Names
from dispatcher.cli.options import name_option
from dispatcher.cli.roster_audit import audit
from dispatcher.cli.roster_ical import ical
from dispatcher.cli.roster_overrides import override_group
from dispatcher.cli.roster_values import ROLE, parse_instant, stored_overrides, utc_minute
from dispatcher.domain.oncall import Roster, Span
from dispatcher.domain.roster import Role
from dispatcher.domain.routing import chains_filled_from_requests
from dispatcher.domain.verdict import RosterVerdict, check_roster, one_year_from
from dispatcher.engine.context import default_reaches
from dispatcher.errors import DispatcherError
from dispatcher.i18n.shapes import said
from dispatcher.plugins.chain_check import ChainChannels, check_installed_channels


@click.group("roster")
def roster_group() -> None:
    """The roster (contacts.yaml): who is on call, and can we reach them at every hour?"""


@click.command("check")
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
    begin = parse_instant(start, "--from", roster.zone)
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
        raise DispatcherError(
            tr(
                "give the roster once: PATH {path} or --roster {roster}",
                path=path,
                roster=roster_path,
            )
        )
    return path


def _print_verdict(roster: Roster, verdict: RosterVerdict, channels: ChainChannels) -> None:
    lang = language()
    click.echo(
        tr(
            "{path}: {people} people, {rotations} rotations, {pairs} required pairs, "
            "{chains} chains for {inputs} routing inputs, {start} to {end}",
            path=roster.source,
            people=len(roster.people),
            rotations=len(roster.rotations),
            pairs=len(verdict.coverage.pairs),
            chains=len(roster.chains),
            inputs=verdict.chains.inputs,
            start=utc_minute(verdict.start),
            end=utc_minute(verdict.end),
        )
    )
    for line in verdict.problems():
        click.echo(said(line, lang))
    for warning in verdict.coverage.no_mobile:
        click.echo(
            tr(
                "WARN {person} is on call as {role} for {unit} from {at} but has no mobile "
                "(no SMS)",
                person=warning.person,
                role=value(warning.role),
                unit=warning.unit,
                at=utc_minute(warning.first_on_call),
            )
        )
    kinds = sorted({c for c, _ in verdict.chains.unrouted if c != "emergency"})
    if kinds:
        kinds_said = ", ".join(value(k) for k in kinds)
        click.echo(
            tr(
                "NOTE no chain for {kinds} requests: the desk pages nobody for them",
                kinds=kinds_said,
            )
        )
    for note in channels.notes:
        click.echo(tr("NOTE {note}", note=said(note, lang)))
    filled = chains_filled_from_requests(roster)
    if filled:
        click.echo(
            tr(
                "NOTE the proof covers requests that give the site and product their chain "
                "names units through ({chains}); one without them pages fewer people",
                chains=", ".join(filled),
            )
        )
    problems = len(verdict.problems())
    click.echo(
        tr("reachable at every minute")
        if verdict.proven
        else tr_n("{count} problem", "{count} problems", problems, count=problems)
    )


@click.command("oncall")
@click.option(
    "--at",
    "at_text",
    metavar="TIME",
    help="When (ISO date-time; default now; no offset = the CSC's zone).",
)
@name_option("--unit", what="unit", help="Only this unit or product line.")
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
    at = parse_instant(at_text, "--at", roster.zone)
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
    no_phone = tr("(no phone)")
    for row in rows:
        people = "; ".join(f"{p['name']} {p['phone'] or no_phone}" for p in row["people"]) or tr(
            "NOBODY"
        )
        after = ", ".join(p["name"] for p in row["next"]["people"]) if row["next"] else ""
        handoff = (
            " "
            + tr("until {at}, then {who}", at=utc_minute(row["until"]), who=after or tr("NOBODY"))
            if row["next"]
            else ""
        )
        click.echo(f"{row['unit']:<14} {value(row['role']):<24} {people}{handoff}")


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


for _command in (check, oncall, override_group, ical, audit):
    roster_group.add_command(_command)
