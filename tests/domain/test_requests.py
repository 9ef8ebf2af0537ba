from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatcher.domain.emergency import check_criteria
from dispatcher.domain.lifecycle import CallbackOutcome, Status
from dispatcher.domain.request_ids import doc_id, format_id, parse_id
from dispatcher.domain.request_parts import Category, Level, Owner
from dispatcher.domain.requests import ServiceRequest
from dispatcher.errors import DispatcherError, IllegalTransition

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def make(criteria=()):
    sr = ServiceRequest(
        "SR-20261124-0042", T0, Category.FAULT_SUPPORT, "billing down", criteria=tuple(criteria)
    )
    sr.registered(T0, "desk", "phone")
    return sr


def test_id_reads_out_and_maps_to_a_document_id():
    assert format_id(T0.date(), 42) == "SR-20261124-0042"
    assert parse_id("sr-20261124-0042") == (T0.date(), 42)
    assert doc_id("SR-20261124-0042") == 20261124_00042
    for bad in ("SR-2026-1", "SR-20261340-0001", "SR-20261124-0000", "42"):
        with pytest.raises(DispatcherError):
            parse_id(bad)


def test_the_whole_lifecycle_leaves_one_event_per_change_in_order():
    sr = make()
    at = T0
    for step in ("dispatch", "acknowledge", "start", "restore", "resolve"):
        at += timedelta(minutes=5)
        getattr(sr, step)(at, "li.wei")
    sr.record_callback(at, "desk", CallbackOutcome.REACHED, score=5)
    sr.close(at, "desk")
    assert sr.status is Status.CLOSED
    assert sr.event_count == 8


def test_closing_without_a_callback_is_refused_with_the_reason():
    sr = make()
    sr.resolve(T0, "desk")
    with pytest.raises(IllegalTransition, match="never called back"):
        sr.close(T0, "desk")


def test_an_unreached_callback_does_not_allow_closing():
    sr = make()
    sr.resolve(T0, "desk")
    sr.record_callback(T0, "desk", CallbackOutcome.NOT_REACHED)
    assert sr.status is Status.RESOLVED
    with pytest.raises(IllegalTransition):
        sr.close(T0, "desk")
    with pytest.raises(DispatcherError, match="reached customer"):
        sr.record_callback(T0, "desk", CallbackOutcome.REFUSED, score=2)


def test_acknowledging_a_closed_request_is_refused():
    sr = make()
    sr.resolve(T0, "desk")
    sr.record_callback(T0, "desk", CallbackOutcome.REACHED, score=4)
    sr.close(T0, "desk")
    with pytest.raises(IllegalTransition, match=r"cannot acknowledge .* it is closed"):
        sr.acknowledge(T0, "desk")


def test_a_failed_callback_reopens_the_request_and_its_red_flag():
    sr = make(criteria=["9"])
    sr.resolve(T0, "desk")
    assert not sr.red_flag.is_open
    sr.record_callback(T0, "desk", CallbackOutcome.REACHED, score=1, words="still broken")
    events = sr.reopen(T0 + timedelta(hours=1), "desk", "customer says billing still fails")
    assert sr.status is Status.IN_PROGRESS
    assert [e.kind for e in events] == ["reopened", "red_flag_opened"]
    assert sr.red_flag.is_open
    sr.resolve(T0, "desk")
    with pytest.raises(DispatcherError, match="needs a reason"):
        sr.reopen(T0, "desk", " ")


def test_any_criterion_makes_an_emergency_with_a_red_flag_whatever_the_category():
    sr = ServiceRequest(
        "SR-20261124-0001", T0, Category.CONSULTATION, "media asking", criteria=("11",)
    )
    events = sr.registered(T0, "desk", "phone")
    assert sr.is_emergency
    assert [e.kind for e in events] == ["registered", "red_flag_opened"]
    assert sr.red_flag.opened == T0 and sr.red_flag.is_open


