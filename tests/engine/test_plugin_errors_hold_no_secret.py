"""A plugin that fails with a secret in its exception's text (a bug, or a library quoting its
credentials) does not get that secret stored, logged or shown (promise 6): the engine and the
plugin manager redact every secret setting from what they keep of it."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.outbox import DeliveryState
from dispatcher.domain.roster import ContactKind
from dispatcher.engine.control import CalloutControl
from dispatcher.engine.runtime import Engine, EngineSettings
from dispatcher.plugins import ChannelBase, Failure, PollResult, Receipt, StatusUpdate
from dispatcher.plugins.contract import DeliveryStatus
from dispatcher.plugins.manager import PluginManager
from dispatcher.roster import load_roster
from dispatcher.store.replies import REPLIES
from dispatcher.testing.waiting import wait_for_async

from .conftest import NIGHT_ROSTER, billing_outage
from .test_chase import FAULT
from .test_plugin_faults import install  # noqa: F401 (a fixture)


async def test_a_send_that_raises_with_a_secret_stores_and_logs_it_redacted(
    night, night_environ, caplog
):
    secret = night_environ["TWILIO_AUTH_TOKEN"]
    sms = night.engine.channels["sms"]

    async def leaky_send(notification):
        raise RuntimeError(f"login refused for AC1:{secret} at the proxy")

    sms.send = leaky_send
    sr = night.register()
    with caplog.at_level(logging.DEBUG):
        await night.engine.tick()
        await night.pass_()

    failed = [r for r in night.outbox(sr.id) if r.channel == "sms" and r.detail]
    assert failed and all("login refused" in r.detail for r in failed)
    stored = [str(r.to_dict()) for r in night.outbox(sr.id)]
    stored += [str(e.to_dict()) for e in night.control.requests.timeline(sr.id)]
    stored += [str(d) for d in night.store.live.table(REPLIES).all()]
    assert not [s for s in stored if secret in s]
    logged = "\n".join(caplog.text.splitlines())
    assert "login refused" in logged and secret not in logged


def test_a_plugin_that_fails_to_start_with_a_secret_shows_it_redacted(monkeypatch):
    secret = "hunter2-SECRET-9f8e"
    manager = PluginManager(environ={"DISPATCHER_CHAT_TOKEN": secret})

    class Leaky:  # fails whole: the reason quotes the token
        from dispatcher.plugins import hookimpl

        @hookimpl
        def dispatcher_channels(self, register, settings):
            raise ValueError(f"cannot log in with {settings.get('DISPATCHER_CHAT_TOKEN')}")

    class Refused:  # disables its channel with a reason that quotes the token
        from dispatcher.plugins import hookimpl

        @hookimpl
        def dispatcher_channels(self, register, settings):
            register.disabled("chat", f"token {secret} refused")

    manager.load()
    for name, plugin in (("leaky", Leaky()), ("refused", Refused())):
        manager._register(name, plugin, name, "1")
        manager._collect_channels(name)
    shown = [str(info) for info in manager.plugins] + [str(i) for i in manager.channel_infos]
    assert any("cannot log in" in s for s in shown) and any("refused" in s for s in shown)
    assert not [s for s in shown if secret in s]


LEAKY_CHAIN = """
  - id: leaky
    name: A third party's channel that quotes its credentials
    steps:
      - targets: [{person: chen.case}, {person: he.pl}]
        channels: [leaky]
        wait_minutes: 10
