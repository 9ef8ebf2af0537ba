"""`dispatcher roster ...`: check 24×7 reachability, see who is on call, arrange cover."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo
from pathlib import Path

import click

from dispatcher.cli.common import (
    Choice,
    actor_option,
    data_option,
    echo_json,
    installed_reaches,
    json_option,
    load_roster_for_command,
    open_store,
    resolve_actor,
    roster_option,
    with_store,
)
from dispatcher.cli.completion import (
    complete_people,
    complete_units,
)
from dispatcher.cli.language import language, tr, tr_n, value
from dispatcher.cli.names import Names
from dispatcher.cli.terminal import cell
from dispatcher.domain.localtime import local, wall_time
from dispatcher.domain.oncall import Roster, Span
from dispatcher.domain.roster import Role
from dispatcher.domain.rotation import Override, override_zone
from dispatcher.domain.verdict import RosterVerdict, check_roster, idle_overrides, one_year_from
from dispatcher.engine.control import default_reaches
from dispatcher.errors import DispatcherError
from dispatcher.i18n.shapes import said
from dispatcher.plugins.chain_check import ChainChannels, check_installed_channels
from dispatcher.roster.ical import pairs_of_person, shifts_calendar, whole_duties
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.store import default_data_dir
from dispatcher.store.paths import write_output

ROLE = Choice(Role)


@click.group("roster")
def roster_group() -> None:
    """The roster (contacts.yaml): who is on call, and can we reach them at every hour?"""


def _parse_instant(value: str | None, option: str, zone: tzinfo) -> datetime:
    """An ISO date or date-time, in UTC; without a UTC offset it is read as a wall clock of
    `zone` (the CSC's, or for an override the covered person's). None means now."""
    if value is None:
        return datetime.now(UTC).replace(second=0, microsecond=0)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise DispatcherError(
            tr(
                "{option} {value!r} is not an ISO date or date-time (2026-11-24T22:00+08:00)",
                option=option,
                value=value,
            )
        ) from None
    return wall_time(parsed, zone).astimezone(UTC)


def _stored_overrides(data_dir: Path | None) -> tuple[Override, ...]:
    """Run-time overrides, if a data directory exists (a check never creates one)."""
    if not (data_dir or default_data_dir()).is_dir():
        return ()
    with open_store(data_dir) as store:
        return OverrideRepository(store).all()


def _at(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


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
    begin = _parse_instant(start, "--from", roster.zone)
    end = begin + timedelta(days=days) if days else one_year_from(begin)
    verdict = check_roster(roster, begin, end, default_reaches(roster), _stored_overrides(data_dir))
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
            start=_at(verdict.start),
            end=_at(verdict.end),
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
                at=_at(warning.first_on_call),
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
    problems = len(verdict.problems())
    click.echo(
        tr("reachable at every minute")
        if verdict.proven
        else tr_n("{count} problem", "{count} problems", problems, count=problems)
    )


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
    at = _parse_instant(at_text, "--at", roster.zone)
    unit = Names(roster, roster_path)("unit", unit or "", "--unit") or None
    overrides = _stored_overrides(data_dir)
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
            " " + tr("until {at}, then {who}", at=_at(row["until"]), who=after or tr("NOBODY"))
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


@roster_group.group("override")
def override_group() -> None:
    """Cover arranged at run time: a person takes over another's shifts for a while."""


