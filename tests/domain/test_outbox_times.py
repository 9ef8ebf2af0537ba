"""What became of a page is told in the CSC's zone, as the chain's step lines are: never a
UTC clock under a local one (`dispatcher.domain.outbox.describe`, `shown_detail`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from dispatcher.domain.outbox import DeliveryState, describe, shown_detail

SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)  # 02:30 in Shanghai


def page(state: DeliveryState, **fields) -> SimpleNamespace:
    base = {
        "state": state,
        "created": AT,
        "due": AT + timedelta(seconds=61),
        "updated": AT,
        "attempt": 0,
        "detail": "",
        "error_code": "",
        "provider_status": "",
        "channel": "sms",
    }
    return SimpleNamespace(**{**base, **fields})


@pytest.mark.parametrize(
    ("record", "line"),
    [
        (page(DeliveryState.DELIVERED), "delivered 02:30:00"),
        (page(DeliveryState.SENT, provider_status="queued"), "sent 02:30:00 (queued)"),
        (page(DeliveryState.QUEUED), "queued for 02:31:01"),
        (
            page(DeliveryState.QUEUED, attempt=1, detail="HTTP 500"),
            "retry at 02:31:01 after: HTTP 500",
        ),
        (page(DeliveryState.FAILED, error_code="21211"), "failed 02:30:00: 21211"),
        # stored in UTC, saying so (new records) or not (older ones): told in the CSC's zone
        (
            page(
                DeliveryState.QUEUED, detail="delayed until 18:31:01 UTC by the sms provider's rate"
            ),
            "delayed until 02:31:01 by the sms provider's rate",
        ),
        (
            page(DeliveryState.QUEUED, detail="delayed until 18:31:01 by a limit"),
            "delayed until 02:31:01 by a limit",
        ),
    ],
)
def test_a_page_s_fate_is_told_in_the_csc_s_zone(record, line):
    assert describe(record, SHANGHAI) == line


def test_other_details_are_shown_as_they_are():
    record = page(DeliveryState.FAILED, detail="send timed out after 10 s")
    assert shown_detail(record, SHANGHAI) == "send timed out after 10 s"
