"""The plugin manager: loading, blocking, isolating broken plugins, observers, the guide."""

import re
from datetime import UTC, datetime
from pathlib import Path

from dispatcher.plugins import (
    BLOCK_ENV,
    CalloutEvent,
    CalloutEventKind,
    PluginManager,
    hookimpl,
    hookspecs,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_channels_load_through_their_entry_points():
    names = {p.name: p for p in PluginManager(environ={}).load().plugins}

    assert {"desk", "sms", "voice", "email"} <= set(names)
    assert names["sms"].distribution == "dispatcher-sms" and names["sms"].status == "loaded"


def test_a_plugin_can_be_blocked_from_the_environment():
    manager = PluginManager(environ={BLOCK_ENV: "sms, voice"}).load()

    states = {p.name: (p.status, p.reason) for p in manager.plugins}
    assert states["sms"] == ("blocked", f"blocked by {BLOCK_ENV}")
    assert states["voice"][0] == "blocked"
    assert not {"sms", "voice"} & {c.name for c in manager.channel_infos}


def test_a_plugin_that_cannot_import_or_register_is_left_out(installed):
    class Exploding:
        @hookimpl
        def dispatcher_channels(self, register, settings):
            raise RuntimeError("boom")

    installed.add("broken", ImportError("no module named chat_sdk"))
    installed.add("exploding", Exploding())

    manager = PluginManager(environ={}).load()

    states = {p.name: (p.status, p.reason) for p in manager.plugins}
    assert states["broken"] == ("failed", "cannot import: ImportError: no module named chat_sdk")
    assert states["exploding"] == ("failed", "dispatcher_channels failed: RuntimeError: boom")
    assert states["sms"][0] == "loaded"


def test_a_misspelt_hook_disables_its_plugin_only(installed):
    class Misspelt:
        @hookimpl
        def dispatcher_chanels(self, register, settings):
            """A typo that would otherwise never run."""

    installed.add("typo", Misspelt())

    states = {p.name: (p.status, p.reason) for p in PluginManager(environ={}).load().plugins}

    assert states["typo"] == (
        "failed",
        "unknown hook 'dispatcher_chanels' (did you mean dispatcher_channels?)",
    )
    assert states["sms"][0] == "loaded"
    blocked = {p.name: p.status for p in PluginManager(environ={BLOCK_ENV: "typo"}).plugins}
    assert blocked["typo"] == "blocked"


def test_observers_see_events_and_one_failing_observer_does_not_stop_the_others(installed):
    seen = []

    class Failing:
        @hookimpl
        def dispatcher_callout_event(self, event):
            raise RuntimeError("ticket system down")

    class Recording:
        @hookimpl
        def dispatcher_callout_event(self, event):
            seen.append(event.kind)

    installed.add("a_failing", Failing())
    installed.add("z_recording", Recording())
    manager = PluginManager(environ={}).load()
    event = CalloutEvent(
        CalloutEventKind.ACKNOWLEDGED, "SR-1", datetime.now(UTC), person_id="li.wei"
    )

    manager.callout_event(event)

    assert seen == [CalloutEventKind.ACKNOWLEDGED]


def test_two_channels_with_one_name_keep_the_first(installed, twilio_settings):
    from dispatcher_sms import SmsChannel, TwilioConfig

    from dispatcher.plugins import Settings

    class Impostor:
        @hookimpl
        def dispatcher_channels(self, register, settings):
            register(SmsChannel(TwilioConfig.from_settings(Settings(twilio_settings))))

    installed.add("zz_impostor", Impostor())
    manager = PluginManager(environ=twilio_settings).load()

    infos = [(c.plugin, c.enabled) for c in manager.channel_infos if c.name == "sms"]
    assert infos == [("sms", True), ("zz_impostor", False)]


def test_every_hook_is_documented_in_the_guide():
    guide = (ROOT / "docs" / "PLUGINS.md").read_text(encoding="utf-8")
    hooks = [name for name in dir(hookspecs) if name.startswith("dispatcher_")]

    assert hooks
    for name in hooks:
        assert re.search(rf"^#+ .*`{name}", guide, re.MULTILINE), (
            f"{name} has no section in the guide"
        )
        assert getattr(hookspecs, name).__doc__.strip()
