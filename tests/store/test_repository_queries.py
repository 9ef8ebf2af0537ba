"""The repositories answer the questions code above the store asks, and read back what older
versions stored: open requests changed since, codes in use, what moves with a closed request."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dispatcher.domain.callout import CalloutRun, Position, RunState
from dispatcher.domain.lifecycle import CallbackOutcome
from dispatcher.domain.outbox import DeliveryState, Purpose
from dispatcher.domain.request_ids import format_id
from dispatcher.domain.request_parts import Category
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.timeline import Event, EventKind
from dispatcher.store.callouts import CalloutRecord, CalloutRepository, StepLog
from dispatcher.store.outbox import OutboxRecord, OutboxRepository
from dispatcher.store.requests import RequestRepository

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def register(repository: RequestRepository, summary: str, drill: bool = False) -> ServiceRequest:
    def build(sr_id: str) -> ServiceRequest:
        return ServiceRequest(sr_id, T0, Category.FAULT_SUPPORT, summary, drill=drill)

    sr, _ = repository.register(T0, build, T0, "desk", "phone", zone=ZoneInfo("Asia/Shanghai"))
    return sr


def notification(sr: str, person: str, code: str, state=DeliveryState.QUEUED) -> OutboxRecord:
    return OutboxRecord(
        sr=sr,
        person=person,
        channel="sms",
        contact_kind="mobile",
        address="+12125550100",
        ack_code=code,
        purpose=Purpose.PAGE,
        created=T0,
        due=T0,
        state=state,
    )


def test_open_requests_changed_since_what_a_reader_knew(store):
    requests = RequestRepository(store)
    first, second = register(requests, "billing down"), register(requests, "slow")
    drill = register(requests, "a drill", drill=True)

    found = requests.open_changes({})
    assert found.unchanged == [] and [o.id for o in found.changed] == [
        first.id,
        second.id,
        drill.id,
    ]
    assert found.changed[0].request() == first
    assert [e.kind for e in found.changed[0].timeline()] == [EventKind.REGISTERED]

    known = {o.id: o.event_count for o in found.changed}
    requests.change(second.id, lambda sr: sr.note(T0, "desk", "called the customer"))
    found = requests.open_changes(known, drills=False)
    assert found.unchanged == [first.id]
    assert [(o.id, o.event_count) for o in found.changed] == [(second.id, 2)]

    def close(sr: ServiceRequest) -> list[Event]:
        return sr.dispatch(T0, "desk") + sr.acknowledge(T0, "desk") + sr.resolve(T0, "desk")

    requests.change(first.id, close)
    reached = CallbackOutcome.REACHED
    requests.change(first.id, lambda sr: sr.record_callback(T0, "desk", reached, 5))
    requests.change(first.id, lambda sr: sr.close(T0, "desk"))
    found = requests.open_changes({**known, second.id: 2})
    assert found.unchanged == [second.id, drill.id] and found.changed == []


def test_codes_in_use_and_the_code_a_person_was_paged_with(store):
    outbox = OutboxRepository(store)
    outbox.enqueue([notification("SR-20261124-0001", "li.na", "111111")])
    outbox.enqueue([notification("AUDIT-20261124-1", "wang.fang", "222222")])
    assert outbox.code_for("SR-20261124-0001", "li.na") == "111111"
    assert outbox.code_for("SR-20261124-0001", "wang.fang") is None
    assert outbox.codes_in_use() == {"111111", "222222"}


def test_a_closed_requests_notifications_move_with_it_but_one_still_to_send(store):
    requests, outbox = RequestRepository(store), OutboxRepository(store)
    sr = register(requests, "billing down")
    sent, queued = outbox.enqueue(
        [notification(sr.id, "li.na", "111111"), notification(sr.id, "wang.fang", "222222")]
    )
    outbox.sending(sent.id, T0)
    outbox.move(sent.id, DeliveryState.SENT, T0)
    assert [d.doc_id for d in outbox.moving_with(sr.id)["outbox"]] == [sent.id]
    assert outbox.get(queued.id).purpose is Purpose.PAGE  # read back as the enumeration


def test_a_run_and_its_log_read_back_from_the_document_an_older_version_wrote(store):
    stored = {
        "sr": "SR-20261124-0001",
        "chain": "emergency",
        "started": T0.isoformat(),
        "round": 1,
        "step": 2,
        "step_started": (T0 + timedelta(minutes=30)).isoformat(),
        "step_deadline": (T0 + timedelta(minutes=40)).isoformat(),
        "steps_total": 3,
        "repeat": 2,
        "state": "acknowledged",
        "drill": False,
        "acknowledged_by": "Li Na",
        "acknowledged_at": (T0 + timedelta(minutes=32)).isoformat(),
        "acknowledged_via": "sms",
        "stopped_reason": "",
        "steps": [StepLog(1, 2, T0 + timedelta(minutes=30), ("li.na",), ("sms",)).to_dict()],
        "paged": "1.2.0@" + (T0 + timedelta(minutes=30)).isoformat(),
        "how": "timer",
        "repages": 0,
        "seen": True,
        "updated": (T0 + timedelta(minutes=32)).isoformat(),
    }
    record = CalloutRecord.from_dict(stored)
    assert record.run == CalloutRun(
        "SR-20261124-0001",
        "emergency",
        T0,
        Position(1, 2),
        T0 + timedelta(minutes=30),
        T0 + timedelta(minutes=40),
        RunState.ACKNOWLEDGED,
        acknowledged_by="Li Na",
        acknowledged_at=T0 + timedelta(minutes=32),
        acknowledged_via="sms",
    )
    assert record.to_dict() == stored
    assert not record.needs_paging and record.steps[0].people == ("li.na",)
    with store.atomic(store.live):
        CalloutRepository(store).save(replace(record, seen=False))
    assert CalloutRepository(store).get(record.sr).to_dict() == {**stored, "seen": False}


def test_a_stored_event_kind_reads_back_as_the_enumeration_and_an_unknown_one_as_itself():
    sr_id = format_id(T0.date(), 1)
    note = Event(sr_id, 1, T0, "desk", EventKind.NOTE, "called")
    assert note.to_dict()["kind"] == "note"
    assert Event.from_dict(note.to_dict()).kind is EventKind.NOTE
    imported = Event.from_dict({**note.to_dict(), "kind": "site_visit"})
    assert imported.kind == "site_visit" and not isinstance(imported.kind, EventKind)
