"""The engine's settings from the environment: the SMS rate and each channel's send bound."""

from __future__ import annotations

import pytest


def test_send_bounds_come_from_the_environment_per_channel():
    from dispatcher.engine.settings import EngineSettings
    from dispatcher.errors import DispatcherError

    settings = EngineSettings.from_environ(
        {"DISPATCHER_SEND_TIMEOUT": "30", "DISPATCHER_SEND_TIMEOUT_EMAIL": "5"}
    )
    assert (settings.send_timeout, dict(settings.send_timeouts)) == (30.0, {"email": 5.0})
    assert EngineSettings.from_environ({}).send_timeout == 20.0
    with pytest.raises(DispatcherError, match="DISPATCHER_SEND_TIMEOUT_SMS must be a number"):
        EngineSettings.from_environ({"DISPATCHER_SEND_TIMEOUT_SMS": "soon"})


def test_sends_at_once_per_channel_come_from_the_environment():
    from dispatcher.engine.settings import EngineSettings
    from dispatcher.errors import DispatcherError

    assert EngineSettings.from_environ({}).max_concurrent_sends == 8
    settings = EngineSettings.from_environ({"DISPATCHER_SENDS_AT_ONCE": "8"})
    assert settings.max_concurrent_sends == 8
    with pytest.raises(DispatcherError, match="DISPATCHER_SENDS_AT_ONCE must be a whole number"):
        EngineSettings.from_environ({"DISPATCHER_SENDS_AT_ONCE": "0"})


async def test_sends_beyond_the_channels_slots_go_in_the_order_they_were_started():
    """With one slot, a channel is handed the notifications in the order the engine started
    them (first pages of every request first), never out of turn."""
    import asyncio

    from dispatcher.engine.sending import Sender
    from dispatcher.plugins.contract import Receipt
    from dispatcher.testing import sample_notification

    handed: list[str] = []
    under_way = [0, 0]  # now, at most

    class Slow:
        name = "slow"

        async def send(self, notification):
            handed.append(notification.contact.address)
            under_way[0] += 1
            under_way[1] = max(under_way)
            await asyncio.sleep(0.01)
            under_way[0] -= 1
            return Receipt.accepted("slow", provider_id=notification.contact.address)

    sender = Sender({"slow": Slow()}, inline={"slow"}, concurrency=1)
    addresses = [f"+1555000{n:04d}" for n in range(6)]
    await asyncio.gather(*(sender.send("slow", sample_notification(a)) for a in addresses))
    assert handed == addresses and under_way[1] == 1
