from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dispatcher.domain.lifecycle import CallbackOutcome
from dispatcher.domain.request_parts import Category
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.sla import SlaKind, SlaState, next_deadline, next_wakeup, sla_clocks

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Targets:
    response: timedelta = timedelta(minutes=15)
    restore: timedelta = timedelta(hours=4)
    resolve: timedelta = timedelta(hours=24)


def request():
    sr = ServiceRequest("SR-20261124-0001", T0, Category.FAULT_SUPPORT, "x")
    return sr, sr.registered(T0, "desk", "phone")


def states(sr, timeline, at):
    return {c.kind: c.state for c in sla_clocks(sr, timeline, Targets(), at)}


def test_clocks_run_then_near_breach_then_breach():
    sr, timeline = request()
    assert states(sr, timeline, T0 + timedelta(minutes=11))[SlaKind.RESPONSE] is SlaState.RUNNING
    assert (
        states(sr, timeline, T0 + timedelta(minutes=12))[SlaKind.RESPONSE] is SlaState.NEAR_BREACH
    )
    assert states(sr, timeline, T0 + timedelta(minutes=15))[SlaKind.RESPONSE] is SlaState.BREACHED


def test_acknowledgement_stops_the_response_clock_in_time_or_late():
    sr, timeline = request()
    timeline += sr.acknowledge(T0 + timedelta(minutes=10), "li.wei")
    later = T0 + timedelta(hours=5)
    got = states(sr, timeline, later)
    assert got[SlaKind.RESPONSE] is SlaState.MET
    assert got[SlaKind.RESTORE] is SlaState.BREACHED
    assert got[SlaKind.RESOLVE] is SlaState.RUNNING
    sr2, t2 = request()
    t2 += sr2.acknowledge(T0 + timedelta(minutes=20), "li.wei")
    assert states(sr2, t2, later)[SlaKind.RESPONSE] is SlaState.MISSED


def test_resolution_without_restore_stops_both_and_a_reopen_restarts_them():
    sr, timeline = request()
    timeline += sr.resolve(T0 + timedelta(hours=1), "desk")
    got = states(sr, timeline, T0 + timedelta(hours=30))
    assert got[SlaKind.RESTORE] is SlaState.MET and got[SlaKind.RESOLVE] is SlaState.MET
    timeline += sr.record_callback(T0 + timedelta(hours=2), "desk", CallbackOutcome.REACHED, 1)
    timeline += sr.reopen(T0 + timedelta(hours=3), "desk", "not fixed")
    got = states(sr, timeline, T0 + timedelta(hours=30))
    assert got[SlaKind.RESOLVE] is SlaState.BREACHED


def test_the_board_counts_down_to_the_first_running_deadline():
    sr, timeline = request()
    clocks = sla_clocks(sr, timeline, Targets(), T0)
    assert next_deadline(clocks).kind is SlaKind.RESPONSE
    timeline += sr.acknowledge(T0 + timedelta(minutes=1), "x")
    clocks = sla_clocks(sr, timeline, Targets(), T0 + timedelta(minutes=2))
    assert next_deadline(clocks).kind is SlaKind.RESTORE
    assert next_wakeup(clocks, T0 + timedelta(minutes=2)) == T0 + timedelta(hours=4) * 0.8


@given(st.integers(min_value=0, max_value=48 * 60))
def test_state_agrees_with_the_deadline_at_every_minute(minutes):
    sr, timeline = request()
    at = T0 + timedelta(minutes=minutes)
    for clock in sla_clocks(sr, timeline, Targets(), at):
        assert (clock.state is SlaState.BREACHED) == (at >= clock.deadline)
        if clock.state is SlaState.NEAR_BREACH:
            assert clock.near_at <= at < clock.deadline
