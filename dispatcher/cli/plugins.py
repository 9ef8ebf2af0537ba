"""`dispatcher plugins` and `dispatcher notify test`: what is installed, and does it reach people."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import click

from dispatcher.cli.common import (
    echo_json,
    json_option,
    load_roster_for_command,
    roster_option,
    with_store,
)
from dispatcher.cli.completion import (
    complete_channels,
    complete_people,
)
from dispatcher.cli.help import shown_name
from dispatcher.cli.language import language, tr, value
from dispatcher.cli.names import Names
from dispatcher.cli.terminal import cell
from dispatcher.domain.acks import CODE_COUNT, code_from
from dispatcher.domain.messages import Message
from dispatcher.domain.roster import Person
from dispatcher.engine.compose import compose
from dispatcher.engine.sending import Sender
from dispatcher.engine.settings import EngineSettings
from dispatcher.errors import DispatcherError
from dispatcher.i18n.shapes import said
from dispatcher.plugins import Channel, Notification, PluginManager, Purpose, Receipt, Urgency


@click.command("plugins")
@json_option
@with_store
def plugins_command(store, as_json: bool) -> None:
    """List installed plugins, their versions and hooks, and which channels are enabled.

    A plugin disabled at load says why; each channel shows the settings it reads (a secret
    only as set or unset) and the rate limits the engine keeps it to; then the contact kinds
    a roster may use here, built in or declared by a plugin."""
    manager = PluginManager(store=store).load()
    if as_json:
        echo_json(
            {
                "plugins": manager.plugins,
                "channels": manager.channel_infos,
                "kinds": manager.kind_infos,
            }
        )
        return
    for plugin in manager.plugins:
        state = value(plugin.status)
        state = f"{state}: {said(plugin.reason, language())}" if plugin.reason else state
        click.echo(f"{plugin.name} {plugin.version} ({plugin.distribution}) [{state}]")
        if plugin.hooks:
            click.echo("  " + tr("hooks: {hooks}", hooks=", ".join(plugin.hooks)))
    click.echo(tr("channels:"))
    for channel in manager.channel_infos:
        state = (
            tr("enabled, reaches {kinds}", kinds=", ".join(value(k) for k in channel.reaches))
            if channel.enabled
            else tr("disabled: {reason}", reason=said(channel.reason, language()))
        )
        line = tr(
            "{name} (plugin {plugin}): {state}",
            name=channel.name,
            plugin=channel.plugin,
            state=state,
        )
        click.echo("  " + line)
        if channel.settings:
            settings = "; ".join(s.describe(language()) for s in channel.settings)
            click.echo("    " + tr("settings: {settings}", settings=settings))
        if channel.limits:
            limits = "; ".join(
                tr("{limit} per address", limit=said(limit, language()))
                if scope == "address"
                else tr("{limit} per channel", limit=said(limit, language()))
                for scope, limit in channel.limits.items()
            )
            click.echo("    " + tr("limits: {limits}", limits=limits))
    click.echo(tr("contact kinds:"))
    for kind in manager.kind_infos:
        click.echo(f"  {kind.describe(language())}")


@dataclass(frozen=True)
class ContactCheck:
    contact: str
    kind: str
    channel: str
    receipt: Receipt | None
    skipped: str = ""

    def to_dict(self) -> dict:
        return {
            "contact": self.contact,
            "kind": self.kind,
            "channel": self.channel,
            "receipt": self.receipt,
            "skipped": self.skipped,
        }


def notification_for_test(person: Person, contact, ack_code: str) -> Notification:
    """A test message (purpose `test`) composed by the engine like any other."""
    zh = person.language == "zh"
    text = (
        "调度台测试消息,无需处理。"
        if zh
        else "Test message from the dispatch desk; no action needed."
    )
    texts = compose(
        Message(text, text, text),
        sr_id="TEST",
        purpose=Purpose.TEST,
        ack_code=ack_code,
        drill=False,
        language=person.language,
    )
    return Notification(
        id=f"test-{secrets.token_hex(4)}",
        recipient=person,
        contact=contact,
        sr_id="TEST",
        purpose=Purpose.TEST,
        urgency=Urgency.LOW,
        ack_code=ack_code,
        drill=False,
        language=person.language,
        **texts.fields(),
    )


async def send_test_notifications(
    person: Person,
    channels: dict[str, Channel],
    only: str | None = None,
    settings: EngineSettings | None = None,
    redact: Callable[[str], str] = str,
) -> list[ContactCheck]:
    """One test message through every channel that reaches each of the person's contacts.

    The desk channel is used only when asked for by name: it verifies nothing about a contact.
    Every channel is closed afterwards. What a failing channel said passes through `redact`
    (a plugin's exception may quote a credential).
    """
    settings = settings or EngineSettings()
    outcomes: list[ContactCheck] = []
    sends = []
    for contact in person.contacts:
        reaching = [
            c
            for c in channels.values()
            if contact.kind in c.reaches and (c.name == only if only else c.name != "desk")
        ]
        if not reaching:
            outcomes.append(
                ContactCheck(
                    contact.address,
                    contact.kind,
                    only or "-",
                    None,
                    tr("no enabled channel reaches it"),
                )
            )
        for channel in reaching:
            sends.append((contact, channel))
    ack_code = code_from(secrets.randbelow(CODE_COUNT))
    # Each send bounded and contained as in the engine: a channel that raises or hangs is
    # reported as failed, and every other channel's result is still shown.
    sender = Sender(channels, inline={"desk"}, default_timeout=settings.send_timeout, redact=redact)
    try:
        receipts = await asyncio.gather(
            *(
                sender.send(channel.name, notification_for_test(person, contact, ack_code))
                for contact, channel in sends
            )
        )
    finally:
        await sender.aclose()
    for (contact, channel), receipt in zip(sends, receipts, strict=False):
        outcomes.append(ContactCheck(contact.address, contact.kind, channel.name, receipt))
    return outcomes


async def _notify(manager: PluginManager, person: Person, only: str | None) -> list[ContactCheck]:
    settings = EngineSettings.from_environ(os.environ)
    return await send_test_notifications(person, manager.channels, only, settings, manager.redact)


@click.group("notify")
def notify_group() -> None:
    """Send notifications outside a call-out."""


@notify_group.command("test")
@click.argument("person_id", metavar="PERSON", shell_complete=complete_people)
@click.option(
    "--channel",
    "channel_name",
    default=None,
    metavar="CHANNEL",
    shell_complete=complete_channels,
    help="Only this channel.",
)
@json_option
@roster_option
@with_store
def notify_test(
    store, roster_path, person_id: str, channel_name: str | None, as_json: bool
) -> None:
    """Send a test message through each of PERSON's contact methods and report each outcome."""

    roster = load_roster_for_command(roster_path)
    named = Names(roster, roster_path)("person", person_id, shown_name("person_id"))
    person = roster.person(named)
    manager = PluginManager(store=store).load()
    if channel_name and channel_name not in manager.channels:
        known = {c.name: c for c in manager.channel_infos}
        reason = known[channel_name].reason if channel_name in known else tr("no such channel")
        raise DispatcherError(
            tr("channel {name!r} cannot be used: {reason}", name=channel_name, reason=reason)
        )
    outcomes = asyncio.run(_notify(manager, person, channel_name))
    disabled = (
        []
        if channel_name
        else [
            {"channel": info.name, "plugin": info.plugin, "reason": info.reason}
            for info in manager.channel_infos
            if not info.enabled
        ]
    )
    if as_json:
        echo_json({"person": person.id, "outcomes": outcomes, "disabled": disabled})
    else:
        click.echo(f"{person.display_name} ({person.id}):")
        for outcome in outcomes:
            receipt = outcome.receipt
            if receipt is None:
                result = tr("skipped: {reason}", reason=outcome.skipped)
            elif receipt.failure is None:  # accepted (`receipt.ok`)
                result = f"{value(receipt.status)} ({receipt.provider_id or '-'})"
            else:
                result = tr(
                    "FAILED {failure} {code}: {detail}",
                    failure=value(receipt.failure),
                    code=receipt.error_code or "",
                    detail=receipt.detail,
                )
            columns = ((value(outcome.kind), 8), (outcome.contact, 28), (outcome.channel, 8))
            click.echo("  " + " ".join(cell(t, w) for t, w in columns) + f" {result}")
        for channel in disabled:
            line = tr(
                "channel {name} disabled: {reason}",
                name=channel["channel"],
                reason=said(channel["reason"], language()),
            )
            click.echo("  " + line)
    if any(o.receipt is None or not o.receipt.ok for o in outcomes):
        raise SystemExit(1)
