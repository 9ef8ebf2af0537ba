"""A plugin's mistake is contained: a channel whose `send` returns the wrong type, raises or
blocks its loop is recorded as a failure naming the channel and the fault, the others deliver
on time, and several faults in a row show the channel unhealthy on the desk."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.outbox import DeliveryState
from dispatcher.domain.roster import ContactKind
from dispatcher.engine.runtime import Engine, EngineSettings
from dispatcher.engine.sending import UNHEALTHY_AFTER, Sender
from dispatcher.plugins import ChannelBase, PluginManager, Receipt, hookimpl
from dispatcher.store.channel_health import channel_faults
from dispatcher.testing.builders import sample_notification
from dispatcher.tui.data.status import channel_health

from .conftest import NIGHT_ROSTER, billing_outage
from .test_chase import FAULT


class Liar(ChannelBase):
    name = "liar"
    reaches = frozenset({ContactKind.MOBILE})

    async def send(self, notification):
        return True


class Raiser(ChannelBase):
    name = "raiser"
    reaches = frozenset({ContactKind.MOBILE})

    async def send(self, notification):
        raise RuntimeError("boom")


class Sleeper(ChannelBase):
    name = "sleeper"
    reaches = frozenset({ContactKind.MOBILE})

    async def send(self, notification):
        time.sleep(5)  # blocks whatever loop runs it


class _Plugin:
    def __init__(self, *channels):
        self.channels = channels

    @hookimpl
    def dispatcher_channels(self, register, settings):
        for channel in self.channels:
            register(channel)


class _EntryPoint:
    def __init__(self, name, plugin):
        self.name, self.value, self.dist, self._plugin = name, f"{name}_plugin", None, plugin

    def load(self):
        return self._plugin


@pytest.fixture
def install(monkeypatch):
    """Install plugin objects as if through entry points, for the test."""
    from dispatcher.plugins import manager as manager_module

    extra = []
    real = manager_module.entry_points
    monkeypatch.setattr(manager_module, "entry_points", lambda group: [*real(group=group), *extra])
    return lambda name, *channels: extra.append(_EntryPoint(name, _Plugin(*channels)))


async def test_broken_channels_are_named_and_the_others_deliver_on_time(
    night, night_environ, install
):
    install("broken", Liar(), Raiser(), Sleeper())
    plugins = PluginManager(environ=night_environ, store=night.store).load()
    engine = Engine(
        night.store,
        night.control.roster,
        plugins,
        night.clock,
        settings=EngineSettings(send_timeouts={"sleeper": 1.0}),
    )
    now = night.clock.now()
    sr, _ = night.control.register(
        now,
        lambda sr_id: billing_outage(sr_id, now, **FAULT),
        now,
        "wang.fang",
        "phone",
        chain="broken-plugins",
    )
    # The sleeper blocks 5 s: a pass or a text that waited on it would take that long; 4 s
    # leaves room for a loaded machine and still tells the two apart.
    began = time.monotonic()
    await engine.tick()
    assert time.monotonic() - began < 4.0
    while not night.sms_to("+12125550101"):
        assert time.monotonic() - began < 4.0, "the text waited on a broken channel"
        await engine.settle(timeout=0.02)
    await engine.settle()
    by_channel = {r.channel: r for r in night.outbox(sr.id)}
    assert by_channel["sms"].state is DeliveryState.SENT
    liar, raiser, sleeper = (by_channel[n] for n in ("liar", "raiser", "sleeper"))
    assert liar.state is DeliveryState.FAILED and liar.failure == "permanent"
    assert liar.detail == "channel liar: send returned bool, not a Receipt"
    assert raiser.state is DeliveryState.FAILED
    assert raiser.detail == "channel raiser: send raised RuntimeError: boom"
    assert sleeper.state is DeliveryState.QUEUED and sleeper.failure == "transient"
    assert sleeper.detail == "channel sleeper: send timed out after 1 s"
    # The permanent faults moved to Chen's next ways at once: a call, then a mail.
    assert {"voice", "email"} <= set(by_channel)
    failed = [e.text for e in night.control.requests.timeline(sr.id) if e.kind == "page_failed"]
    assert any("liar" in text and "not a Receipt" in text for text in failed)
    assert channel_faults(night.store)["raiser"].in_a_row == 1

    # Two more faults in a row: the desk shows the channel unhealthy, and why.
    for _ in range(UNHEALTHY_AFTER - 1):
        night.control.repage(sr.id, night.clock.now(), "wang.fang")
        await night.clock.advance(timedelta(minutes=1))
        await engine.run_once()
    assert channel_faults(night.store)["raiser"].unhealthy
    health = {h.name: h for h in await asyncio.to_thread(channel_health, night.store)}
    assert not health["raiser"].ok and "3 faults in a row" in health["raiser"].detail
    assert "RuntimeError: boom" in health["raiser"].detail
    assert health["desk"].ok
    await engine.aclose()


async def test_one_good_send_makes_a_channel_healthy_again():
    calls = []

    class Flaky(ChannelBase):
        name = "flaky"
        reaches = frozenset({ContactKind.MOBILE})

        async def send(self, notification):
            calls.append(notification)
            if len(calls) <= UNHEALTHY_AFTER:
                raise RuntimeError("boom")
            return Receipt.accepted(self.name, "ok-1")

    seen = []
    sender = Sender({"flaky": Flaky()}, on_health=lambda count: seen.append(count.healthy))
    for _ in range(UNHEALTHY_AFTER):
        receipt = await sender.send("flaky", sample_notification())
        assert not receipt.ok and receipt.error_code == "fault"
    assert not sender.faults["flaky"].healthy
    assert (await sender.send("flaky", sample_notification())).ok
    assert sender.faults["flaky"].healthy
    await sender.aclose()
    assert seen == [True] * (UNHEALTHY_AFTER - 1) + [False, True]


def test_notify_test_reports_every_channel_even_when_one_raises(tmp_path, install, night_environ):
    install("broken", Liar(), Raiser())
    env = {**night_environ, "DISPATCHER_WEBHOOK_URL": ""}
    result = CliRunner().invoke(
        cli,
        ["notify", "test", "chen.case", "--roster", str(NIGHT_ROSTER), "--data", str(tmp_path)],
        env=env,
    )
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(" raiser " in line and "send raised RuntimeError: boom" in line for line in lines)
    assert any(" liar " in line and "not a Receipt" in line for line in lines)
    assert any(" sms " in line and "queued" in line for line in lines)
    assert any(" email " in line and "sent" in line for line in lines)
