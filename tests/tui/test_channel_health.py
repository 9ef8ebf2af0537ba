"""Channel health always appears: "checking…" until the checks end, each check under a time
bound, a channel that never answers shown as such."""

from __future__ import annotations

import asyncio
import threading

from textual.widgets import Static

from dispatcher.plugins.contract import Health
from dispatcher.plugins.manager import ChannelInfo
from dispatcher.tui.data import status


class Channel:
    def __init__(self, answer: Health | None, gate: threading.Event | None = None) -> None:
        self.answer, self.gate = answer, gate

    async def check(self) -> Health:
        if self.gate is not None:
            assert await asyncio.to_thread(self.gate.wait, 60), "the test never opened the gate"
        if self.answer is None:
            await asyncio.Event().wait()  # never answers
        return self.answer


def fake_plugins(channels: dict[str, Channel]):
    class Plugins:
        def __init__(self, **_):
            self.channels = channels
            self.channel_infos = [ChannelInfo(name, "test", True) for name in channels] + [
                ChannelInfo("sms", "test", False, "TWILIO_ACCOUNT_SID is not set")
            ]
            self.plugins = []  # every plugin loaded

        async def aclose(self):
            pass

    return Plugins


def test_a_check_that_never_answers_is_bounded_and_the_others_are_not_held_up(monkeypatch, store):
    monkeypatch.setattr(
        status,
        "PluginManager",
        fake_plugins({"desk": Channel(Health(True, "ok")), "voice": Channel(None)}),
    )
    heard = []
    found = status.channel_health(store, timeout=1.0, progress=heard.append)
    assert [(h.name, h.ok) for h in found] == [("desk", True), ("voice", False), ("sms", False)]
    assert found[1].detail == "no answer within 1 s"
    assert [(h.name, h.ok) for h in heard[0]] == [("desk", None), ("voice", None), ("sms", False)]
    assert heard[1][0].ok is True and heard[1][1].ok is None  # desk heard of before voice


async def test_the_header_says_checking_until_the_checks_end(monkeypatch, make_app, settle):
    gate = threading.Event()
    monkeypatch.setattr(
        status, "PluginManager", fake_plugins({"desk": Channel(Health(True, "ok"), gate)})
    )
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        header = app.screen.query_one("#header-status", Static)
        assert "channels: checking…" in str(header.render()) or "desk…" in str(header.render())
        gate.set()
        await settle(pilot)
        assert "desk✓" in str(header.render()) and "sms✗" in str(header.render())


async def test_checks_that_say_nothing_in_time_show_as_not_answering(monkeypatch, make_app, settle):
    monkeypatch.setattr(status, "CHECK_SECONDS", 0.1)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.status = status.DeskStatus()  # as if the checks had never reported
        app.health_overdue()
        header = str(app.screen.query_one("#header-status", Static).render())
        assert "channels  channels✗" in header.replace(":", "")
