"""A burst of emergencies through the whole runtime (engine, real channels, loopback peers,
manual clock): pages are marked as being sent a chunk at a time, requests' first pages
first, and every page still goes."""

from __future__ import annotations

import asyncio

from dispatcher.domain.outbox import DeliveryState
from dispatcher.engine import runtime


async def test_pages_are_claimed_a_chunk_at_a_time_first_pages_first_and_all_go(night, monkeypatch):
    batches: list[list[int]] = []
    outbox = night.engine.control.outbox
    claim = outbox.sending_many

    def recorded(record_ids, at):
        batches.append(list(record_ids))
        return claim(record_ids, at)

    monkeypatch.setattr(outbox, "sending_many", recorded)
    monkeypatch.setattr(runtime, "CLAIM_CHUNK", 2)
    # all three paged in one slice, however slow the machine: the claims are what is counted
    monkeypatch.setattr(runtime, "CHASE_SLICE_SECONDS", 60.0)
    srs = [night.register(summary=f"Billing down {n}") for n in range(3)]
    await night.engine.run_once()

    records = {r.id: r for sr in srs for r in night.outbox(sr.id)}
    assert len(batches) > 2 and all(len(batch) <= 2 for batch in batches)
    claimed = [records[record_id] for batch in batches for record_id in batch]
    firsts = {min(r.id for r in records.values() if r.sr == sr.id) for sr in srs}
    assert set(batches[0]) <= firsts and len(batches[0]) == 2  # two requests' first pages
    assert not [r for r in records.values() if r.state is DeliveryState.SENDING]
    left = [r for r in records.values() if r.state is DeliveryState.QUEUED]
    assert all(r.detail.startswith("delayed") for r in left)  # a person's limit, no more
    assert len(claimed) == len(records) - len(left)


async def test_a_request_registered_during_a_pass_has_its_first_page_marked_next(
    night, monkeypatch
):
    """The pass that is marking two requests' pages, two at a time, reads a third request
    registered meanwhile, pages it, and marks its first page before the others' next ones."""
    batches: list[list[int]] = []
    outbox = night.engine.control.outbox
    claim = outbox.sending_many
    send_due = night.engine._send_due
    late = []

    def recorded(record_ids, at):
        batches.append(list(record_ids))
        return claim(record_ids, at)

    def registering_after_the_first_claim(now, **only):
        more = send_due(now, **only)
        if len(batches) == 1 and not late:
            late.append(night.register(summary="Billing down meanwhile"))
        return more

    monkeypatch.setattr(outbox, "sending_many", recorded)
    monkeypatch.setattr(night.engine, "_send_due", registering_after_the_first_claim)
    monkeypatch.setattr(runtime, "CLAIM_CHUNK", 2)
    monkeypatch.setattr(runtime, "CHASE_SLICE_SECONDS", 60.0)
    earlier = [night.register(summary=f"Billing down {n}") for n in range(2)]
    await night.engine.run_once()

    [meanwhile] = late
    first_page = min(r.id for r in night.outbox(meanwhile.id))
    assert batches[1][0] == first_page  # in the very next commit, ahead of everyone's next
    queued_then = [r for sr in earlier for r in night.outbox(sr.id) if r.id not in batches[0]]
    assert queued_then  # the earlier requests still had pages to mark
    assert all(r.state is not DeliveryState.SENDING for r in night.outbox(meanwhile.id))


async def test_a_pass_pages_every_request_when_its_slices_have_no_time_at_all(night, monkeypatch):
    """A slice's time spent before it paged anyone (a slow machine, a long read) still pages
    one request: a pass that paged nobody in a slice would try the next slice forever."""
    monkeypatch.setattr(runtime, "CHASE_SLICE_SECONDS", 0.0)
    srs = [night.register(summary=f"Billing down {n}") for n in range(3)]
    await asyncio.wait_for(night.engine.run_once(), 60)
    assert all(night.outbox(sr.id) for sr in srs)
