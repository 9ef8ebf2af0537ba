"""The hooks a dispatcher plugin may implement: the one module a plugin author reads.

A plugin is a module (or object) with functions marked `@hookimpl`, named after the hooks
below, made known through an entry point in the `dispatcher` group::

    [project.entry-points.dispatcher]
    webhook = "dispatcher_webhook"

Hooks are synchronous and cheap: they *register* channels or *observe* events. Talking to a
provider happens in a channel's `async send()`, which the engine calls, retries and records.
"""

from __future__ import annotations

import pluggy

from dispatcher.plugins.contract import CalloutEvent, Register, RegisterKind, Settings

PROJECT = "dispatcher"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def dispatcher_channels(register: Register, settings: Settings) -> None:
    """Register the channels this plugin provides.

    Called once when the desk, the engine or a command loads plugins. Call
    ``register(channel)`` for each `Channel` that can run with ``settings`` (the environment),
    or ``register.disabled(name_or_channel_class, reason)`` when a credential or endpoint is
    missing, so that ``dispatcher plugins`` can say why. Build clients lazily: nothing may
    connect to a provider here. Return nothing: a hook that returns channels, registers
    something that is not a `Channel`, or raises is disabled with the reason, and the other
    plugins load.
    """


@hookspec
def dispatcher_contact_kinds(register: RegisterKind) -> None:
    """Declare the kinds of contact method this plugin's channels reach, beyond the built-in
    `mobile`, `voice` and `email`.

    Called once when plugins load, before `dispatcher_channels`, whatever the settings (a
    roster may list a contact method of a kind whose channel is not configured here; the
    desk's relay still reaches it). Call ``register(ContactKindSpec(name, validate,
    example=..., description=...))`` for each kind: ``validate(address)`` returns the address
    normalised or raises `ValueError` saying why it is not one, and must accept ``example``.
    An optional ``canonical=`` function gives the form two addresses of the kind share when
    they are the same identity (say ``str.casefold`` for handles that ignore case); without
    it a reply's sender must equal the paged address exactly (stripped). A kind's name is a
    lower-case word, not a built-in one; the first plugin to declare a name owns it. A bad
    declaration disables the plugin with the reason. Return nothing.
    """


@hookspec
def dispatcher_callout_event(event: CalloutEvent) -> None:
    """Observe a call-out: chain started, step reached, notification sent or failed,
    acknowledged, chain exhausted, drill finished.

    Called by the engine after the event is recorded, for every event, in order. Use it to
    mirror events into another system (a ticket, a chat room, the CCI Red Flag register).
    It must return quickly; an exception is logged and does not stop the call-out or the
    other observers. The return value is ignored.
    """
