"""`dispatcher planned`: planned services (计划性服务) and their windows."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from dispatcher.cli.common import (
    TIME,
    Choice,
    command_zone,
    csc_time,
    echo_json,
    json_option,
    names_for_command,
    now,
    required_text,
    roster_option,
    with_store,
)
from dispatcher.cli.completion import (
    complete_planned,
)
from dispatcher.cli.language import tr, value
from dispatcher.cli.options import request_place_options
from dispatcher.domain.localtime import local, wall_time
from dispatcher.domain.planned import PlannedKind, PlannedService, PlannedState
from dispatcher.errors import DispatcherError
from dispatcher.store import Store
from dispatcher.store.planned import PlannedRepository
from dispatcher.store.requests import RequestFilter, RequestRepository

NEXT_HOURS = 24


@click.group()
def planned() -> None:
    """Planned services: go-live, expansion, inspection, patch, upgrade, cutover (割接)."""


@planned.command("new")
@click.option("--kind", required=True, type=Choice(PlannedKind))
@click.option("--title", required=True, callback=required_text, help="One line: the work.")
@click.option("--start", required=True, type=TIME, help="The window opens.")
@click.option("--end", required=True, type=TIME, help="The window closes.")
@request_place_options
@click.option("--customer", default="", help="The operator the work is for.")
@click.option(
    "--contact",
    default="",
    help="Whom the satisfaction call after a cutover calls (name and number, stored as E.164).",
)
@roster_option
@json_option
@with_store
def new(
    store: Store,
    kind: str,
    start: datetime,
    end: datetime,
    roster_path: Path,
    as_json: bool,
    **fields: str,
) -> None:
    """Announce planned work and its window."""
    names = names_for_command(roster_path)
    fields["site"] = names("site", fields["site"], "--site")
    fields["product"] = names("product", fields["product"], "--product")
    fields["contact"] = names.phones_in(fields["contact"], "--contact")
    zone = command_zone(store, names.roster)
    start, end = wall_time(start, zone), wall_time(end, zone)
    if end <= start:
        raise DispatcherError(tr("--end: the window must end after it starts"))
    work = PlannedRepository(store).add(
        start,
        lambda planned_id: PlannedService(
            planned_id,
            PlannedKind(kind),
            fields["title"],
            start,
            end,
            fields["site"],
            fields["product"],
            fields["customer"],
            fields["contact"],
        ),
        zone,
    )
    if as_json:
        echo_json(work)
    else:
        click.echo(work.id)


@planned.command("list")
@click.option(
    "--from", "start", type=TIME, help="Windows overlapping from this time (default: now)."
)
@click.option(
    "--to", "end", type=TIME, help=f"… to this time (default: {NEXT_HOURS} h after --from)."
)
@json_option
@with_store
def list_(store: Store, start: datetime | None, end: datetime | None, as_json: bool) -> None:
    """Planned work in a time range (default: the next 24 hours), with faults during it."""
    zone = command_zone(store)
    start = csc_time(start, zone) or now()
    end = csc_time(end, zone) or start + timedelta(hours=NEXT_HOURS)
    if end <= start:
        raise DispatcherError(tr("--to: must be after --from"))
    works = PlannedRepository(store).between(start, end)
    faults = _faults(store, works)
    if as_json:
        echo_json([{"planned": w, "linked_faults": [sr.id for sr in faults[w.id]]} for w in works])
        return
    for work in works:
        click.echo(_line(work, faults[work.id], zone))
    if not works:
        click.echo(tr("no planned work in that time"), err=True)


def _faults(store: Store, works: list[PlannedService]) -> dict[str, list]:
    if not works:
        return {}
    earliest = min(w.start for w in works)
    requests = RequestRepository(store).matching(
        RequestFilter(include_closed=True, since=earliest, category="fault_support")
    )
    return {w.id: w.linked_faults(requests) for w in works}


def _line(work: PlannedService, faults: list, zone: ZoneInfo) -> str:
    linked = ", ".join(sr.id for sr in faults)
    linked = "  " + tr("FAULTS DURING WINDOW: {ids}", ids=linked) if faults else ""
    start, end = local(work.start, zone), local(work.end, zone)
    return (
        f"{work.id}  {start:%m-%d %H:%M}–{end:%m-%d %H:%M}  "
        f"{value(work.kind):<10} {value(work.state):<11} {work.site or '-'}  {work.title}{linked}"
    )


@planned.command("show")
@click.argument("planned_id", shell_complete=complete_planned)
@json_option
@with_store
def show(store: Store, planned_id: str, as_json: bool) -> None:
    """One planned service, its callbacks and the faults reported during its window."""
    work = PlannedRepository(store).get(planned_id)
    faults = _faults(store, [work])[work.id]
    if as_json:
        echo_json(
            {
                "planned": work,
                "linked_faults": [sr.id for sr in faults],
                "callback_due": work.callback_due(),
            }
        )
        return
    zone = command_zone(store)
    click.echo(_line(work, faults, zone))
    for attempt in work.callbacks:
        click.echo(
            "  "
            + tr(
                "callback {at} {outcome}",
                at=format(local(attempt.at, zone), "%Y-%m-%d %H:%M"),
                outcome=value(attempt.outcome),
            )
            + (tr(", score {score}", score=attempt.score) if attempt.score is not None else "")
            + (f": {attempt.words}" if attempt.words else "")
        )
    if (due := work.callback_due()) is not None:
        at = f"{local(due.due, zone):%Y-%m-%d %H:%M}"
        click.echo("  " + tr("satisfaction callback due by {at}", at=at))


def _move(name: str, doc: str, action) -> None:
    @planned.command(name, help=doc)
    @click.argument("planned_id", shell_complete=complete_planned)
    @json_option
    @with_store
    def command(store: Store, planned_id: str, as_json: bool) -> None:
        work = PlannedRepository(store).change(planned_id, action)
        if as_json:
            echo_json(work)
            return
        click.echo(f"{work.id}  {value(work.state)}")
        if work.callback_due() is not None:
            queued = tr("satisfaction callback queued (dispatcher sr callback)")
            click.echo(f"{work.id}  {queued}")


_move("start", "The work has started.", lambda w: w.begin(now()))
_move(
    "complete",
    "The work is complete; a cutover queues its satisfaction callback.",
    lambda w: w.complete(now()),
)


@planned.command("cancel")
@click.argument("planned_id", shell_complete=complete_planned)
@click.option("--reason", required=True, callback=required_text)
@json_option
@with_store
def cancel(store: Store, planned_id: str, reason: str, as_json: bool) -> None:
    """Cancel planned work, saying why."""
    work = PlannedRepository(store).change(planned_id, lambda w: w.cancel(reason))
    if as_json:
        echo_json(work)
    else:
        click.echo(f"{work.id}  {value(PlannedState.CANCELLED)}")
