"""Reading replies and delivery results loses nothing: a burst of texts between two polls
buries no acknowledgement, a Twilio error reading replies keeps the delivery results read
beside it, a poll cut short keeps what it found, and a channel whose poll hangs delays no
other channel's replies. The engine, the real sms channel, the loopback Twilio peer and a
manual clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from dispatcher_sms.channel import REPLY_PAGE_SIZE, REPLY_PAGES_PER_POLL

from dispatcher.domain.callout import RunState
from dispatcher.domain.outbox import DeliveryState
from dispatcher.domain.roster import ContactKind
from dispatcher.engine.runtime import Engine, EngineSettings
from dispatcher.plugins import ChannelBase, PluginManager, PollResult, Receipt, hookimpl
from dispatcher.testing.twilio_peer import API, TEST_ACCOUNT_SID

from .test_callout_end_to_end import CHEN, GAO

STRANGER = "+15559990000"
REPLY_LIST = f"GET {API.format(account=TEST_ACCOUNT_SID)}/Messages.json"


def code_for(night, sr_id: str, person: str) -> str:
    return next(r.ack_code for r in night.outbox(sr_id) if r.person == person)


def acknowledged(night, sr_id: str) -> bool:
    return night.control.callouts.get(sr_id).run.state is RunState.ACKNOWLEDGED


async def test_a_burst_of_texts_after_an_acknowledgement_does_not_bury_it(night):
    sr = night.register()
    await night.engine.run_once()
    night.peer.receive_sms(CHEN, f"ACK {code_for(night, sr.id, 'chen.case')}")
    for n in range(REPLY_PAGE_SIZE + 50):  # a stranger's 250 texts within two seconds
        night.peer.receive_sms(STRANGER, f"spam {n}")

    await night.pass_()

    run = night.control.callouts.get(sr.id).run
    assert run.state is RunState.ACKNOWLEDGED
    assert (run.acknowledged_by, run.acknowledged_via) == ("Chen Jie", "sms")


async def test_more_texts_than_one_poll_reads_are_read_by_the_next(night):
    sr = night.register()
    await night.engine.run_once()
    night.peer.receive_sms(CHEN, f"ACK {code_for(night, sr.id, 'chen.case')}")
    burst = REPLY_PAGE_SIZE * REPLY_PAGES_PER_POLL + 10
    for n in range(burst):
        night.peer.receive_sms(STRANGER, f"spam {n}")

    def lists() -> int:
        return sum(1 for r in night.peer.requests if f"{r[0]} {r[1]}" == REPLY_LIST)

    before = lists()
    await night.pass_()
    assert not acknowledged(night, sr.id)  # one poll reads its share, no more
    assert lists() - before == REPLY_PAGES_PER_POLL

    await night.pass_()  # and the next goes on where it stopped
    assert acknowledged(night, sr.id)


async def test_an_error_reading_replies_keeps_the_delivery_results(night):
    night.peer.script(GAO, "undelivered")
    sr = night.register()
    await night.engine.run_once()
    await night.peer.settle()  # the carrier gives up on Gao's text
    night.peer.fail_next(500, where=REPLY_LIST)  # and Twilio fails the list of replies

    await night.pass_()

    (text,) = [r for r in night.outbox(sr.id) if r.person == "gao.gm" and r.channel == "sms"]
    assert text.state is DeliveryState.FAILED and text.error_code == "30003"
    fallbacks = [
        e
        for e in night.control.requests.timeline(sr.id)
        if e.kind == "page_failed" and e.data.get("fallback")
    ]
    assert fallbacks and "gao.gm" in fallbacks[0].text


async def test_a_page_of_replies_that_fails_is_read_by_the_next_poll(night):
    sr = night.register()
    await night.engine.run_once()
    night.peer.receive_sms(CHEN, f"ACK {code_for(night, sr.id, 'chen.case')}")
    for n in range(REPLY_PAGE_SIZE + 5):
        night.peer.receive_sms(STRANGER, f"spam {n}")
    # The newest page is read; the page behind it, which holds the code, fails once.
    night.peer.fail_next(500, where="PageToken=")

    await night.pass_()
    assert not acknowledged(night, sr.id)

    await night.pass_()  # asked again from the page that failed, not skipped
    assert acknowledged(night, sr.id)


class Hanging(ChannelBase):
    """A plugin channel whose poll never answers (a provider that stopped talking)."""

    name = "hanging"
    reaches = frozenset({ContactKind.MOBILE})

    async def send(self, notification):
        return Receipt.accepted(self.name, "h-1")

    async def poll(self):
        await asyncio.Event().wait()
        return PollResult()


class _HangingPlugin:
    @hookimpl
    def dispatcher_channels(self, register, settings):
        register(Hanging())


async def test_a_hanging_poll_delays_no_other_channels_replies(night, night_environ, monkeypatch):
    from dispatcher.plugins import manager as manager_module

    class EntryPoint:
        name, value, dist = "hanging", "hanging_plugin", None

        def load(self):
            return _HangingPlugin()

    real = manager_module.entry_points
    monkeypatch.setattr(
        manager_module, "entry_points", lambda group: [*real(group=group), EntryPoint()]
    )
    plugins = PluginManager(environ=night_environ, store=night.store).load()
    assert "hanging" in plugins.channels
    engine = Engine(
        night.store,
        night.engine.roster,
        plugins,
        night.clock,
        settings=EngineSettings(send_timeout=60.0, limits=night.engine.settings.limits),
    )
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        sr = night.register()
        await engine.tick()  # the pages go out; the first polls start (and one hangs)
        while not night.sms_to(CHEN) and loop.time() < started + 30:
            await asyncio.sleep(0.05)
        night.peer.receive_sms(CHEN, f"ACK {code_for(night, sr.id, 'chen.case')}")
        while not acknowledged(night, sr.id) and loop.time() - started < 30:
            await night.clock.advance(timedelta(seconds=3))  # a poll is due again
            await engine.tick()  # while the hanging channel's first poll still waits
            await asyncio.sleep(0.1)
        assert acknowledged(night, sr.id)
        assert loop.time() - started < 10  # not held to the hanging channel's 60 s bound
    finally:
        for task in engine._polls.values():
            task.cancel()
        await engine.sender.aclose()
