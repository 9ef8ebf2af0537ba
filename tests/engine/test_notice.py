"""How soon a sleeping engine notices what another process or thread asked of it.

Through the whole runtime (the engine running, the loopback peers) on a manual clock that
stands still: whatever the engine does here, it does because it noticed the store change,
not because a timer fell due.
"""

from __future__ import annotations

import asyncio

from dispatcher.domain.outbox import DeliveryState
from dispatcher.engine.control import CalloutControl
from dispatcher.store import Store
from dispatcher.testing.waiting import wait_for_async

from .conftest import billing_outage


def sent(night, sr_id: str):
    """A condition: a page of the request has been handed to a provider."""
    return lambda: any(r.state is DeliveryState.SENT for r in night.outbox(sr_id))


async def asleep(night, engine_task: asyncio.Task) -> None:
    """Once the engine is asleep after paging a first emergency."""
    first = night.register()
    await wait_for_async(sent(night, first.id), what="the first emergency paged", timeout=10)
    assert not engine_task.done()


async def test_an_emergency_registered_by_another_process_is_paged_while_the_clock_stands_still(
    night,
):
    stop = asyncio.Event()
    running = asyncio.create_task(night.engine.run(stop))
    other = Store(night.store.data_dir)  # a command's or a second desk's view of the data
    now = night.clock.now()
    try:
        await asleep(night, running)
        control = CalloutControl(other, night.control.roster)
        sr, _ = control.register(
            now, lambda sr_id: billing_outage(sr_id, now), now, "wang.fang", "phone"
        )
        await wait_for_async(sent(night, sr.id), what=f"a page of {sr.id} sent", timeout=10)
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
        other.close()
    assert night.clock.now() == now  # no timer fell due: the engine noticed the change


async def test_a_request_registered_in_the_engines_own_process_is_paged_at_once(night):
    """A desk running the engine in a thread of its own registers through the same store."""
    stop = asyncio.Event()
    running = asyncio.create_task(night.engine.run(stop))
    now = night.clock.now()
    try:
        await asleep(night, running)
        sr = await asyncio.to_thread(night.register)  # the desk's thread
        await wait_for_async(sent(night, sr.id), what=f"a page of {sr.id} sent", timeout=10)
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
    assert night.clock.now() == now
