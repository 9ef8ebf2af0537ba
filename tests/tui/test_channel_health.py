"""Channel health always appears: "checking…" until the checks end, each check under a time
bound, a channel that never answers shown as such."""

from __future__ import annotations

import asyncio
import threading

from textual.widgets import Static

from dispatcher.plugins.contract import Health
from dispatcher.plugins.manager import ChannelInfo
from dispatcher.testing.waiting import pilot_wait_for, wait_for_async
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


async def test_a_status_read_keeps_what_a_channel_check_found_while_it_ran(
    monkeypatch, make_app, settle
):
    """The status read and the channel check each change their own fields: a read that began
    while a channel was still being checked does not put "checking…" back once the check has
    answered (the header then said "no answer" of a channel that had answered, for good)."""
    import dispatcher.tui.app as desk_app

    gate, entered, release = threading.Event(), threading.Event(), threading.Event()
    monkeypatch.setattr(
        status, "PluginManager", fake_plugins({"desk": Channel(Health(True, "ok"), gate)})
    )
    on_shift = desk_app.on_shift

    def held_on_shift(*args):
        entered.set()
        release.wait(30)
        return on_shift(*args)

    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        # not `pilot_wait_for`: it lets workers finish between looks, and would wait out the
        # very check whose "checking…" this waits for
        await wait_for_async(
            lambda: app.status.channels and app.status.channels[0].ok is None,
            what="the desk channel being checked",
        )
        monkeypatch.setattr(desk_app, "on_shift", held_on_shift)
        app.read_status()
        await wait_for_async(entered.is_set, what="a status read under way")
        gate.set()  # the check answers while the status read runs
        await pilot_wait_for(
            pilot, lambda: app.status.channels[0].ok, what="the desk channel's answer shown"
        )
        release.set()
        await settle(pilot)

        assert app.status.channels[0] == status.ChannelHealth("desk", True, "ok")
        assert "desk✓" in str(app.screen.query_one("#header-status", Static).render())
