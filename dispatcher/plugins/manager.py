"""Loading plugins: entry points of the `dispatcher` group beside the built-in ones.

A small typed facade over pluggy. One broken plugin never takes the desk down: a plugin that
fails to import, or whose `dispatcher_channels` raises, is listed with the reason and left
out; a misspelt hook is an error that names the plugin and how to block it.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from importlib.metadata import entry_points
from typing import Any

import pluggy

from dispatcher import __version__
from dispatcher.domain.roster import ContactKind
from dispatcher.errors import DispatcherError
from dispatcher.plugins import hookspecs
from dispatcher.plugins.contract import CalloutEvent, Channel, Settings, one_line, redact
from dispatcher.plugins.desk import DeskPlugin

BLOCK_ENV = "DISPATCHER_BLOCK_PLUGINS"  # comma-separated plugin names not to load
TRACE_ENV = "DISPATCHER_TRACE_HOOKS"  # set to 1 to print every hook call on stderr
ENTRY_POINT_GROUP = hookspecs.PROJECT

log = logging.getLogger(__name__)


class PluginError(DispatcherError):
    """A plugin cannot be used as installed (for example a misspelt hook)."""


@dataclass(frozen=True)
class PluginInfo:
    name: str
    distribution: str
    version: str
    status: str  # "loaded", "blocked" or "failed"
    reason: str = ""
    hooks: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ChannelInfo:
    name: str
    plugin: str
    enabled: bool
    reason: str = ""
    reaches: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Registration:
    """The `register` object handed to one plugin's `dispatcher_channels`."""

    plugin: str
    manager: PluginManager
    seen: list[str] = field(default_factory=list)

    def __call__(self, channel: Channel) -> None:
        if not isinstance(channel, Channel):
            raise TypeError(f"{channel!r} is not a dispatcher Channel")
        self.manager._add_channel(self.plugin, channel)

    def disabled(self, name: str, reason: str) -> None:
        self.manager._add_disabled(self.plugin, name, reason)


REDACT_MIN = 4  # characters


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
        self._loaded = False

    def redact(self, text: str) -> str:
        """`text` (a plugin's reason, an exception's message) with every secret setting
        replaced (`Settings.secrets`): what a plugin says may quote its credentials. Values
        shorter than `REDACT_MIN` are left: replacing every "p" of a test password "p" would
        garble the text, and so short a value is no secret to hide."""
        return redact(text, [s for s in self.settings.secrets() if len(s) >= REDACT_MIN])

    @property
    def blocked(self) -> frozenset[str]:
        names = self.environ.get(BLOCK_ENV, "").replace(" ", ",").split(",")
        return frozenset(name for name in names if name)

    def load(self) -> PluginManager:
        """Register built-ins and entry points, check hooks, collect channels. Idempotent."""
        if self._loaded:
            return self
        self._loaded = True
        if self.environ.get(TRACE_ENV):
            secrets = self.settings.secrets()
            self._pm.trace.root.setwriter(lambda text: sys.stderr.write(redact(text, secrets)))
            self._pm.enable_tracing()
        for name in self.blocked:
            self._pm.set_blocked(name)
        self._register("desk", DeskPlugin(self._store), "dispatcher (built in)", __version__)
        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            self._load_entry_point(entry_point)
        try:
            self._pm.check_pending()
        except pluggy.PluginValidationError as error:
            name = self._pm.get_name(error.plugin) or "?"
            problem = str(error).split(" in plugin ")[0]
            raise PluginError(
                f"plugin {name!r}: {problem}; fix it or block it with {BLOCK_ENV}={name}"
            ) from None
        for name in list(self._plugins):
            if self._plugins[name].status == "loaded":
                self._collect_channels(name)
        return self

    def _load_entry_point(self, entry_point: Any) -> None:
        dist = entry_point.dist
        distribution = dist.name if dist else entry_point.value
        version = dist.version if dist else "?"
        if self._pm.is_blocked(entry_point.name):
            self._plugins[entry_point.name] = PluginInfo(
                entry_point.name, distribution, version, "blocked", f"blocked by {BLOCK_ENV}"
            )
            return
        if entry_point.name in self._plugins:
            return
        try:
            plugin = entry_point.load()
        except Exception as error:  # a third party's bug must not stop the desk
            reason = self.redact(one_line(f"cannot import: {type(error).__name__}: {error}"))
            log.warning("plugin %s: %s", entry_point.name, reason)
            self._plugins[entry_point.name] = PluginInfo(
                entry_point.name, distribution, version, "failed", reason
            )
            return
        self._register(entry_point.name, plugin, distribution, version)

    def _register(self, name: str, plugin: object, distribution: str, version: str) -> None:
        if self._pm.is_blocked(name):
            self._plugins[name] = PluginInfo(
                name, distribution, version, "blocked", f"blocked by {BLOCK_ENV}"
            )
            return
        self._pm.register(plugin, name=name)
        hooks = tuple(sorted(caller.name for caller in self._pm.get_hookcallers(plugin) or ()))
        self._plugins[name] = PluginInfo(name, distribution, version, "loaded", hooks=hooks)

    def _only(self, hook_name: str, plugin_name: str) -> Any:
        """A caller of one hook that reaches only one plugin, so its failure stays its own."""
        target = self._pm.get_plugin(plugin_name)
        others = [p for p in self._pm.get_plugins() if p is not target]
        return self._pm.subset_hook_caller(hook_name, remove_plugins=others)

    def _collect_channels(self, plugin_name: str) -> None:
        registration = _Registration(plugin_name, self)
        try:
            self._only("dispatcher_channels", plugin_name)(
                register=registration, settings=self.settings
            )
        except Exception as error:
            reason = self.redact(
                one_line(f"dispatcher_channels failed: {type(error).__name__}: {error}")
            )
            log.warning("plugin %s: %s", plugin_name, reason)
            info = self._plugins[plugin_name]
            self._plugins[plugin_name] = PluginInfo(
                info.name, info.distribution, info.version, "failed", reason, info.hooks
            )

    def _add_channel(self, plugin: str, channel: Channel) -> None:
        reaches = tuple(sorted(kind.value for kind in channel.reaches))
        if channel.name in self._channel_infos:
            owner = self._channel_infos[channel.name].plugin
            self._channel_infos[f"{channel.name}@{plugin}"] = ChannelInfo(
                channel.name, plugin, False, f"name already taken by plugin {owner!r}", reaches
            )
            return
        self._channels[channel.name] = channel
        self._channel_infos[channel.name] = ChannelInfo(channel.name, plugin, True, "", reaches)

    def _add_disabled(self, plugin: str, name: str, reason: str) -> None:
        if name not in self._channel_infos:
            self._channel_infos[name] = ChannelInfo(
                name, plugin, False, self.redact(one_line(reason))
            )

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

    def channels_reaching(self, kind: ContactKind) -> list[Channel]:
        return [c for c in self.channels.values() if kind in c.reaches]

    def callout_event(self, event: CalloutEvent) -> None:
        """Tell every observer about `event`; one observer's exception does not stop the rest."""
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