"""


class Leaky(ChannelBase):
    """Refuses Chen's page, and later reports He Lin's failed, each time quoting secrets."""

    name = "leaky"
    reaches = frozenset({ContactKind.MOBILE})

    def __init__(self, twilio_token: str, token: str) -> None:
        self.said = f"https://acct:{twilio_token}@gw.example/send token={token}"
        self.token = token
        self.accepted: list[str] = []

    async def send(self, notification):
        if notification.recipient.id == "chen.case":
            return Receipt.failed(
                self.name, Failure.PERMANENT, self.said, error_code=f"E-{self.token}"
            )
        self.accepted.append(f"m-{len(self.accepted)}")
        return Receipt.accepted(self.name, self.accepted[-1], DeliveryStatus.SENT)

    async def poll(self):
        sent, self.accepted = self.accepted, []
        return PollResult(
            updates=tuple(
                StatusUpdate(
                    self.name, sid, DeliveryStatus.FAILED, error_code=self.token, detail=self.said
                )
                for sid in sent
            )
        )


async def test_what_a_channel_returns_is_stored_and_shown_redacted(
    night,
    night_environ,
    install,  # noqa: F811
    tmp_path,
):
    token = "tok-9f8e7d6c5b4a"
    twilio_token = night_environ["TWILIO_AUTH_TOKEN"]
    install("leaky", Leaky(twilio_token, token))
    roster_file = tmp_path / "night.yaml"
    roster_file.write_text(NIGHT_ROSTER.read_text() + LEAKY_CHAIN)
    roster = load_roster(roster_file)
    environ = {**night_environ, "DISPATCHER_LEAKY_TOKEN": token}
    plugins = PluginManager(environ=environ, store=night.store).load()
    assert "leaky" in plugins.channels
    engine = Engine(night.store, roster, plugins, night.clock, settings=EngineSettings())
    control = CalloutControl(night.store, roster)
    now = night.clock.now()
    sr, _ = control.register(
        now, lambda i: billing_outage(i, now, **FAULT), now, "wang.fang", "phone", chain="leaky"
    )
    await engine.run_once()
    await night.clock.advance(timedelta(seconds=5))
    await engine.run_once()  # polls: He Lin's page reported failed

    leaky = [r for r in night.outbox(sr.id) if r.channel == "leaky"]
    assert sorted((r.person, r.state) for r in leaky) == [
        ("chen.case", DeliveryState.FAILED),
        ("he.pl", DeliveryState.FAILED),
    ]
    assert all("token=***" in r.detail and "acct:***@" in r.detail for r in leaky), leaky
    assert {r.error_code for r in leaky} == {"E-***", "***"}
    data = ["--data", str(night.store.data_dir)]
    shown = [
        CliRunner().invoke(cli, args).output
        for args in (
            ["outbox", *data],
            ["sr", "show", sr.id, *data],
            ["chain", "show", sr.id, *data],
        )
    ]
    assert all("token=***" in out for out in shown), shown
    stored = [path.read_bytes() for path in night.store.data_dir.rglob("*") if path.is_file()]
    for secret in (token, twilio_token):
        assert not [out for out in shown if secret in out]
        assert not [b for b in stored if secret.encode() in b]
    await engine.aclose()


async def test_a_status_that_comes_before_its_pages_receipt_is_recorded_is_kept(
    night,
    night_environ,
    install,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    """A channel's poll may report a page failed before the engine has recorded that page's
    receipt (which holds the provider's id the status names): the status waits for it."""
    leaky = Leaky("unused-twilio-token", "tok-1234")
    install("leaky", leaky)
    roster_file = tmp_path / "night.yaml"
    roster_file.write_text(NIGHT_ROSTER.read_text() + LEAKY_CHAIN)
    roster = load_roster(roster_file)
    plugins = PluginManager(environ=night_environ, store=night.store).load()
    engine = Engine(night.store, roster, plugins, night.clock, settings=EngineSettings())
    release, holding = asyncio.Event(), asyncio.Event()
    record = engine.recorder.record

    async def held(changes, what):
        if what == "receipt":
            holding.set()
            await release.wait()  # the receipts wait while the poll runs
        await record(changes, what)

    monkeypatch.setattr(engine.recorder, "record", held)
    now = night.clock.now()
    sr, _ = CalloutControl(night.store, roster).register(
        now, lambda i: billing_outage(i, now, **FAULT), now, "wang.fang", "phone", chain="leaky"
    )
    engine._next_poll = now + timedelta(hours=1)  # the pass polls nobody: the test does
    await engine.tick()
    await wait_for_async(holding.is_set, what="a receipt being recorded, held there")
    await wait_for_async(lambda: leaky.accepted, what="He Lin's page answered")
    polled = asyncio.create_task(engine._poll("leaky"))
    await wait_for_async(lambda: not leaky.accepted, what="the poll taking its status")
    release.set()
    await polled
    await engine.settle()

    states = {r.person: r.state for r in night.outbox(sr.id) if r.channel == "leaky"}
    assert states == {"chen.case": DeliveryState.FAILED, "he.pl": DeliveryState.FAILED}
    await engine.aclose()
