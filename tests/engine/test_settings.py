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


async def test_a_waiting_send_of_higher_priority_goes_before_those_that_came_earlier():
    """All slots taken: a request's first page (priority 0) is handed over before the ninth
    pages of requests queued before it, and a wait that times out hands its slot on."""
    import asyncio

    from dispatcher.engine.sending import Slots

    slots = Slots(1)
    await slots.acquire((0, 0))  # a send under way
    order: list[str] = []

    async def wait(name: str, priority: tuple[int, int]) -> None:
        await slots.acquire(priority)
        order.append(name)
        await asyncio.sleep(0)
        slots.release()

    late = [asyncio.create_task(wait(f"ninth-{n}", (0, 8))) for n in range(3)]
    await asyncio.sleep(0)
    gave_up = asyncio.create_task(asyncio.wait_for(slots.acquire((0, 0)), 0.001))
    await asyncio.wait({gave_up}, timeout=10)  # its wait timed out (on a loaded machine too)
    assert gave_up.done() and isinstance(gave_up.exception(), TimeoutError)
    first = asyncio.create_task(wait("first", (0, 0)))
    drill = asyncio.create_task(wait("drill", (1, 0)))
    await asyncio.sleep(0)
    slots.release()  # the send under way ends
    await asyncio.gather(*late, first, drill)
    assert order == ["first", "ninth-0", "ninth-1", "ninth-2", "drill"]
    assert slots.free == 1


async def test_a_first_page_takes_a_spare_slot_while_later_pages_hold_every_slot():
    """Every slot held by later pages: a request's first page starts at once on a spare slot;
    a spare slot that ends goes to the next first page, never to a later page or a drill's,
    which wait for an ordinary slot."""
    import asyncio

    from dispatcher.engine.sending import Slots

    slots = Slots(1, spare=1)
    assert await slots.acquire((0, 3)) is False  # a later page under way
    assert await asyncio.wait_for(slots.acquire((0, 0)), 10) is True  # at once, spare
    order: list[str] = []

    async def wait(name: str, priority: tuple[int, int]) -> None:
        spare = await slots.acquire(priority)
        order.append(f"{name}{' (spare)' if spare else ''}")
        slots.release(spare)

    waiting = [
        asyncio.create_task(wait(name, priority))
        for name, priority in (("ninth", (0, 8)), ("drill", (1, 0)), ("first", (0, 0)))
    ]
    await asyncio.sleep(0)
    assert order == []  # the spare is taken too
    slots.release(True)  # the first page under way ends: its spare slot to the next first
    await asyncio.sleep(0)
    assert order == ["first (spare)"]
    slots.release(False)  # the later page ends
    await asyncio.gather(*waiting)
    assert order == ["first (spare)", "ninth", "drill"]
    assert (slots.free, slots.spare) == (1, 1)


async def test_a_send_that_ends_hands_its_slot_on_while_the_engines_loop_is_busy():
    """A plugin channel's slots live on its worker: with one slot, the second send starts as
    soon as the first ends, even while the engine's loop is held by a long commit."""
    import asyncio
    import threading
    import time

    from dispatcher.engine.sending import Sender
    from dispatcher.plugins.contract import Receipt
    from dispatcher.testing import sample_notification
    from dispatcher.testing.waiting import wait_for_async

    started: dict[str, float] = {}
    first_under_way = threading.Event()

    class Quick:
        name = "quick"

        async def send(self, notification):
            started[notification.contact.address] = time.monotonic()
            first_under_way.set()
            await asyncio.sleep(0.01)
            return Receipt.accepted("quick", provider_id=notification.contact.address)

    sender = Sender({"quick": Quick()}, concurrency=1)  # a plugin: on a worker of its own
    try:
        sends = [
            asyncio.ensure_future(sender.send("quick", sample_notification(a)))
            for a in ("+15550000001", "+15550000002")
        ]
        await wait_for_async(first_under_way.is_set, what="the first send under way")
        time.sleep(0.5)  # the engine's loop held (a long commit), as the second waits its turn
        held_until = time.monotonic()
        receipts = await asyncio.gather(*sends)
    finally:
        await sender.aclose()
    assert all(r.ok for r in receipts)
    assert started["+15550000002"] < held_until - 0.3
