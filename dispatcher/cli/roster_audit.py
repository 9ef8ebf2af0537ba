"""`dispatcher roster audit`: the reachability audit. It asks each interface person and case handler
"are you reachable?" on every contact method and records who answers through which; `--report`
sends nothing and lists each method's last acknowledgement."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from dispatcher.cli.common import (
    actor_option,
    echo_json,
    installed_reaches,
    json_option,
    load_roster_for_command,
    resolve_actor,
    roster_option,
    with_store,
)
from dispatcher.cli.language import tr, value
from dispatcher.cli.names import Names
from dispatcher.cli.options import name_option
from dispatcher.cli.roster_values import utc_minute
from dispatcher.cli.terminal import cell
from dispatcher.domain.oncall import Roster


@click.command("audit")
@name_option(
    "--person",
    "--people",
    "people_ids",
    what="person",
    multiple=True,
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
                        tr("confirmed {at}", at=utc_minute(answer.confirmed_at))
                        if answer.confirmed_at
                        else answer.error or value(answer.state)
                    )
                )
    click.get_current_context().exit(1 if wait and silent else 0)


def _await_audit(store, roster, audit_id: str, timeout: int) -> None:
    """Until everyone asked answered or `timeout` seconds passed, running the engine here when
    no desk or `dispatcher engine` does."""
    from dispatcher.cli.local_engine import engine_here, poll_store
    from dispatcher.store.reachability import audit_answers

    def everyone_answered() -> bool:
        answers = audit_answers(store, audit_id)
        return {a.person for a in answers} <= {a.person for a in answers if a.confirmed_at}

    engine = engine_here(
        store,
        roster,
        lambda holder: tr(
            "the engine runs in {holder}; waiting for the answers from here", holder=holder
        ),
    )
    try:
        poll_store(store, everyone_answered, timeout, every=1)
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
                tr(
                    "confirmed {at} by {channel}",
                    at=utc_minute(row.last_confirmed),
                    channel=row.via,
                )
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
