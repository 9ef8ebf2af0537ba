"""Loading plugins: entry points of the `dispatcher` group beside the built-in ones.

A small typed facade over pluggy. One broken plugin never takes the desk down: a plugin that
fails to import, implements a hook that does not exist or asks it for arguments it does not
give, registers a channel that is not one (see `dispatcher.plugins.validation`), returns
channels instead of registering them, or whose `dispatcher_channels` raises, is disabled:
listed with a one-line reason naming what is wrong, its channels left out, every other plugin
loaded. Contact kinds (`dispatcher_contact_kinds`) are collected from every loaded plugin
before any channel, so a channel may reach a kind another plugin declares; a channel reaching
a kind nobody declares disables its plugin. Importing a plugin and each hook that loads it
(`dispatcher_contact_kinds`, `dispatcher_channels`: its channels are built there) run on a
thread of their own for at most `DISPATCHER_PLUGIN_LOAD_SECONDS` (5 s): a plugin that has
not answered by then (a login with no timeout) is disabled with that reason, and the
others load. `DISPATCHER_BLOCK_PLUGINS` names plugins not to
load; `DISPATCHER_ALLOW_PLUGINS`, when set, names the only entry-point plugins to load (the
built-in desk channel loads unless blocked).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pluggy

from dispatcher import __version__
from dispatcher.domain.contact_kinds import ContactKinds, ContactKindSpec
from dispatcher.domain.outbox import Limit
from dispatcher.domain.roster import BUILT_IN_KINDS
from dispatcher.plugins import hookspecs
from dispatcher.plugins.contract import CalloutEvent, Channel, Settings, one_line, redact
from dispatcher.plugins.deadline import NoAnswer, within
from dispatcher.plugins.desk import DeskPlugin
from dispatcher.plugins.info import (
    BUILT_IN_KIND_INFOS,
    LOGGED_WHERE_RECORDED,
    ChannelInfo,
    KindInfo,
    PluginInfo,
    SettingInfo,
    describe_event,
    describe_limit,
)
from dispatcher.plugins.registration import ChannelRegistration, KindRegistration
from dispatcher.plugins.validation import hook_problem

BLOCK_ENV = "DISPATCHER_BLOCK_PLUGINS"  # comma-separated plugin names not to load
ALLOW_ENV = "DISPATCHER_ALLOW_PLUGINS"  # if set: the only entry-point plugins to load
TRACE_ENV = "DISPATCHER_TRACE_HOOKS"  # set to 1 to print every hook call on stderr
LOAD_ENV = "DISPATCHER_PLUGIN_LOAD_SECONDS"  # how long one plugin's import or hook may take
LOAD_SECONDS = 5.0
ENTRY_POINT_GROUP = hookspecs.PROJECT

log = logging.getLogger(__name__)


class _Broken(Exception):
    """A plugin failed a check; the message is the one-line reason shown for it."""


REDACT_MIN = 4  # characters


def entry_points(group: str) -> Any:
    """The installed entry points of `group`. `importlib.metadata` is imported here, as plugins
    load: imported with this module it cost every desk's launch some 15 ms, before any plugin
    is needed."""
    from importlib.metadata import entry_points as installed

    return installed(group=group)


class PluginManager:
    """The installed plugins, their channels, and the observer hooks, for one process."""

    def __init__(self, environ: Mapping[str, str] | None = None, store: Any = None) -> None:
        self.environ = dict(os.environ if environ is None else environ)
        self.settings = Settings(self.environ)
        self._store = store
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self._plugins: dict[str, PluginInfo] = {}
        self._channels: dict[str, Channel] = {}
        self._channel_infos: dict[str, ChannelInfo] = {}
        self._kinds: dict[str, ContactKindSpec] = {}
        self._loaded = False

    def redact(self, text: str) -> str:
        """`text` (a plugin's reason, an exception's message) with every secret setting
        replaced (`Settings.secrets`): what a plugin says may quote its credentials. Values
        shorter than `REDACT_MIN` are left: replacing every "p" of a test password "p" would
        garble the text, and so short a value is no secret to hide."""
        return redact(text, [s for s in self.settings.secrets() if len(s) >= REDACT_MIN])

    def _names(self, variable: str) -> frozenset[str]:
        names = self.environ.get(variable, "").replace(" ", ",").split(",")
        return frozenset(name for name in names if name)

    @property
    def blocked(self) -> frozenset[str]:
        return self._names(BLOCK_ENV)

    @property
    def allowed(self) -> frozenset[str] | None:
        """The entry-point plugins `DISPATCHER_ALLOW_PLUGINS` allows; None when it is unset."""
        return self._names(ALLOW_ENV) if ALLOW_ENV in self.environ else None

    @property
    def load_seconds(self) -> float:
        """How long one plugin's import, or one of its loading hooks, may take (`LOAD_ENV`)."""
        try:
            seconds = float(self.environ.get(LOAD_ENV) or LOAD_SECONDS)
        except ValueError:
            return LOAD_SECONDS
        return seconds if seconds > 0 else LOAD_SECONDS

    def load(self) -> PluginManager:
        """Register built-ins and entry points, check each, collect channels. Idempotent."""
        if self._loaded:
            return self
        self._loaded = True
        if self.environ.get(TRACE_ENV):
            secrets = self.settings.secrets()
            self._pm.trace.root.setwriter(lambda text: sys.stderr.write(redact(text, secrets)))
            self._pm.enable_tracing()
        for name in self.blocked:
            self._pm.set_blocked(name)
        desk = DeskPlugin(self._store, lambda: self.kind_names)
        self._register("desk", desk, "dispatcher (built in)", __version__)
        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            self._load_entry_point(entry_point)
        for collect in (self._collect_kinds, self._collect_channels):
            for name in list(self._plugins):
                if self._plugins[name].status == "loaded":
                    collect(name)
        return self

    def _refused(self, name: str) -> str | None:
        if self._pm.is_blocked(name):
            return f"blocked by {BLOCK_ENV}"
        allowed = self.allowed
        if allowed is not None and name not in allowed:
            return f"not in {ALLOW_ENV}"
        return None

    def _load_entry_point(self, entry_point: Any) -> None:
        dist = entry_point.dist
        distribution = dist.name if dist else entry_point.value
        version = dist.version if dist else "?"
        if entry_point.name in self._plugins:
            return
        refused = self._refused(entry_point.name)
        if refused:
            self._plugins[entry_point.name] = PluginInfo(
                entry_point.name, distribution, version, "blocked", refused
            )
            return
        try:
            plugin = within(entry_point.load, self.load_seconds, "the import")
        except NoAnswer as silent:
            self._fail(entry_point.name, distribution, version, str(silent))
            return
        except Exception as error:  # a third party's bug must not stop the desk
            reason = one_line(f"cannot import: {type(error).__name__}: {error}")
            self._fail(entry_point.name, distribution, version, reason)
            return
        self._register(entry_point.name, plugin, distribution, version)

    def _fail(self, name: str, distribution: str, version: str, reason: str) -> None:
        reason = self.redact(reason)  # an exception's text may quote a credential
        log.warning("plugin %s disabled: %s", name, reason)
        self._plugins[name] = PluginInfo(name, distribution, version, "failed", reason)

    def _register(self, name: str, plugin: object, distribution: str, version: str) -> None:
        if self._pm.is_blocked(name):
            self._plugins[name] = PluginInfo(
                name, distribution, version, "blocked", f"blocked by {BLOCK_ENV}"
            )
            return
        try:
            hooks = self._check_hooks(plugin)
            self._pm.register(plugin, name=name)
        except _Broken as broken:
            self._fail(name, distribution, version, one_line(str(broken)))
            return
        except Exception as error:  # pluggy's own refusal, or a plugin object that misbehaves
            self._fail(name, distribution, version, one_line(f"{type(error).__name__}: {error}"))
            return
        self._plugins[name] = PluginInfo(name, distribution, version, "loaded", hooks=hooks)

    def _check_hooks(self, plugin: object) -> tuple[str, ...]:
        """The hooks `plugin` implements, after checking each against its hookspec."""
        hooks = []
        for attribute in dir(plugin):
            if self._pm.parse_hookimpl_opts(plugin, attribute) is None:
                continue
            problem = hook_problem(attribute, getattr(plugin, attribute))
            if problem:
                raise _Broken(problem)
            hooks.append(attribute)
        if not hooks:
            raise _Broken(
                "implements no dispatcher hook (mark its functions with dispatcher.plugins.hookimpl)"
            )
        return tuple(sorted(hooks))

    def _only(self, hook_name: str, plugin_name: str) -> Any:
        """A caller of one hook that reaches only one plugin, so its failure stays its own."""
        target = self._pm.get_plugin(plugin_name)
        others = [p for p in self._pm.get_plugins() if p is not target]
        return self._pm.subset_hook_caller(hook_name, remove_plugins=others)

    def _disable(self, plugin_name: str, reason: str) -> None:
        """Unregister a loaded plugin that failed a hook, keeping the reason."""
        info = self._plugins[plugin_name]
        self._pm.unregister(name=plugin_name)
        self._fail(plugin_name, info.distribution, info.version, one_line(reason))

    def _collect_kinds(self, plugin_name: str) -> None:
        if "dispatcher_contact_kinds" not in self._plugins[plugin_name].hooks:
            return
        registration = KindRegistration()
        hook = self._only("dispatcher_contact_kinds", plugin_name)
        try:
            returned = within(
                lambda: hook(register=registration),
                self.load_seconds,
                "dispatcher_contact_kinds",
            )
        except NoAnswer as silent:
            self._disable(plugin_name, str(silent))
            return
        except Exception as error:
            self._disable(
                plugin_name, f"dispatcher_contact_kinds failed: {type(error).__name__}: {error}"
            )
            return
        if returned:
            registration.problems.append(
                f"dispatcher_contact_kinds returned a {type(returned[0]).__name__} instead of"
                " calling register(kind)"
            )
        if registration.problems:
            self._disable(plugin_name, registration.problems[0])
            return
        for kind in registration.kinds:
            if kind.name in self._kinds:  # the first plugin to declare a kind owns it
                log.info(
                    "plugin %s: kind %s is declared by plugin %s already; theirs is used",
                    plugin_name,
                    kind.name,
                    self._kinds[kind.name].plugin,
                )
                continue
            self._kinds[kind.name] = replace(kind, plugin=plugin_name)

    def _collect_channels(self, plugin_name: str) -> None:
        info = self._plugins[plugin_name]
        if "dispatcher_channels" not in info.hooks:
            return
        registration = ChannelRegistration(plugin_name, self.kind_names)
        hook = self._only("dispatcher_channels", plugin_name)
        try:
            returned = within(
                lambda: hook(register=registration, settings=self.settings),
                self.load_seconds,
                "dispatcher_channels",
            )
            if returned:
                raise _Broken(
                    f"dispatcher_channels returned a {type(returned[0]).__name__} instead of"
                    " calling register(channel)"
                )
            if registration.problems:
                raise _Broken(registration.problems[0])
        except Exception as error:
            reason = (
                str(error)
                if isinstance(error, (_Broken, NoAnswer))
                else (f"dispatcher_channels failed: {type(error).__name__}: {error}")
            )
            self._disable(plugin_name, reason)
            return
        for channel in registration.channels:
            self._add_channel(plugin_name, channel)
        for name, reason, declared_by in registration.disabled_channels:
            self._add_disabled(plugin_name, name, reason, declared_by)

    def _declared(self, channel: Any) -> dict[str, Any]:
        limits = {
            scope: describe_limit(limit)
            for scope in ("channel", "address")
            if (limit := getattr(channel, f"{scope}_limit", None)) is not None
        }
        settings = tuple(
            SettingInfo.of(setting, self.settings) for setting in getattr(channel, "settings", ())
        )
        return {"settings": settings, "limits": limits}

    def _add_channel(self, plugin: str, channel: Channel) -> None:
        reaches = tuple(sorted(str(kind) for kind in channel.reaches))
        declared = self._declared(channel)
        if channel.name in self._channel_infos:
            owner = self._channel_infos[channel.name].plugin
            self._channel_infos[f"{channel.name}@{plugin}"] = ChannelInfo(
                channel.name,
                plugin,
                False,
                f"name already taken by plugin {owner!r}",
                reaches,
                **declared,
            )
            return
        self._channels[channel.name] = channel
        self._channel_infos[channel.name] = ChannelInfo(
            channel.name, plugin, True, "", reaches, **declared
        )

    def _add_disabled(self, plugin: str, name: str, reason: str, declared_by: Any) -> None:
        if name not in self._channel_infos:
            declared = self._declared(declared_by) if declared_by is not None else {}
            self._channel_infos[name] = ChannelInfo(
                name, plugin, False, self.redact(one_line(reason)), **declared
            )

    def limits(self) -> dict[str, Limit]:
        """The limits the enabled channels declare, keyed as the engine's throttle keys them:
        `channel:<name>` for the whole channel, `<name>` for one address on it."""
        found: dict[str, Limit] = {}
        for name, channel in self.channels.items():
            if (limit := getattr(channel, "channel_limit", None)) is not None:
                found[f"channel:{name}"] = limit
            if (limit := getattr(channel, "address_limit", None)) is not None:
                found[name] = limit
        return found

    @property
    def plugins(self) -> list[PluginInfo]:
        return sorted(self.load()._plugins.values(), key=lambda info: info.name)

    @property
    def channel_infos(self) -> list[ChannelInfo]:
        return sorted(
            self.load()._channel_infos.values(), key=lambda info: (info.name, info.plugin)
        )

    @property
    def channels(self) -> dict[str, Channel]:
        """The enabled channels by name."""
        return dict(self.load()._channels)

    def channels_reaching(self, kind: str) -> list[Channel]:
        return [c for c in self.channels.values() if kind in c.reaches]

    @property
    def kind_names(self) -> frozenset[str]:
        """Every contact kind installed here: the built-in ones and those plugins declare."""
        return BUILT_IN_KINDS | frozenset(self.load()._kinds)

    def contact_kinds(self) -> ContactKinds:
        """The contact kinds the loaded plugins declare, for reading a roster."""
        return ContactKinds(self.load()._kinds.values())

    @property
    def kind_infos(self) -> list[KindInfo]:
        """The built-in kinds and the declared ones, by name, for `dispatcher plugins`."""
        declared = [
            KindInfo(k.name, k.plugin, k.description, k.example)
            for k in self.load()._kinds.values()
        ]
        return sorted([*BUILT_IN_KIND_INFOS, *declared], key=lambda info: info.name)

    def callout_event(self, event: CalloutEvent) -> None:
        """Log `event` (a notification's own outcome is logged where it is recorded), then
        tell every observer; one observer's exception does not stop the rest."""
        if event.kind not in LOGGED_WHERE_RECORDED:
            log.info("%s", describe_event(event))
        for name, info in self.load()._plugins.items():
            if "dispatcher_callout_event" not in info.hooks or info.status != "loaded":
                continue
            try:
                self._only("dispatcher_callout_event", name)(event=event)
            except Exception:
                log.exception("plugin %s: dispatcher_callout_event failed", name)

    async def aclose(self) -> None:
        """Close every channel's connections."""
        for channel in self._channels.values():
            try:
                await channel.close()
            except Exception:
                log.exception("channel %s: close failed", channel.name)
