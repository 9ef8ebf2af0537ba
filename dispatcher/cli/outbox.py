"""`dispatcher outbox`: every notification with its state; `outbox retry` sends a failed one
again, `outbox relay` records a page on the desk phoned through."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import click

from dispatcher.cli.common import (
    Choice,
    actor_option,
    command_zone,
    echo_json,
    echo_records,
    installed_reaches,
    json_option,
    load_roster_for_command,
    named_dispatcher,
    names_for_command,
    now,
    resolve_actor,
    roster_option,
    with_store,
)
from dispatcher.cli.completion import (
    complete_channels,
    complete_notifications,
    complete_requests,
)
from dispatcher.cli.language import tr, value
from dispatcher.cli.terminal import cell
from dispatcher.domain.localtime import local
from dispatcher.domain.outbox import (
    RELAY_CHANNEL,
    DeliveryState,
    shown_detail,
    shown_state,
)
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.relay import relay
from dispatcher.store import Store
from dispatcher.store.outbox import OutboxRecord


class NotificationId(click.ParamType):
    """A notification's number as `outbox` lists it: `12` or `#12`."""

    name = "ID"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip().removeprefix("#")
        if not text.isdigit():
            self.fail(
                tr("'{value}' is not a notification number such as 12 or #12", value=value),
                param,
                ctx,
            )
        return int(text)


@click.group("outbox", invoke_without_command=True)
@click.option(
    "--sr",
    "sr_id",
    default=None,
    metavar="SR_ID",
    shell_complete=complete_requests,
    help="Only this request's notifications.",
)
@click.option("--state", type=Choice(DeliveryState), default=None)
@json_option
@with_store
@click.pass_context
def outbox_group(
    ctx: click.Context, store: Store, sr_id: str | None, state: str | None, as_json: bool
) -> None:
    """Every notification, with its state; `outbox retry ID` sends a failed one again,
    `outbox relay ID` records that you phoned a page on the desk through."""
    if ctx.invoked_subcommand is not None:
        return
    control = CalloutControl(store, None)
    records = control.outbox.for_sr(sr_id.upper()) if sr_id else control.outbox.all()
    records = [r for r in records if state is None or r.state.value == state]
    zone = command_zone(store)
    echo_records(records, as_json, lambda r: _outbox_line(r, zone), tr("no notifications"))


def _outbox_line(record: OutboxRecord, zone: ZoneInfo) -> str:
    """One notification, its time in the CSC's `zone`."""
    created = local(record.created, zone)
    why = (
        f"  {record.error_code} {shown_detail(record, zone)}".rstrip()
        if record.detail or record.error_code
        else ""
    )
    columns = (
        (f"#{record.id}", 6),
        (f"{created:%m-%d %H:%M:%S}", 15),
        (record.sr, 17),
        (value(record.purpose), 13),
        (tr("DRILL") if record.drill else "", 5),
        (record.person, 16),
        (record.channel, 8),
        (record.address, 26),
        (value(record.state), 9),
    )
    line = " ".join(cell(text, width) for text, width in columns)
    status = record.provider_status
    if record.channel == RELAY_CHANNEL:  # sent to the desk is not delivered: say so
        status = value(shown_state(record)) if record.state is DeliveryState.SENT else ""
    return f"{line} {status}{why}".rstrip()


@outbox_group.command("relay")
@click.argument("notification_id", type=NotificationId(), shell_complete=complete_notifications)
@roster_option
@actor_option
@json_option
@with_store
def outbox_relay(
    store: Store, notification_id: int, roster_path: Path, actor: str | None, as_json: bool
) -> None:
    """Record that you, a person of the roster, phoned a page on the desk through: delivered."""
    # a delivery names who made it: only a named dispatcher records one (PROMISES 2, 3)
    actor = named_dispatcher(actor, names_for_command(roster_path))
    record = relay(CalloutControl(store, None), notification_id, now(), actor)
    if as_json:
        echo_json(record)
        return
    click.echo(_outbox_line(record, command_zone(store)))


@outbox_group.command("retry")
@click.argument("notification_id", type=NotificationId(), shell_complete=complete_notifications)
@click.option(
    "--channel",
    default=None,
    metavar="CHANNEL",
    shell_complete=complete_channels,
    help="Send it by another channel (sms, voice, email, desk, or a plugin's).",
)
@roster_option
@actor_option
@json_option
@with_store
def outbox_retry(
    store: Store,
    notification_id: int,
    channel: str | None,
    roster_path: Path,
    actor: str | None,
    as_json: bool,
) -> None:
    """Send a failed or cancelled notification again, or by another channel."""
    roster = load_roster_for_command(roster_path) if channel else None
    reaches = installed_reaches(store, roster) if roster else None
    record = CalloutControl(store, roster, reaches=reaches).retry(
        notification_id, now(), resolve_actor(actor), channel
    )
    if as_json:
        echo_json(record)
        return
    click.echo(_outbox_line(record, command_zone(store, roster)))
