"""The plugin contract: everything a channel or observer plugin imports comes from here.

    from dispatcher.plugins import hookimpl, ChannelBase, Notification, Receipt, Failure

The hooks are documented in `dispatcher.plugins.hookspecs`, the types in
`dispatcher.plugins.contract`; `PluginManager` loads the plugins for the desk and the engine.
"""

from dispatcher.domain.contact_kinds import ContactKindSpec
from dispatcher.domain.outbox import Limit
from dispatcher.domain.roster import ContactKind, ContactMethod, Person
from dispatcher.plugins.contract import (
    CalloutEvent,
    CalloutEventKind,
    Channel,
    ChannelBase,
    DeliveryStatus,
    Failure,
    Health,
    MissingSetting,
    Notification,
    PollResult,
    Purpose,
    Receipt,
    Register,
    RegisterKind,
    Reply,
    Setting,
    Settings,
    StatusUpdate,
    Urgency,
    one_line,
    parse_ack_code,
    redact,
)
from dispatcher.plugins.hookspecs import hookimpl, hookspec
from dispatcher.plugins.info import ChannelInfo, KindInfo, PluginInfo, SettingInfo
from dispatcher.plugins.manager import ALLOW_ENV, BLOCK_ENV, PluginManager

__all__ = [
    "ALLOW_ENV",
    "BLOCK_ENV",
    "CalloutEvent",
    "CalloutEventKind",
    "Channel",
    "ChannelBase",
    "ChannelInfo",
    "ContactKind",
    "ContactKindSpec",
    "ContactMethod",
    "DeliveryStatus",
    "Failure",
    "Health",
    "KindInfo",
    "Limit",
    "MissingSetting",
    "Notification",
    "Person",
    "PluginInfo",
    "PluginManager",
    "PollResult",
    "Purpose",
    "Receipt",
    "Register",
    "RegisterKind",
    "Reply",
    "Setting",
    "SettingInfo",
    "Settings",
    "StatusUpdate",
    "Urgency",
    "hookimpl",
    "hookspec",
    "one_line",
    "parse_ack_code",
    "redact",
]
