"""Plugins installed for one test beside the real ones, and a corpus of broken plugins."""

import pytest

from dispatcher.domain.request_parts import Category, Customer, Severity, VipKind
from dispatcher.domain.requests import ServiceRequest
from dispatcher.plugins import ChannelBase, ContactKind, ContactKindSpec, Receipt, hookimpl


class FakeEntryPoint:
    """Stands in for an installed entry point whose module is `plugin` (or fails with it)."""

    def __init__(self, name, plugin):
        self.name, self.value, self.dist, self._plugin = name, f"{name}_plugin", None, plugin

    def load(self):
        if isinstance(self._plugin, Exception):
            raise self._plugin
        return self._plugin


class Installed(list):
    def add(self, name, plugin):
        """Install `plugin` (an object with hooks, or the exception importing it raises)."""
        self.append(FakeEntryPoint(name, plugin))


@pytest.fixture
def installed(monkeypatch):
    """`installed.add(name, plugin)`: a plugin that loads after the installed ones."""
    from dispatcher.plugins import manager as manager_module

    extra = Installed()
    real = manager_module.entry_points
    monkeypatch.setattr(manager_module, "entry_points", lambda group: [*real(group=group), *extra])
    return extra


class GoodChannel(ChannelBase):
    name = "pager"
    reaches = frozenset({ContactKind.MOBILE})

    async def send(self, notification):
        return Receipt.accepted(self.name, "p-1")


def registering(channel):
    class Plugin:
        @hookimpl
        def dispatcher_channels(self, register, settings):
            register(channel)

    return Plugin()


class Misspelt:
    @hookimpl
    def dispatcher_chanels(self, register, settings):
        register(GoodChannel())


class ExtraArgument:
    @hookimpl
    def dispatcher_channels(self, register, settings, clock):
        register(GoodChannel())


class StringKinds(GoodChannel):
    name = "strings"
    reaches = "mobile"  # one string, not a set of kinds


class UndeclaredKind(GoodChannel):
    name = "wecom"
    reaches = frozenset({"wecom"})  # a kind no plugin declares


def declaring(*kinds):
    class Plugin:
        @hookimpl
        def dispatcher_contact_kinds(self, register):
            for kind in kinds:
                register(kind)

    return Plugin()


def _refuses_everything(address):
    raise ValueError("no address is good enough")


class NoSend:  # not derived from ChannelBase, and send() forgotten
    name = "nosend"
    reaches = frozenset({ContactKind.MOBILE})

    async def poll(self): ...

    async def check(self): ...

    async def close(self): ...


class SyncSend(GoodChannel):
    name = "syncsend"

    def send(self, notification):
        return Receipt.accepted(self.name, "s-1")


class EmptyName(GoodChannel):
    name = ""


class Returning:
    @hookimpl
    def dispatcher_channels(self, register, settings):
        return [GoodChannel()]


class Unmarked:
    def dispatcher_channels(self, register, settings):
        register(GoodChannel())


class Raising:
    @hookimpl
    def dispatcher_channels(self, register, settings):
        raise RuntimeError("chat SDK not configured")


# name -> (plugin, the reason `dispatcher plugins` gives for disabling it)
BROKEN = {
    "misspelt": (
        Misspelt(),
        "unknown hook 'dispatcher_chanels' (did you mean dispatcher_channels?)",
    ),
    "extra_argument": (
        ExtraArgument(),
        "hook dispatcher_channels asks for 'clock', which the hook does not give"
        " (it gives register, settings)",
    ),
    "string_kinds": (
        registering(StringKinds()),
        "channel 'strings': reaches must be a non-empty frozenset of contact kinds, not 'mobile'",
    ),
    "undeclared_kind": (
        registering(UndeclaredKind()),
        "channel 'wecom': reaches kind 'wecom', which no installed plugin declares"
        " (declare it with dispatcher_contact_kinds)",
    ),
    "built_in_kind": (
        declaring(ContactKindSpec("mobile", str, example="+8613800138000")),
        "kind 'mobile' is built in: reach it (reaches = {'mobile'}) without declaring it",
    ),
    "bad_validator": (
        declaring(ContactKindSpec("pager", _refuses_everything, example="4711")),
        "kind 'pager': validate refuses its own example '4711' (no address is good enough)",
    ),
    "not_a_kind": (
        declaring("ntfy"),
        "dispatcher_contact_kinds registered a str, not a ContactKindSpec",
    ),
    "no_send": (
        registering(NoSend()),
        "channel 'nosend': has no send() method (derive it from ChannelBase)",
    ),
    "sync_send": (
        registering(SyncSend()),
        "channel 'syncsend': send() must be async (async def send(...))",
    ),
    "empty_name": (
        registering(EmptyName()),
        "EmptyName: name must be a non-empty lower-case word (letters, digits, _ . -), not ''",
    ),
    "returning": (
        Returning(),
        "dispatcher_channels returned a list instead of calling register(channel)",
    ),
    "unmarked": (
        Unmarked(),
        "implements no dispatcher hook (mark its functions with dispatcher.plugins.hookimpl)",
    ),
    "cannot_import": (
        ImportError("No module named 'chat_sdk'"),
        "cannot import: ImportError: No module named 'chat_sdk'",
    ),
    "raising": (Raising(), "dispatcher_channels failed: RuntimeError: chat SDK not configured"),
}


@pytest.fixture
def broken(installed):
    """Every plugin of the corpus installed, then one that works (channel `pager`)."""
    for name, (plugin, _) in BROKEN.items():
        installed.add(name, plugin)
    installed.add("working", registering(GoodChannel()))
    return {name: reason for name, (_, reason) in BROKEN.items()}


@pytest.fixture
def outage():
    """A builder of a bank's billing outage in Shanghai: an emergency (criteria 7 and 9) that
    tests/engine/night.yaml routes to its emergency chain."""

    def build(sr_id, received) -> ServiceRequest:
        return ServiceRequest(
            sr_id,
            received,
            Category.FAULT_SUPPORT,
            "Billing records lost",
            severity=Severity.CRITICAL,
            customer=Customer("Bank of Example", VipKind.BANK),
            site="Shanghai",
            product="ocs-9000",
            criteria=("7", "9"),
        )

    return build
