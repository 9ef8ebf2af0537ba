"""Drills never mix into real service: no Red Flag, out of `sr list` and the board's filter,
and a real page goes before a drill page when both are due."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.request_parts import Category
from dispatcher.domain.requests import ServiceRequest
from dispatcher.store import Store
from dispatcher.store.outbox import OutboxRecord, OutboxRepository
from dispatcher.store.requests import RequestFilter, RequestRepository

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def register(store, summary, drill):
    return RequestRepository(store).register(
        T0,
        lambda sr_id: ServiceRequest(
            sr_id, T0, Category.FAULT_SUPPORT, summary, criteria=("1",), drill=drill
        ),
        T0,
        "desk",
        "phone",
        zone=ZoneInfo("Asia/Shanghai"),
    )


def test_a_drill_emergency_opens_no_red_flag(tmp_path):
    with Store(tmp_path) as store:
        drill, events = register(store, "DRILL: core down", drill=True)
        real, real_events = register(store, "core down", drill=False)
    assert drill.red_flag is None and [e.kind for e in events] == ["registered"]
    assert real.red_flag is not None and "red_flag_opened" in [e.kind for e in real_events]


def test_sr_list_and_the_boards_filter_leave_drills_out(tmp_path):
    with Store(tmp_path) as store:
        register(store, "DRILL: core down", drill=True)
        register(store, "core down", drill=False)
        assert [r.summary for r in RequestRepository(store).matching(RequestFilter())] == [
            "core down"
        ]
    listed = CliRunner().invoke(cli, ["sr", "list", "--json", "--data", str(tmp_path)])
    assert [r["summary"] for r in json.loads(listed.output)] == ["core down"]
    drills = CliRunner().invoke(cli, ["sr", "list", "--drills", "--json", "--data", str(tmp_path)])
    assert [r["summary"] for r in json.loads(drills.output)] == ["DRILL: core down"]


def page(sr, due, drill, step=0):
    return OutboxRecord(
        sr=sr,
        person="li-na",
        channel="sms",
        contact_kind="mobile",
        address="+12125550100",
        ack_code="4821",
        purpose="page",
        created=due,
        due=due,
        drill=drill,
        step=step,
    )


def test_a_real_page_is_sent_before_drill_pages_that_fell_due_earlier(tmp_path):
    with Store(tmp_path) as store:
        outbox = OutboxRepository(store)
        outbox.enqueue(
            [
                page("SR-20261124-0001", T0, drill=True),
                page("SR-20261124-0001", T0 + timedelta(seconds=1), drill=True, step=1),
                page("SR-20261124-0002", T0 + timedelta(seconds=5), drill=False),
            ]
        )
        due = outbox.due(T0 + timedelta(seconds=10))
    assert [(r.sr, r.drill) for r in due] == [
        ("SR-20261124-0002", False),
        ("SR-20261124-0001", True),
        ("SR-20261124-0001", True),
    ]
