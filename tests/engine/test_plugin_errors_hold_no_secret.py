"""A plugin that fails with a secret in its exception's text (a bug, or a library quoting its
credentials) does not get that secret stored, logged or shown (promise 6): the engine and the
plugin manager redact every secret setting from what they keep of it."""

from __future__ import annotations

import logging

from dispatcher.plugins.manager import PluginManager
from dispatcher.store.replies import REPLIES


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
