"""A month of requests (October 2026, UTC) with known answers, built through the domain's own
lifecycle methods and imported with their timelines. The figures it must give are worked out
by hand in test_periodic.py."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from dispatcher.domain.lifecycle import CallbackOutcome
from dispatcher.domain.planned import CallbackAttempt, PlannedKind, PlannedService
from dispatcher.domain.request_parts import Category, Customer, IntakeChannel, Severity
from dispatcher.domain.requests import ServiceRequest
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.store.complaints import ComplaintRepository
from dispatcher.store.planned import PlannedRepository
from dispatcher.store.requests import RequestRepository

SAMPLE_ROSTER = Path(__file__).resolve().parents[2] / "contacts.yaml"
START = datetime(2026, 10, 1, tzinfo=UTC)
END = datetime(2026, 11, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 25, tzinfo=UTC)


def at(day, hour, minute=0, month=10):
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def request(
    sr_id,
    received,
    category,
    severity,
    intake,
    site,
    product,
    steps,
    *,
    criteria=(),
    customer="",
    drill=False,
):
    """An SR and its timeline: `steps` are (minutes after receipt, method, arguments)."""
    sr = ServiceRequest(
        sr_id,
        received,
        Category(category),
        f"{sr_id} summary",
        severity=Severity(severity),
        intake=IntakeChannel(intake),
        site=site,
        product=product,
        criteria=tuple(criteria),
        customer=Customer(customer),
        drill=drill,
    )
    events = sr.registered(received, "desk", "phone")
    for minutes, method, kwargs in steps:
        events += getattr(sr, method)(received + timedelta(minutes=minutes), "desk", **kwargs)
    return sr, events


def reached(score, **extra):
    return ("record_callback", dict(outcome=CallbackOutcome.REACHED, score=score, **extra))


def unreached():
    return ("record_callback", {"outcome": CallbackOutcome.NOT_REACHED})


def steps(*pairs):
    return [
        (minutes, *call) if isinstance(call, tuple) else (minutes, call, {})
        for minutes, call in pairs
    ]


def month_of_requests():
    return [
        # A: a core-network emergency in Shanghai, every clock met, called back, closed.
        request(
            "SR-20261002-0001",
            at(2, 1),
            "fault_support",
            "critical",
            "phone",
            "Shanghai",
            "msc-9000",
            steps(
                (10, "acknowledge"),
                (120, "restore"),
                (600, "resolve"),
                (1440, reached(5)),
                (1500, "close"),
            ),
            criteria=("1",),
        ),
        # B: optical, Beijing, late acknowledgement and restore, escalated to the TAC; three
        # unanswered callbacks, then closed with the reason.
        request(
            "SR-20261003-0001",
            at(3, 2),
            "fault_support",
            "critical",
            "email",
            "Beijing",
            "otn-3800",
            steps(
                (20, "acknowledge"),
                (25, "escalate"),
                (300, "restore"),
                (1440, "resolve"),
                (1500, unreached()),
                (1600, unreached()),
                (1700, unreached()),
                (1800, ("close", {"without_callback": "number out of service"})),
            ),
        ),
        # C: major, Shanghai: resolved without a restore, a dissatisfied callback reopens it,
        # restored and resolved again, called back, closed.
        request(
            "SR-20261005-0001",
            at(5, 10),
            "fault_support",
            "major",
            "phone",
            "Shanghai",
            "msc-9000",
            steps(
                (30, "acknowledge"),
                (900, "resolve"),
                (1000, reached(2, words="still dropping calls", reopen=True)),
                (1100, "restore"),
                (1200, "resolve"),
                (1300, reached(4)),
                (1400, "close"),
            ),
        ),
        # D: technical consultation on a product line with no minor SLA.
        request(
            "SR-20261010-0001",
            at(10, 9),
            "technical_consultation",
            "minor",
            "web",
            "Beijing",
            "olt-5000",
            steps((60, "acknowledge"), (240, "resolve"), (300, reached(5)), (360, "close")),
        ),
        # E: a complaint about billing, answered in time, resolved, closed.
        request(
            "SR-20261012-0001",
            at(12, 8),
            "complaint",
            "minor",
            "phone",
            "Shanghai",
            "bill-one",
            steps((30, "acknowledge"), (2880, "resolve"), (2900, reached(3)), (2950, "close")),
            customer="Bank of Example",
        ),
        # F: the same customer about the same thing again: still open, never answered.
        request(
            "SR-20261020-0001",
            at(20, 8),
            "complaint",
            "minor",
            "phone",
            "Shanghai",
            "bill-one",
            steps(
                (120, "acknowledge"),
            ),
            customer="bank of example",
        ),
        # G: an emergency at the London site (BR), acknowledged, still open at the end.
        request(
            "SR-20261025-0001",
            at(25, 22),
            "fault_support",
            "critical",
            "overseas_site",
            "United Kingdom",
            "ims-core",
            steps(
                (5, "acknowledge"),
            ),
            criteria=("9",),
        ),
        # H: a drill: must count nowhere.
        request(
            "SR-20261015-0001",
            at(15, 3),
            "fault_support",
            "critical",
            "phone",
            "Shanghai",
            "msc-9000",
            steps((1, "acknowledge"), (2, "resolve"), (3, reached(1)), (4, "close")),
            criteria=("1",),
            drill=True,
        ),
        # K: a consultation resolved without acknowledgement, waiting for its callback.
        request(
            "SR-20261028-0001",
            at(28, 12),
            "consultation",
            "info",
            "phone",
            "",
            "",
            steps(
                (15, "resolve"),
            ),
        ),
        # I: September, still open with its Red Flag: counts only for Red Flags open.
        request(
            "SR-20260920-0001",
            at(20, 12, month=9),
            "fault_support",
            "major",
            "phone",
            "Beijing",
            "olt-5000",
            steps(
                (60, "acknowledge"),
            ),
            criteria=("2",),
        ),
        # J: September and November, closed: outside the month.
        request(
            "SR-20260915-0001",
            at(15, 12, month=9),
            "consultation",
            "minor",
            "phone",
            "",
            "",
            steps((10, "resolve"), (20, reached(5)), (30, "close")),
        ),
        request(
            "SR-20261102-0001",
            at(2, 12, month=11),
            "consultation",
            "minor",
            "phone",
            "",
            "",
            steps((10, "resolve"), (20, reached(1)), (30, "close")),
        ),
    ]


def build_month(data_dir):
    store = Store(data_dir)
    requests = RequestRepository(store)
    built = month_of_requests()
    requests.import_batch(built)
    by_id = {sr.id: sr for sr, _ in built}
    complaints = ComplaintRepository(store)
    complaints.record(by_id["SR-20261012-0001"], "billing errors")
    complaints.record(by_id["SR-20261020-0001"], "Billing  Errors")
    complaints.change(
        "SR-20261012-0001",
        lambda c: c.respond(at(12, 11), "refund issued"),
        at(12, 11),
        "desk",
        "phone",
        "refund issued",
        "response",
    )
    planned = PlannedRepository(store)
    for start, title, done, called in (
        (at(8, 1), "MSC cutover", at(8, 4), True),
        (at(22, 1), "OTN ring cutover", at(22, 5), False),
        (at(3, 1, month=11), "IMS cutover", at(3, 3, month=11), True),
    ):
        work = planned.add(
            start,
            lambda pid, s=start, t=title: PlannedService(
                pid, PlannedKind.CUTOVER, t, s, s + timedelta(hours=5), "Shanghai"
            ),
            ZoneInfo("Asia/Shanghai"),
        )
        planned.change(work.id, lambda w, d=done: w.complete(d))
        if called:
            planned.change(
                work.id,
                lambda w, d=done: w.record_callback(
                    CallbackAttempt(d + timedelta(hours=2), "desk", CallbackOutcome.REACHED, 4)
                ),
            )
    # an inspection completed in the month: no satisfaction call, not a cutover
    work = planned.add(
        at(9, 1),
        lambda pid: PlannedService(
            pid, PlannedKind.INSPECTION, "Yearly inspection", at(9, 1), at(9, 3), "Beijing"
        ),
        ZoneInfo("Asia/Shanghai"),
    )
    planned.change(work.id, lambda w: w.complete(at(9, 3)))
    return store


@pytest.fixture
def month(tmp_path):
    store = build_month(tmp_path / "data")
    yield store, load_roster(SAMPLE_ROSTER)
    store.close()
