"""A channel's fault count rides in the commit of the receipts that follow it (one commit,
not one per send), and is kept until a commit holding it succeeds: a failed commit, or one
channel's count that could not be written, loses no count, its own or another channel's."""

from __future__ import annotations

import asyncio

from dispatcher.engine import recording
from dispatcher.engine.sending import FaultCount
from dispatcher.errors import StoreError
from dispatcher.plugins import Failure, Receipt
from dispatcher.store.channel_health import channel_faults


def receipt_of(night, count: int):
    """`count` receipts of real pages, as the engine's sends hand them over."""
    sr = night.register()
    night.engine.chaser.chase(night.clock.now())  # its step paged: pages queued
    records = night.control.outbox.sending_many(
        [r.id for r in night.outbox(sr.id)[:count]], night.clock.now()
    )
    busy = [Receipt.failed(r.channel, Failure.TRANSIENT, "busy") for r in records]
    return [(r, receipt, night.clock.now()) for r, receipt in zip(records, busy, strict=True)]


async def record(engine, receipts) -> None:
    """Hand the receipts over at once (recorded together), and wait until they are."""
    await asyncio.gather(*(engine.recorder.receipt(*receipt) for receipt in receipts))


async def test_a_failed_commit_keeps_the_counts_for_the_next(night, monkeypatch):
    engine = night.engine
    engine.recorder.health(FaultCount("voice", 3, "channel voice: send raised"))
    engine.recorder.health(FaultCount("sms", 1, "channel sms: send raised"))
    first, then = receipt_of(night, 1), receipt_of(night, 1)
    monkeypatch.setattr(recording, "RECORD_CHUNK", 3)  # the counts and one receipt: one commit
    partition = night.store.live.partition
    commit = partition._commit
    failed = []

    def failing_once():
        if not failed:
            failed.append(True)
            partition._rollback(0)  # as a journal append that fails rolls back
            raise StoreError("no space left on device")
        commit()

    monkeypatch.setattr(partition, "_commit", failing_once)
    await record(engine, first)
    assert failed and not channel_faults(night.store)
    await record(engine, then)

    stored = channel_faults(night.store)
    assert (stored["voice"].in_a_row, stored["sms"].in_a_row) == (3, 1)
    assert stored["voice"].unhealthy and not engine.recorder._health


async def test_one_count_not_written_loses_no_other(night, monkeypatch):
    engine = night.engine
    engine.recorder.health(FaultCount("voice", 3, "channel voice: send raised"))
    engine.recorder.health(FaultCount("sms", 2, "channel sms: send raised"))
    record_faults = recording.record_faults

    def refusing_voice(store, channel, *rest):
        if channel == "voice":
            raise StoreError("voice's row cannot be written")
        return record_faults(store, channel, *rest)

    first, then = receipt_of(night, 1), receipt_of(night, 1)
    monkeypatch.setattr(recording, "record_faults", refusing_voice)
    await record(engine, first)
    assert set(channel_faults(night.store)) == {"sms"}
    monkeypatch.setattr(recording, "record_faults", record_faults)
    await record(engine, then)
    assert set(channel_faults(night.store)) == {"voice", "sms"}


async def test_a_chunk_of_receipts_is_one_commit_with_the_counts_or_without(night, monkeypatch):
    engine = night.engine
    monkeypatch.setattr(recording, "RECORD_CHUNK", 4)
    full, fewer = receipt_of(night, 4), receipt_of(night, 3)
    partition = night.store.live.partition
    commit = partition._commit
    commits = []
    monkeypatch.setattr(partition, "_commit", lambda: (commits.append(1), commit())[1])
    await record(engine, full)  # no count changed: four receipts, one commit
    assert len(commits) == 1
    engine.recorder.health(FaultCount("voice", 1, "channel voice: send raised"))
    await record(engine, fewer)  # a count and three receipts: one commit
    assert len(commits) == 2 and channel_faults(night.store)["voice"].in_a_row == 1
