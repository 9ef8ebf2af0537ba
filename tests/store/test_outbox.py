"""The outbox keeps every notification through a crash; nothing confirmed sent is due again."""

import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from dispatcher.domain.outbox import DeliveryState
from dispatcher.errors import DispatcherError
from dispatcher.store import Store
from dispatcher.store.outbox import OutboxRecord, OutboxRepository

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def page(person, channel="sms", due=T0, ack="4821"):
    return OutboxRecord(
        sr="SR-20261124-0001",
        person=person,
        channel=channel,
        contact_kind="mobile",
        address="+12125550100",
        ack_code=ack,
        purpose="page",
        created=T0,
        due=due,
    )


def test_records_move_only_as_the_state_machine_allows(tmp_path):
    outbox = OutboxRepository(Store(tmp_path))
    (record,) = outbox.enqueue([page("li-na")])
    assert record.id and outbox.get(record.id).state is DeliveryState.QUEUED
    sending = outbox.sending(record.id, T0)
    assert sending.attempt == 1
    sent = outbox.move(
        record.id, DeliveryState.SENT, T0, provider_id="SM1", provider_status="queued"
    )
    assert outbox.by_provider_id("sms", "SM1") == sent
    with pytest.raises(DispatcherError, match="cannot go from sent to queued"):
        outbox.move(record.id, DeliveryState.QUEUED, T0)
    outbox.move(record.id, DeliveryState.DELIVERED, T0 + timedelta(seconds=5))
    assert outbox.due(T0 + timedelta(hours=1)) == []


def test_a_transient_failure_is_due_again_later(tmp_path):
    outbox = OutboxRepository(Store(tmp_path))
    (record,) = outbox.enqueue([page("li-na")])
    outbox.sending(record.id, T0)
    outbox.retry_at(record.id, T0 + timedelta(seconds=30), T0, "20429", "rate limited")
    assert outbox.due(T0 + timedelta(seconds=29)) == []
    (again,) = outbox.due(T0 + timedelta(seconds=30))
    assert (again.failure, again.error_code, again.attempt) == ("transient", "20429", 1)
    assert outbox.next_due() == T0 + timedelta(seconds=30)


def test_records_are_found_by_ack_code_and_sr(tmp_path):
    outbox = OutboxRepository(Store(tmp_path))
    outbox.enqueue([page("li-na", "sms"), page("li-na", "voice"), page("wang", ack="7310")])
    assert [r.channel for r in outbox.by_ack_code("4821")] == ["sms", "voice"]
    assert len(outbox.for_sr("SR-20261124-0001")) == 3


CRASHING_ENGINE = textwrap.dedent("""
    import os, signal, sys
    from datetime import UTC, datetime
    from dispatcher.domain.outbox import DeliveryState
    from dispatcher.store import Store
    from dispatcher.store.outbox import OutboxRecord, OutboxRepository
    T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    outbox = OutboxRepository(Store(sys.argv[1]))
    records = outbox.enqueue([
        OutboxRecord("SR-20261124-0001", p, "sms", "mobile", "+12125550100", "4821", "page", T0, T0)
        for p in ("confirmed", "interrupted", "waiting")])
    confirmed, interrupted, _ = records
    outbox.sending(confirmed.id, T0)
    outbox.move(confirmed.id, DeliveryState.SENT, T0, provider_id="SM1")
    outbox.sending(interrupted.id, T0)
    os.kill(os.getpid(), signal.SIGKILL)  # dies while the provider call is in flight
""")


def test_after_a_crash_what_was_due_is_due_and_nothing_confirmed_sent_is(tmp_path):
    child = subprocess.run([sys.executable, "-c", CRASHING_ENGINE, str(tmp_path)])
    assert child.returncode == -9
    outbox = OutboxRepository(Store(tmp_path))
    due = outbox.due(T0)
    assert [r.person for r in due] == ["interrupted", "waiting"]
    assert due[0].state is DeliveryState.SENDING and due[0].attempt == 1
    assert [
        r.person for r in outbox.for_sr("SR-20261124-0001") if r.state is DeliveryState.SENT
    ] == ["confirmed"]


def test_a_record_survives_its_stored_form(tmp_path):
    outbox = OutboxRepository(Store(tmp_path))
    (record,) = outbox.enqueue([replace(page("li-na"), drill=True, round=1, step=2)])
    assert OutboxRepository(Store(tmp_path)).get(record.id) == record


def test_what_is_due_leaves_out_the_sends_under_way(tmp_path):
    """The engine asks what is due on every pass; the sends it has under way are left out
    (they stay `sending` until their receipt), as are pages due later."""
    outbox = OutboxRepository(Store(tmp_path))
    first, second, later = outbox.enqueue(
        [page("li-na"), page("chen-jie"), page("gao-yu", due=T0 + timedelta(minutes=1))]
    )
    outbox.sending_many([first.id, second.id], T0)
    assert [r.id for r in outbox.due(T0)] == [first.id, second.id]  # interrupted: again
    assert [r.id for r in outbox.due(T0, skip={first.id})] == [second.id]
    assert [r.id for r in outbox.due(T0 + timedelta(minutes=1), skip={first.id, second.id})] == [
        later.id
    ]
