"""Callbacks (回访) before closure: the queue, the closure rule, and reopening."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from dispatcher.domain.callbacks import request_callback
from dispatcher.domain.lifecycle import CALLBACK_ATTEMPTS, CallbackOutcome, Status
from dispatcher.domain.request_parts import Category, Reporter
from dispatcher.domain.requests import ServiceRequest
from dispatcher.errors import DispatcherError, IllegalTransition

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def resolved():
    sr = ServiceRequest(
        "SR-20261124-0001",
        T0,
        Category.FAULT_SUPPORT,
        "link down",
        reporter=Reporter("Ma Li", "+12125550100"),
    )
    timeline = sr.registered(T0, "desk", "phone") + sr.resolve(T0 + timedelta(hours=2), "desk")
    return sr, timeline


def test_closing_without_a_callback_needs_three_unanswered_tries_and_a_reason():
    sr, _ = resolved()
    for attempt in range(1, CALLBACK_ATTEMPTS):
        sr.record_callback(T0, "desk", CallbackOutcome.NOT_REACHED, called="Ma Li")
        with pytest.raises(IllegalTransition, match=f"{attempt} of 3 callback attempts"):
            sr.close(T0, "desk", without_callback="phone switched off")
    events = sr.record_callback(T0, "desk", CallbackOutcome.REFUSED)
    assert events[0].data["attempt"] == 3
    with pytest.raises(IllegalTransition, match="never called back"):
        sr.close(T0, "desk")  # without the reason it is still refused
    closed = sr.close(T0, "desk", without_callback="phone switched off")
    assert sr.status is Status.CLOSED
    assert closed[0].data["without_callback"] == "phone switched off"
    assert closed[0].data["attempts"] == 3


def test_a_reached_callback_records_who_was_called_and_allows_closing():
    sr, _ = resolved()
    event = sr.record_callback(
        T0, "desk", CallbackOutcome.REACHED, score=4, words="works now", called="Ma Li +12125550100"
    )[0]
    assert event.data == {
        "outcome": "reached",
        "attempt": 1,
        "score": 4,
        "called": "Ma Li +12125550100",
        "from": "resolved",
        "to": "callback",
    }
    assert event.text == "works now"
    sr.close(T0, "desk")
    assert sr.status is Status.CLOSED


def test_a_dissatisfied_callback_reopens_the_request_and_a_new_round_of_callbacks_starts():
    sr, _ = resolved()
    sr.record_callback(T0, "desk", CallbackOutcome.NOT_REACHED)
    events = sr.record_callback(
        T0, "desk", CallbackOutcome.REACHED, score=2, words="still drops calls", reopen=True
    )
    assert [e.kind for e in events] == ["callback", "reopened"]
    assert events[1].text == "still drops calls"
    assert sr.status is Status.IN_PROGRESS and sr.callback_attempts == 0
    sr.resolve(T0, "desk")
    with pytest.raises(DispatcherError, match="only a dissatisfied callback"):
        sr.record_callback(T0, "desk", CallbackOutcome.REACHED, score=3, reopen=True)
    assert sr.status is Status.RESOLVED and sr.callback_attempts == 0


def test_the_queue_holds_resolved_real_requests_with_their_tries():
    sr, timeline = resolved()
    timeline += sr.record_callback(T0 + timedelta(hours=3), "desk", CallbackOutcome.NOT_REACHED)
    due = request_callback(sr, timeline)
    assert (due.subject, due.attempts, due.last_outcome) == (sr.id, 1, "not_reached")
    assert due.due == T0 + timedelta(hours=26)  # 24 h after the resolution
    assert due.contact == "Ma Li +12125550100"
    assert request_callback(sr, timeline).overdue(T0 + timedelta(hours=27))
    drill = ServiceRequest("SR-20261124-0002", T0, Category.FAULT_SUPPORT, "drill", drill=True)
    drill_timeline = drill.registered(T0, "desk", "phone") + drill.resolve(T0, "desk")
    assert request_callback(drill, drill_timeline) is None


def test_sr_callback_lists_the_queue_records_callbacks_and_closes(run):
    first = run(
        "sr",
        "new",
        "--summary",
        "link down",
        "--category",
        "fault_support",
        "--reporter",
        "Ma Li",
        "--reporter-phone",
        "+12125550100",
    ).output.strip()
    second = run(
        "sr", "new", "--summary", "backup question", "--category", "consultation"
    ).output.strip()
    run("sr", "resolve", first)
    queue = json.loads(run("sr", "callback", "--json").output)
    assert [item["subject"] for item in queue] == [first]
    assert queue[0]["contact"] == "Ma Li +12125550100" and queue[0]["attempts"] == 0
    text = run("sr", "callback").output
    assert first in text and "not tried" in text and second not in text
    refused = run("sr", "close", first, "--without-callback", "no answer", ok=False)
    assert refused.exit_code == 2 and "0 of 3 callback attempts" in refused.output
    for _ in range(3):
        run("sr", "callback", first, "--outcome", "not_reached", "--called", "Ma Li")
    assert "may close with a reason" in run("sr", "callback").output
    run("sr", "close", first, "--without-callback", "number no longer in service")
    assert "nobody is waiting" in run("sr", "callback").output
    shown = json.loads(run("sr", "show", first, "--json").output)
    assert shown["timeline"][-1]["data"]["without_callback"] == "number no longer in service"


def test_sr_callback_reopen_from_the_command_line(run):
    sr_id = run("sr", "new", "--summary", "slow", "--category", "fault_support").output.strip()
    run("sr", "resolve", sr_id)
    not_dissatisfied = run(
        "sr", "callback", sr_id, "--outcome", "reached", "--score", "4", "--reopen", ok=False
    )
    assert (
        not_dissatisfied.exit_code == 2
        and "only a dissatisfied callback" in not_dissatisfied.output
    )
    run(
        "sr",
        "callback",
        sr_id,
        "--outcome",
        "reached",
        "--score",
        "1",
        "--words",
        "no better",
        "--reopen",
    )
    record = json.loads(run("sr", "show", sr_id, "--json").output)
    assert record["request"]["status"] == "in_progress"
    assert [e["kind"] for e in record["timeline"]][-2:] == ["callback", "reopened"]
    missing = run("sr", "callback", sr_id, ok=False)
    assert missing.exit_code == 2 and "--outcome" in missing.output
