"""A plugin reads `Notification.purpose` as before: the enumeration compares equal to its string."""

import json
from datetime import UTC, datetime

from tinydb.table import Document

from dispatcher.domain import outbox
from dispatcher.engine.compose import notification_for
from dispatcher.plugins import contract
from dispatcher.plugins.contract import Purpose
from dispatcher.store.outbox import OutboxRecord

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def record(purpose) -> OutboxRecord:
    return OutboxRecord(
        sr="SR-20261124-0001",
        person="li.wei",
        channel="sms",
        contact_kind="mobile",
        address="+12125550100",
        ack_code="482113",
        purpose=purpose,
        created=T0,
        due=T0,
        short_text="SR-20261124-0001 billing down",
    )


def test_the_purpose_a_channel_is_handed_equals_its_string():
    assert contract.Purpose is outbox.Purpose
    for purpose in Purpose:
        notification = notification_for(record(purpose), {})
        assert notification.purpose is purpose
        assert notification.purpose == purpose.value and notification.purpose.value == purpose.value
        assert json.dumps({"purpose": notification.purpose}) == json.dumps(
            {"purpose": purpose.value}
        )
    assert "Reply 482113" in notification_for(record(Purpose.PAGE), {}).sms_text
    assert "482113" not in notification_for(record(Purpose.STATUS_UPDATE), {}).sms_text


def test_a_stored_purpose_this_version_does_not_know_is_sent_as_a_notice():
    stored = OutboxRecord.from_document(Document(record("escalation_report").to_dict(), doc_id=7))
    assert stored.purpose == "escalation_report"
    assert notification_for(stored, {}).purpose is Purpose.NOTICE
