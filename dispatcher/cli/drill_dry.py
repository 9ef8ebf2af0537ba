"""What `drill run --dry-run` and `drill run --sweep` show without sending: whom each step of the
scenario's chain would call at one time, or every hour of a span with a hole, from the roster,
the run-time overrides and the numbers the carrier refused."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

import click

from dispatcher.cli.common import (
    echo_json,
    existing_store,
)
from dispatcher.cli.language import language, tr, value, weekday
from dispatcher.domain.callout import channels_used
from dispatcher.domain.drills import HOUR, StepCheck, SweepHole, dead_numbers
from dispatcher.domain.rotation import Override
from dispatcher.domain.routing import describe_target
from dispatcher.i18n.phrases import phrase
from dispatcher.i18n.shapes import said
from dispatcher.roster.nodes import DURATION
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.store.outbox import OutboxRepository


class DurationParam(click.ParamType):
    """A duration of whole hours such as 7d, 24h or 2d12h."""

    name = "DURATION"

    def convert(self, value, param, ctx) -> timedelta:
        if isinstance(value, timedelta):
            return value
        match = DURATION.match(str(value).strip())
        if not match or not any(match.groups()) or match.group(3):
            self.fail(
                tr(
                    "'{value}' is not a duration in whole hours such as 7d, 24h or 2d12h",
                    value=value,
                ),
                param,
                ctx,
            )
        days, hours = int(match.group(1) or 0), int(match.group(2) or 0)
        if not 1 <= days * 24 + hours <= 24 * 92:
            self.fail(tr("'{value}' must be between 1h and 92d", value=value), param, ctx)
        return timedelta(days=days, hours=hours)


def stored_state(data_dir: Path | None) -> tuple[tuple[Override, ...], frozenset[str]]:
    """Run-time overrides and numbers the carrier refused, if a data directory exists (a dry
    run never creates one)."""
    with existing_store(data_dir) as store:
        if store is None:
            return (), frozenset()
        return OverrideRepository(store).all(), dead_numbers(OutboxRepository(store).all())


def show_dry_run(
    scenario,
    at: datetime,
    checks: list[StepCheck],
    reaches: Mapping[str, frozenset[str]],
    as_json: bool,
) -> None:
    """Each step as it would run at `at`: the channels it would really page by (the rule
    of `callout.routes_for` over the channels `reaches` names as enabled here), and whom."""
    if as_json:
        echo_json(
            {
                "scenario": scenario,
                "at": at,
                "steps": [
                    {
                        "step": c.preview.number,
                        "channels": c.preview.channels,
                        "paged_by": channels_used(c.preview.people, c.preview.channels, reaches),
                        "wait_minutes": c.preview.wait_minutes,
                        "problem": c.problem,
                        "people": [
                            {
                                "id": p.id,
                                "name": p.display_name,
                                "contacts": [
                                    {"kind": m.kind, "address": m.address} for m in p.contacts
                                ],
                                "working_phone": p.id not in c.no_phone,
                            }
                            for p in c.preview.people
                        ],
                        "nobody_for": [describe_target(t) for t in c.preview.nobody_for],
                    }
                    for c in checks
                ],
            }
        )
        return
    lang = language()
    click.echo(tr("drill {id}: {name}", id=scenario.id, name=phrase(scenario.name, lang)))
    click.echo(
        tr(
            "{chain} chain at {at} (dry run: nothing is sent)",
            chain=scenario.chain,
            at=format(at, "%Y-%m-%d %H:%M %Z"),
        )
    )
    for check in checks:
        step = check.preview
        used = channels_used(step.people, step.channels, reaches)  # none: it pages nobody
        click.echo(
            "  "
            + (
                tr(
                    "step {number} by {channels}, then wait {minutes} min:",
                    number=step.number,
                    channels=", ".join(used),
                    minutes=step.wait_minutes,
                )
                if used
                else tr(
                    "step {number}, then wait {minutes} min:",
                    number=step.number,
                    minutes=step.wait_minutes,
                )
            )
        )
        for person in step.people:
            ways = ", ".join(f"{value(m.kind)} {m.address}" for m in person.contacts)
            flag = "  " + tr("NO WORKING PHONE") if person.id in check.no_phone else ""
            ways = ways or tr("no contact")
            click.echo(f"    {person.display_name}: {ways}{flag}")
        for target in step.nobody_for:
            who = phrase(describe_target(target), lang)
            click.echo("    " + tr("NOBODY on call for {who}", who=who))
        if not used:
            click.echo("    " + tr("(this step reaches nobody and is skipped at once)"))


def show_sweep(
    scenario, start: datetime, span: timedelta, holes: list[SweepHole], as_json: bool
) -> None:
    if as_json:
        echo_json(
            {"scenario": scenario.id, "from": start, "hours": int(span / HOUR), "holes": holes}
        )
        return
    hours = sum(len(h.hours) for h in holes)
    swept = f"{span.days}d{span.seconds // 3600}h"
    click.echo(
        tr(
            "drill {id}: {chain} chain swept hour by hour from {start} for {span}",
            id=scenario.id,
            chain=scenario.chain,
            start=format(start, "%Y-%m-%d %H:%M %Z"),
            span=swept,
        )
    )
    for hole in holes:
        click.echo(
            "  "
            + tr(
                "{start} to {end} ({hours} h) step {step}: {detail}",
                start=weekday(hole.start) + format(hole.start, " %Y-%m-%d %H:%M"),
                end=weekday(hole.end) + format(hole.end, " %H:%M %Z"),
                hours=len(hole.hours),
                step=hole.step,
                detail=said(hole.detail, language()),
            )
        )
    click.echo(
        tr("{count} hour(s) with a hole", count=hours)
        if holes
        else tr("every hour reaches someone by phone")
    )
