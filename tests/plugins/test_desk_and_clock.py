"""The built-in desk channel and the controllable clock."""

import asyncio

import pytest

from dispatcher.domain.roster import ContactKind
from dispatcher.plugins import DeliveryStatus, PluginManager
from dispatcher.plugins.desk import DESK_OUTBOX_TABLE
from dispatcher.store import Store
from dispatcher.testing.builders import sample_notification
from dispatcher.testing.clock import ControllableClock


async def test_the_desk_channel_records_the_notification_in_the_store(tmp_path):
    with Store(tmp_path) as store:
        desk = PluginManager(environ={}, store=store).channels["desk"]
        receipt = await desk.send(sample_notification(drill=True))

        (record,) = store.live.table(DESK_OUTBOX_TABLE).all()
    assert receipt.ok and receipt.status is DeliveryStatus.DELIVERED
    assert desk.reaches == frozenset(ContactKind)
    assert (record["person_id"], record["ack_code"], record["drill"]) == ("li.wei", "4821", True)


def test_without_a_store_the_desk_channel_says_why_it_is_off():
    (info,) = [c for c in PluginManager(environ={}).channel_infos if c.name == "desk"]

    assert (info.enabled, info.reason) == (False, "needs an open data directory")


async def test_sleepers_wake_when_the_clock_passes_their_deadline():
    clock = ControllableClock()
    woken = []

    async def sleeper(seconds):
        await clock.sleep(seconds)
        woken.append(seconds)

    tasks = [asyncio.create_task(sleeper(s)) for s in (30, 10)]
    await asyncio.sleep(0)
    clock.advance(15)
    await asyncio.sleep(0)
    assert woken == [10] and clock.sleepers == 1
    clock.advance(15)
    await asyncio.gather(*tasks)
    assert woken == [10, 30]


def test_the_clock_does_not_go_backwards():
    with pytest.raises(ValueError):
        ControllableClock().advance(-1)
