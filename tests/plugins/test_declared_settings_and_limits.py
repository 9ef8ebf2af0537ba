"""What channels declare: `dispatcher plugins` shows their settings (a secret only as set or
unset) and limits, and the engine keeps a channel to the limit it declares."""

import json
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine
from dispatcher.plugins import ChannelBase, ContactKind, Limit, PluginManager, Receipt, hookimpl
from dispatcher.roster import parse_roster
from dispatcher.store import Store

ROOT = Path(__file__).resolve().parents[2]
SECRET = "SEC" + "f00d" * 16


def test_plugins_shows_settings_with_secrets_only_as_set_and_the_limits(tmp_path):
    env = {
        "DINGTALK_WEBHOOK_URL": "https://oapi.dingtalk.com/robot/send?access_token=t0k3n",
        "DINGTALK_SECRET": SECRET,
        "DISPATCHER_WEBHOOK_URL": "",
    }
    result = CliRunner().invoke(cli, ["plugins", "--data", str(tmp_path)], env=env)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = lines.index("  dingtalk (plugin dingtalk): enabled, reaches mobile")
    assert lines[at + 1] == (
        "    settings: DINGTALK_WEBHOOK_URL (secret): set; DINGTALK_SECRET (secret): set;"
        " DINGTALK_MSGTYPE=text (default)"
    )
    assert lines[at + 2] == "    limits: 20 per 60 s per channel"
    assert SECRET not in result.output and "t0k3n" not in result.output

    listed = CliRunner().invoke(cli, ["plugins", "--json", "--data", str(tmp_path)], env=env)
    channel = next(c for c in json.loads(listed.output)["channels"] if c["name"] == "dingtalk")
    assert channel["settings"][1] == {
        "name": "DINGTALK_SECRET",
        "secret": True,
        "set": True,
        "value": None,
        "description": "the robot's signing secret (SEC…); unset for a robot secured by keywords or IP",
    }
    assert channel["limits"] == {"channel": "20 per 60 s"} and SECRET not in listed.output


class Pager(ChannelBase):
    name = "pager"
    reaches = frozenset({ContactKind.MOBILE})
    channel_limit = Limit(1, timedelta(minutes=1))

    def __init__(self):
        self.sent = []

    async def send(self, notification):
        self.sent.append(notification.recipient.id)
        return Receipt.accepted(self.name, f"p-{len(self.sent)}")


async def test_the_engine_keeps_a_channel_to_its_declared_limit(
    installed, outage, tmp_path, controllable_clock
):
    pager = Pager()

    class Plugin:
        @hookimpl
        def dispatcher_channels(self, register, settings):
            register(pager)

    installed.add("pager", Plugin())
    text = (ROOT / "tests" / "engine" / "night.yaml").read_text()
    roster = parse_roster(
        text.replace("channels: [voice, sms, email]", "channels: [pager]").encode()
    )
    clock = controllable_clock
    with Store(tmp_path / "data") as store:
        plugins = PluginManager(environ={}, store=store).load()
        assert plugins.limits() == {"channel:pager": Limit(1, timedelta(minutes=1))}
        control = CalloutControl(store, roster)
        now = clock.now()
        control.register(now, lambda i: outage(i, now), now, "wang.fang", "phone")
        engine = Engine(store, roster, plugins, clock)
        try:
            await engine.tick()
            await engine.settle()
            first = list(pager.sent)
            await clock.advance(timedelta(seconds=30))
            await engine.tick()
            await engine.settle()
            within_the_minute = list(pager.sent)
            await clock.advance(timedelta(seconds=31))
            await engine.tick()
            await engine.settle()
        finally:
            await engine.aclose()

    assert len(first) == 1 and within_the_minute == first  # held back, not dropped
    assert len(pager.sent) == 2
