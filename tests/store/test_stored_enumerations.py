"""A notification's urgency, how a step was reached and what a reply came to are enumerations
now; the documents an older version wrote, with the bare strings, read back as the members and
are written again byte for byte (the store's own encoding), and a value this version does not
know is kept as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tinydb.table import Document

from dispatcher.domain.acks import ReplyOutcome
from dispatcher.domain.callout import ReachedBy
from dispatcher.domain.outbox import Urgency
from dispatcher.store import Store
from dispatcher.store.callouts import CalloutRecord, CalloutRepository
from dispatcher.store.codec import dumps
from dispatcher.store.outbox import OUTBOX, OutboxRecord, OutboxRepository
from dispatcher.store.replies import REPLIES, ReplyEntry, ReplyRepository

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def old_page(urgency: str) -> dict:
    """An outbox document as the version with bare strings wrote it (fields in their order)."""
    return {
        "sr": "SR-20261124-0001",
        "person": "li.na",
        "channel": "sms",
        "contact_kind": "mobile",
        "address": "+12125550100",
        "ack_code": "482113",
        "purpose": "page",
        "created": T0.isoformat(),
        "due": T0.isoformat(),
        "state": "sent",
        "drill": False,
        "round": 0,
        "step": 1,
        "attempt": 1,
        "provider_id": "SM0001",
        "provider_status": "sent",
        "failure": "",
        "error_code": "",
        "detail": "",
        "updated": (T0 + timedelta(seconds=2)).isoformat(),
        "short_text": "SR-20261124-0001 紧急 billing down. Reply 482113",
        "long_text": "",
        "spoken_text": "",
        "language": "zh",
        "urgency": urgency,
        "topic": "",
        "run": T0.isoformat(),
        "instance": "",
        "key": "0f3a",
    }


def old_run(how: str, logged: tuple[str, ...]) -> dict:
    """A call-out document as the version with bare strings wrote it."""
    started = T0 + timedelta(minutes=10)
    return {
        "sr": "SR-20261124-0001",
        "chain": "emergency",
        "started": T0.isoformat(),
        "round": 0,
        "step": len(logged) - 1,
        "step_started": started.isoformat(),
        "step_deadline": (started + timedelta(minutes=10)).isoformat(),
        "steps_total": 4,
        "repeat": 2,
        "state": "running",
        "drill": False,
        "acknowledged_by": "",
        "acknowledged_at": None,
        "acknowledged_via": "",
        "stopped_reason": "",
        "steps": [
            {
                "round": 0,
                "step": index,
                "at": (T0 + timedelta(minutes=5 * index)).isoformat(),
                "people": ["li.na"] if step_how != "skipped" else [],
                "channels": ["sms", "voice"],
                "nobody_for": [],
                "skipped": False,
                "how": step_how,
            }
            for index, step_how in enumerate(logged)
        ],
        "paged": "",
        "how": how,
        "repages": 1,
        "seen": True,
        "updated": started.isoformat(),
    }


@pytest.mark.parametrize("urgency", list(Urgency))
def test_an_old_outbox_document_reads_back_as_the_member_and_is_written_as_it_was(
    tmp_path, urgency
):
    stored = old_page(urgency.value)
    with Store(tmp_path) as store, store.atomic(store.live):
        store.live.table(OUTBOX).insert(Document(stored, doc_id=7))
    with Store(tmp_path) as store:  # read back after a reopen, from the journal
        record = OutboxRepository(store).get(7)
    assert record.urgency is urgency
    assert dumps(record.to_dict()) == dumps(stored)


def test_an_urgency_this_version_does_not_know_is_kept():
    record = OutboxRecord.from_document(Document(old_page("critical"), doc_id=7))
    assert record.urgency == "critical" and not isinstance(record.urgency, Urgency)
    assert dumps(record.to_dict()) == dumps(old_page("critical"))


def test_an_old_run_and_its_log_read_back_as_members_and_are_written_as_they_were(tmp_path):
    stored = old_run("repaged", ("start", "skipped", "timer", "escalated"))
    record = CalloutRecord.from_dict(stored)
    assert record.how is ReachedBy.REPAGED
    assert [s.how for s in record.steps] == [
        ReachedBy.START,
        ReachedBy.SKIPPED,
        ReachedBy.TIMER,
        ReachedBy.ESCALATED,
    ]
    assert all(isinstance(s.how, ReachedBy) for s in record.steps)
    assert dumps(record.to_dict()) == dumps(stored)
    with Store(tmp_path) as store, store.atomic(store.live):
        CalloutRepository(store).save(record)
    with Store(tmp_path) as store:
        again = CalloutRepository(store).get(record.sr)
    assert again == record and dumps(again.to_dict()) == dumps(stored)


def test_a_way_of_reaching_a_step_this_version_does_not_know_is_kept():
    stored = old_run("handed_over", ("start", "handed_over"))
    record = CalloutRecord.from_dict(stored)
    assert record.how == "handed_over" and record.steps[1].how == "handed_over"
    assert dumps(record.to_dict()) == dumps(stored)


@pytest.mark.parametrize("outcome", list(ReplyOutcome))
def test_a_reply_is_kept_with_the_outcome_the_older_version_wrote(tmp_path, outcome):
    entry = ReplyEntry(
        sr="SR-20261124-0001",
        channel="sms",
        provider_id="SM0002",
        sender="+12125550100",
        text="确认 482113",
        ack_code="482113",
        at=T0,
        outcome=outcome,
        notification=7,
    )
    written_before = {
        "sr": "SR-20261124-0001",
        "channel": "sms",
        "provider_id": "SM0002",
        "sender": "+12125550100",
        "text": "确认 482113",
        "ack_code": "482113",
        "at": T0.isoformat(),
        "outcome": outcome.value,
        "notification": 7,
    }
    with Store(tmp_path) as store, store.atomic(store.live):
        ReplyRepository(store).add(entry)
    with Store(tmp_path) as store:
        (kept,) = store.live.table(REPLIES).all()
    assert dumps(dict(kept)) == dumps(written_before)
