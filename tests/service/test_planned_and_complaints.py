"""Planned services (the automatic cutover callback, faults during a window) and complaints
(deadlines, response, repeats linked and counted)."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dispatcher.domain.complaints import new_complaint
from dispatcher.domain.lifecycle import CallbackOutcome
from dispatcher.domain.planned import CallbackAttempt, PlannedKind, PlannedService
from dispatcher.domain.request_parts import Category
from dispatcher.domain.requests import ServiceRequest
from dispatcher.errors import DispatcherError, IllegalTransition

T0 = datetime(2026, 11, 25, 22, 0, tzinfo=UTC)


def cutover(kind=PlannedKind.CUTOVER):
    return PlannedService(
        "PS-20261125-01",
        kind,
        "MSC swap",
        T0,
        T0 + timedelta(hours=6),
        "Shanghai",
        "msc-9000",
        "China Example",
        "Ma Li +12125550100",
    )


def test_completing_a_cutover_queues_its_satisfaction_callback_and_other_work_does_not():
    work = cutover()
    assert work.callback_due() is None  # not before completion
    done = work.complete(T0 + timedelta(hours=5))
    due = done.callback_due()
    assert (due.subject, due.kind, due.since) == (work.id, "cutover", T0 + timedelta(hours=5))
    assert cutover(PlannedKind.PATCH).complete(T0).callback_due() is None
    with pytest.raises(IllegalTransition, match="only cutovers"):
        cutover(PlannedKind.UPGRADE).complete(T0).record_callback(
            CallbackAttempt(T0, "desk", CallbackOutcome.REACHED, 5)
        )
    tried = done
    for _ in range(2):
        tried = tried.record_callback(CallbackAttempt(T0, "desk", CallbackOutcome.NOT_REACHED))
    assert tried.callback_due().attempts == 2
    assert (
        tried.record_callback(
            CallbackAttempt(T0, "desk", CallbackOutcome.NOT_REACHED)
        ).callback_due()
        is None
    )
    assert (
        done.record_callback(CallbackAttempt(T0, "desk", CallbackOutcome.REACHED, 5)).callback_due()
        is None
    )


def test_a_fault_at_the_site_during_the_window_is_linked_to_the_work():
    def fault(n, received, site="Shanghai", category=Category.FAULT_SUPPORT, drill=False):
        return ServiceRequest(
            f"SR-20261125-000{n}",
            received,
            category,
            "x",
            site=site,
            product="msc-9000",
            drill=drill,
        )

    requests = [
        fault(1, T0 + timedelta(hours=1)),
        fault(2, T0 + timedelta(hours=7)),
        fault(3, T0 + timedelta(hours=1), site="Beijing"),
        fault(4, T0 + timedelta(hours=2), category=Category.CONSULTATION),
        fault(5, T0 + timedelta(hours=2), drill=True),
    ]
    assert [sr.id for sr in cutover().linked_faults(requests)] == ["SR-20261125-0001"]


def test_planned_commands_complete_a_cutover_and_the_callback_is_in_the_queue(run):
    made = json.loads(
        run(
            "planned",
            "new",
            "--kind",
            "cutover",
            "--title",
            "MSC swap",
            "--start",
            "2026-11-25T22:00+00:00",
            "--end",
            "2026-11-26T04:00+00:00",
            "--site",
            "Shanghai",
            "--customer",
            "China Example",
            "--contact",
            "Ma Li",
            "--json",
        ).output
    )
    ps_id = made["id"]
    assert ps_id == "PS-20261126-01"  # 22:00 UTC is 06:00 on the 26th at the CSC (Shanghai)
    run(
        "planned",
        "new",
        "--kind",
        "patch",
        "--title",
        "OSS patch",
        "--start",
        "2026-11-25T23:00+00:00",
        "--end",
        "2026-11-26T01:00+00:00",
    )
    listed = run(
        "planned", "list", "--from", "2026-11-25T20:00+00:00", "--to", "2026-11-26T08:00+00:00"
    ).output
    assert "MSC swap" in listed and "OSS patch" in listed
    run(
        "sr",
        "new",
        "--summary",
        "calls dropping",
        "--category",
        "fault_support",
        "--site",
        "shanghai",
        "--received",
        "2026-11-26T01:30+00:00",
    )
    shown = json.loads(run("planned", "show", ps_id, "--json").output)
    assert shown["linked_faults"] == ["SR-20261126-0001"]
    assert "FAULTS DURING WINDOW: SR-20261126-0001" in run("planned", "show", ps_id).output
    assert "nobody is waiting" in run("sr", "callback").output
    completed = run("planned", "complete", ps_id).output
    assert "satisfaction callback queued" in completed
    queue = json.loads(run("sr", "callback", "--json").output)
    assert [(i["subject"], i["kind"], i["contact"]) for i in queue] == [(ps_id, "cutover", "Ma Li")]
    run("planned", "complete", "PS-20261126-02")  # a patch: no callback
    assert len(json.loads(run("sr", "callback", "--json").output)) == 1
    run("sr", "callback", ps_id, "--outcome", "reached", "--score", "5", "--words", "smooth")
    assert json.loads(run("sr", "callback", "--json").output) == []
    again = run("planned", "complete", ps_id, ok=False)
    assert again.exit_code == 2 and "it is completed" in again.output
    backwards = run(
        "planned",
        "new",
        "--kind",
        "upgrade",
        "--title",
        "x",
        "--start",
        "2026-11-26T04:00",
        "--end",
        "2026-11-26T01:00",
        ok=False,
    )
    assert backwards.exit_code == 2 and "--end" in backwards.output


def test_a_repeat_complaint_is_linked_to_the_first_of_its_chain():
    first = new_complaint("SR-20261101-0001", T0, "Bank of Example", "billing errors", [])
    other = new_complaint("SR-20261102-0001", T0, "Bank of Example", "slow repair", [first])
    second = new_complaint(
        "SR-20261103-0001",
        T0 + timedelta(days=2),
        " bank of EXAMPLE ",
        "Billing   errors",
        [first, other],
    )
    third = new_complaint(
        "SR-20261104-0001",
        T0 + timedelta(days=3),
        "Bank of Example",
        "billing errors",
        [first, other, second],
    )
    assert (first.repeat_of, first.repeat_number) == ("", 0)
    assert (other.repeat_of, other.repeat_number) == ("", 0)
    assert (second.repeat_of, second.repeat_number) == ("SR-20261101-0001", 1)
    assert (third.repeat_of, third.repeat_number) == ("SR-20261101-0001", 2)
    assert first.respond_by == T0 + timedelta(hours=24)
    assert first.resolve_by == T0 + timedelta(days=7)
    with pytest.raises(DispatcherError, match="deadlines"):
        new_complaint("SR-1", T0, "x", "y", [], respond_by=T0 - timedelta(hours=1))


def test_complaint_commands_link_repeats_and_record_the_response(run):
    first = run(
        "complaint",
        "new",
        "--customer",
        "Bank of Example",
        "--about",
        "billing errors",
        "--summary",
        "wrong bill",
        "--owner-person",
        "csc-jiang-hong",
        "--roster",
        Path(__file__).resolve().parents[2] / "contacts.yaml",
    ).output.strip()
    second = run(
        "complaint",
        "new",
        "--customer",
        "bank of example",
        "--about",
        "Billing Errors",
        "--summary",
        "wrong bill again",
    )
    assert f"REPEAT complaint: repeat 2 of {first}" in second.output
    second_id = second.stdout.strip()
    run("complaint", "investigate", first, "rating table was stale")
    answered = json.loads(run("complaint", "respond", first, "refund issued", "--json").output)
    assert answered["response"] == "refund issued" and answered["responded_at"]
    twice = run("complaint", "respond", first, "again", ok=False)
    assert twice.exit_code == 2 and "already answered" in twice.output
    shown = json.loads(run("complaint", "show", second_id, "--json").output)
    assert shown["complaint"]["repeat_of"] == first
    assert shown["chain"] == [first, second_id]
    assert shown["request"]["category"] == "complaint"
    assert shown["request"]["owner"]["unit"] == "csc"
    timeline = json.loads(run("sr", "show", first, "--json").output)["timeline"]
    assert [(e["kind"], e["data"].get("complaint")) for e in timeline[-2:]] == [
        ("note", "investigation"),
        ("note", "response"),
    ]
    listed = run("complaint", "list").output
    assert f"repeat 2 of {first}" in listed and "answered" in listed
    missing = run("complaint", "new", "--customer", "x", "--about", " ", "--summary", "y", ok=False)
    assert missing.exit_code == 2 and "--about: must not be empty" in missing.output
    assert len(json.loads(run("sr", "list", "--json").output)) == 2  # nothing half-written