def test_declaring_criteria_later_raises_the_red_flag_once():
    sr = make()
    assert sr.red_flag is None
    events = sr.declare(T0, "desk", ("2",))
    assert [e.kind for e in events] == ["criteria_added", "red_flag_opened"]
    events = sr.declare(T0, "desk", ("2", "12"))
    assert [e.kind for e in events] == ["criteria_added"] and sr.criteria == ("2", "12")


def test_escalation_goes_l1_l2_l3_and_stops():
    sr = make()
    sr.escalate(T0, "desk")
    sr.escalate(T0, "desk")
    assert sr.level is Level.L3
    with pytest.raises(IllegalTransition, match="already at L3"):
        sr.escalate(T0, "desk")


def test_unknown_criteria_are_refused():
    check_criteria(("1", "12", "CN-1"))
    with pytest.raises(DispatcherError, match="1-12"):
        check_criteria(("13",))
    with pytest.raises(DispatcherError, match="CN-1"):
        check_criteria(("XX-9",), frozenset({"CN-1"}))


def test_a_record_survives_its_dict_form():
    sr = make(criteria=["7", "9"])
    sr.assign(T0, "desk", Owner("branch-sh", "li.wei"))
    assert ServiceRequest.from_dict(sr.to_dict()) == sr


ACTIONS = st.sampled_from(
    [
        "dispatch",
        "acknowledge",
        "start",
        "restore",
        "resolve",
        "escalate",
        "callback_ok",
        "callback_missed",
        "reopen",
        "close",
        "declare",
        "note",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(ACTIONS, max_size=25), st.booleans())
def test_any_sequence_of_moves_keeps_the_rules(actions, emergency):
    sr = make(criteria=["1"] if emergency else [])
    seen = sr.event_count
    for action in actions:
        before = sr.status
        try:
            if action == "callback_ok":
                events = sr.record_callback(T0, "d", CallbackOutcome.REACHED, score=3)
            elif action == "callback_missed":
                events = sr.record_callback(T0, "d", CallbackOutcome.NOT_REACHED)
            elif action == "reopen":
                events = sr.reopen(T0, "d", "why")
            elif action == "declare":
                events = sr.declare(T0, "d", ("3",))
            elif action == "note":
                events = sr.note(T0, "d", "text")
            else:
                events = getattr(sr, action)(T0, "d")
        except DispatcherError:
            continue
        # events are numbered one after another, never reused
        assert [e.seq for e in events] == list(range(seen + 1, seen + 1 + len(events)))
        seen = sr.event_count
        if action == "close":
            assert before is Status.CALLBACK
        # a Red Flag is open exactly while an emergency is unresolved
        unresolved = sr.status not in (Status.RESOLVED, Status.CALLBACK, Status.CLOSED)
        assert (sr.red_flag is not None and sr.red_flag.is_open) == (sr.is_emergency and unresolved)


def test_a_requests_parts_read_back_as_written_and_equal_ones_are_shared():
    """Reading 10,000 requests shares one frozen reporter, customer or owner between those that
    name the same; what a record holds reads back as it was, a damaged one included."""
    sr = make()
    sr.owner = Owner("tac", "Li Na")
    first = ServiceRequest.from_dict(sr.to_dict())
    again = ServiceRequest.from_dict(sr.to_dict())
    assert first == again and first.owner is again.owner and first.customer is again.customer
    assert first.to_dict() == sr.to_dict()
    damaged = sr.to_dict()
    damaged["owner"] = {"unit": True, "person": ""}  # after {"unit": 1} was read: kept apart
    numbered = {**damaged, "owner": {"unit": 1, "person": ""}}
    assert ServiceRequest.from_dict(numbered).owner.unit == 1
    assert ServiceRequest.from_dict(damaged).owner.unit is True
    damaged["reporter"] = {"name": ["not", "a", "key"]}  # unhashable: built as before
    assert ServiceRequest.from_dict(damaged).reporter.name == ["not", "a", "key"]
    damaged["reporter"] = {"nickname": "x"}  # a field no reporter has: refused as before
    with pytest.raises(TypeError):
        ServiceRequest.from_dict(damaged)