@override_group.command("add")
@click.option(
    "--person", required=True, metavar="PERSON", shell_complete=complete_people, help="Who covers."
)
@click.option(
    "--covers",
    metavar="PERSON",
    shell_complete=complete_people,
    help="Whose shifts are covered (omit to add PERSON to --unit/--role).",
)
@click.option(
    "--unit",
    metavar="UNIT",
    shell_complete=complete_units,
    help="Limit to this unit or product line.",
)
@click.option("--role", type=ROLE, help="Limit to this role.")
@click.option(
    "--from",
    "start",
    required=True,
    metavar="TIME",
    help="Start (ISO; no offset = the covered person's zone, else PERSON's).",
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
        _parse_instant(start, "--from", zone),
        _parse_instant(end, "--to", zone),
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
                start=_at(stored.start),
                end=_at(stored.end),
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
        span = tr("{start} to {end}", start=_at(o.start), end=_at(o.end))
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
        raise DispatcherError(tr("give exactly one of --unit or --person"))
    roster = load_roster_for_command(roster_path)
    overrides = _stored_overrides(data_dir)
    begin = (
        _parse_instant(start, "--from", roster.zone)
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


@roster_group.command("audit")
@click.option(
    "--person",
    "--people",
    "people_ids",
    shell_complete=complete_people,
    multiple=True,
    metavar="PERSON",
    help="Ask only this person (repeatable; default: every interface person and case handler).",
)
@click.option(
    "--report",
    "show_report",
    is_flag=True,
    help="Send nothing: each contact method and its last acknowledgement.",
)
@click.option(
    "--days",
    default=30,
    show_default=True,
    type=click.IntRange(1, 366),
    help="With --report: a method not confirmed for this many days counts as unconfirmed.",
)
@click.option(
    "--wait",
    is_flag=True,
    help="Stay until everyone answered or --timeout passed, running the engine here when no desk does.",
)
@click.option(
    "--timeout",
    default=600,
    show_default=True,
    type=click.IntRange(1, 86400),
    help="With --wait: seconds to wait.",
)
@roster_option
@actor_option
@with_store
@json_option
def audit(
    people_ids: tuple[str, ...],
    show_report: bool,
    days: int,
    wait: bool,
    timeout: int,
    roster_path: Path,
    actor: str | None,
    store,
    as_json: bool,
) -> None:
    """The reachability audit: ask each interface person and case handler "are you reachable?"
    on every contact method, and record who answers through which. Exit 1 when someone did not
    answer (--wait) or a method is unconfirmed (--report)."""
    from dispatcher.domain.reachability import audited_people

    roster = load_roster_for_command(roster_path)
    names = Names(roster, roster_path)
    people = [roster.person(names("person", p, "--people")) for p in people_ids]
    people = people or audited_people(roster.people.values())
    if show_report:
        _audit_report(store, roster, {p.id for p in people}, days, as_json)
        return
    from dispatcher.engine.audit import enqueue_audit
    from dispatcher.engine.control import CalloutControl
    from dispatcher.store.reachability import audit_answers

    control = CalloutControl(store, roster, reaches=installed_reaches(store, roster))
    audit_id = enqueue_audit(control, people, datetime.now(UTC), resolve_actor(actor))
    if wait:
        _await_audit(store, roster, audit_id, timeout)
    answers = audit_answers(store, audit_id)
    silent = sorted({a.person for a in answers} - {a.person for a in answers if a.confirmed_at})
    if as_json:
        echo_json(
            {"audit": audit_id, "messages": answers, "not_answered": silent if wait else None}
        )
    else:
        click.echo(audit_id)
        outcome = (
            tr("{count} did not answer: {ids}", count=len(silent), ids=", ".join(silent))
            if wait and silent
            else tr("everyone answered")
            if wait
            else tr("see `dispatcher roster audit --report` once they answer")
        )
        sent = tr(
            "{messages} message(s) to {people} people", messages=len(answers), people=len(people)
        )
        click.echo(f"{sent}; {outcome}", err=True)
        if wait:
            for answer in answers:
                click.echo(
                    f"  {cell(answer.person, 16)} {cell(answer.channel, 8)} "
                    f"{cell(answer.address, 28)} "
                    + (
                        tr("confirmed {at}", at=_at(answer.confirmed_at))
                        if answer.confirmed_at
                        else answer.error or value(answer.state)
                    )
                )
    click.get_current_context().exit(1 if wait and silent else 0)


def _await_audit(store, roster, audit_id: str, timeout: int) -> None:
    import time

    from dispatcher.cli.drill import engine_here
    from dispatcher.store.reachability import audit_answers

    engine = engine_here(store, roster)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            store.refresh()
            answers = audit_answers(store, audit_id)
            answered = {a.person for a in answers if a.confirmed_at}
            if {a.person for a in answers} <= answered:
                return
            time.sleep(1)
    finally:
        if engine is not None:
            engine.stop()


def _audit_report(store, roster: Roster, people: set[str], days: int, as_json: bool) -> None:
    from dispatcher.domain.reachability import unconfirmed
    from dispatcher.store.reachability import contact_standings

    now = datetime.now(UTC)
    rows = [r for r in contact_standings(store, roster) if r.person in people]
    stale = unconfirmed(rows, days, now, roster.answering_kinds)
    if as_json:
        echo_json({"days": days, "contacts": rows, "unconfirmed": stale})
    else:
        for row in rows:
            when = (
                tr("confirmed {at} by {channel}", at=_at(row.last_confirmed), channel=row.via)
                if row.last_confirmed
                else tr("never confirmed")
            )
            flag = "  " + tr("UNCONFIRMED") if row in stale else ""
            columns = ((row.name, 24), (value(row.kind), 8), (row.address, 28))
            click.echo(" ".join(cell(t, w) for t, w in columns) + f" {when}{flag}")
        click.echo(
            tr(
                "{stale} of {count} contact method(s) not confirmed within {days} days",
                stale=len(stale),
                count=len(rows),
                days=days,
            )
        )
    click.get_current_context().exit(1 if stale else 0)
