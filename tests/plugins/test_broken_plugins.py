"""Broken third-party plugins, each disabled at load with the reason, while every other plugin,
the desk and the engine run (the corpus is in conftest.py)."""

import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine
from dispatcher.engine.thread import EngineThread
from dispatcher.plugins import ALLOW_ENV, PluginManager
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.testing.waiting import pilot_wait_for

ROOT = Path(__file__).resolve().parents[2]
NIGHT_ROSTER = ROOT / "tests" / "engine" / "night.yaml"
# The setting that turns each installed provider channel on: unset, none is checked over a
# network this machine does not have, whatever the shell running the tests has set.
PROVIDER_SWITCHES = (
    "TWILIO_ACCOUNT_SID",
    "SMTP_HOST",
    "DISPATCHER_WEBHOOK_URL",
    "DINGTALK_WEBHOOK_URL",
    "PUSH_SERVER_URL",
)
NO_PROVIDERS = dict.fromkeys(PROVIDER_SWITCHES, "")


def test_each_broken_plugin_is_disabled_with_the_reason_and_the_rest_load(broken):
    manager = PluginManager(environ={}).load()

    states = {p.name: (p.status, p.reason) for p in manager.plugins}
    for name, reason in broken.items():
        assert states[name] == ("failed", reason), name
    assert states["working"][0] == states["sms"][0] == states["desk"][0] == "loaded"
    assert set(manager.channels) == {"pager"}  # desk needs a store; sms has no credentials


def test_dispatcher_plugins_names_each_broken_plugin_and_why(broken, tmp_path):
    result = CliRunner().invoke(cli, ["plugins", "--data", str(tmp_path)], env=NO_PROVIDERS)

    assert result.exit_code == 0, result.output
    for name, reason in broken.items():
        assert f"{name} ? ({name}_plugin) [failed: {reason}]" in result.output
    assert "  pager (plugin working): enabled, reaches mobile" in result.output
    listed = CliRunner().invoke(
        cli, ["plugins", "--json", "--data", str(tmp_path)], env=NO_PROVIDERS
    )
    plugins = {p["name"]: p for p in json.loads(listed.output)["plugins"]}
    assert plugins["sync_send"]["reason"] == broken["sync_send"]


def test_an_allow_list_loads_only_the_plugins_it_names(broken):
    manager = PluginManager(environ={ALLOW_ENV: "working, sms"}).load()

    states = {p.name: (p.status, p.reason) for p in manager.plugins}
    assert states["misspelt"] == ("blocked", f"not in {ALLOW_ENV}")
    assert states["email"] == ("blocked", f"not in {ALLOW_ENV}")
    assert states["working"][0] == states["sms"][0] == states["desk"][0] == "loaded"


async def test_the_engine_keeps_paging_through_the_working_channels(
    broken, outage, tmp_path, twilio_settings, twilio_peer, controllable_clock
):
    roster = load_roster(NIGHT_ROSTER)
    with Store(tmp_path / "data") as store:
        plugins = PluginManager(environ=twilio_settings, store=store).load()
        control = CalloutControl(store, roster)
        now = controllable_clock.now()
        sr, _ = control.register(now, lambda i: outage(i, now), now, "wang.fang", "phone")
        engine = Engine(store, roster, plugins, controllable_clock)
        try:
            await engine.tick()
            await engine.settle()
            await controllable_clock.advance(timedelta(seconds=3))
            await engine.tick()
            await engine.settle()
        finally:
            await engine.aclose()
        sent = [r for r in control.outbox.for_sr(sr.id) if r.state.value in ("sent", "delivered")]

    assert {r.channel for r in sent} >= {"sms", "voice"}
    assert any(m["direction"] == "outbound-api" for m in twilio_peer.messages.values())


async def test_the_desk_opens_beside_the_broken_plugins(broken, tmp_path, monkeypatch):
    from dispatcher.tui.app import DeskApp
    from dispatcher.tui.context import DeskContext
    from dispatcher.tui.screens.board import BoardScreen

    for name in (*PROVIDER_SWITCHES, "DISPATCHER_BLOCK_PLUGINS"):  # every installed plugin loads
        monkeypatch.delenv(name, raising=False)
    roster = load_roster(ROOT / "contacts.yaml")
    with Store(tmp_path / "data") as store:
        context = DeskContext(store, roster, "night-desk")
        engine = EngineThread(store, roster, PluginManager(store=store), role="desk")
        app = DeskApp(context, "en", engine)
        try:
            async with app.run_test(size=(160, 45)) as pilot:
                await pilot_wait_for(  # the channel check runs in a worker
                    pilot,
                    lambda: (
                        engine.running
                        and app.status.channels
                        and all(c.ok is not None for c in app.status.channels)
                        and not any(
                            c.detail.startswith("no answer within") for c in app.status.channels
                        )
                    ),  # not "checking…", nor past its bound on a busy machine (it answers later)
                    timeout=60,
                    what="the engine running and every channel checked",
                    describe=lambda: (
                        f"engine running: {engine.running}, lease held by: {engine.holder()}, "
                        f"channels: {app.status.channels}"
                    ),
                )
                assert isinstance(app.screen, BoardScreen)
                channels = {c.name: c for c in app.status.channels}
                assert "pager" in channels and "desk" in channels, channels
                assert channels["pager"].ok
                assert engine.running
        finally:
            engine.stop()
    assert app.return_code in (None, 0)
