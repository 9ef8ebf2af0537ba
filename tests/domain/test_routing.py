"""Routing by the CSC's rules, and the chain preview, on the sample roster."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from dispatcher.domain.request_parts import Category, Level
from dispatcher.domain.roster import Role
from dispatcher.domain.routing import preview, route
from dispatcher.roster import load_roster

ROSTER = load_roster(Path(__file__).resolve().parents[2] / "contacts.yaml")
NIGHT = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "category, level, site, product, handler",
    [
        (Category.FAULT_SUPPORT, Level.L1, "Jiangsu", "msc-9000", "br-shanghai"),
        (Category.FAULT_SUPPORT, Level.L1, "Jiangsu", "epc-5g", "bd-network"),  # 未移交
        (Category.FAULT_SUPPORT, Level.L2, "Jiangsu", "msc-9000", "tac"),
        (Category.FAULT_SUPPORT, Level.L3, "Jiangsu", "msc-9000", "bd-network"),
        (Category.PLANNED_SERVICE, Level.L1, "Guangdong", "otn-3800", "br-guangzhou"),
        (Category.TECHNICAL_CONSULTATION, Level.L1, "Beijing", "otn-3800", "pl-optical"),
        (Category.CONSULTATION, Level.L1, "Beijing", "", "csc"),
        (Category.COMPLAINT, Level.L1, "Beijing", "", "csc"),
    ],
)
def test_each_category_goes_to_its_department(category, level, site, product, handler):
    routing = route(ROSTER, category, level, site, product, emergency=False)
    assert routing.handler == handler, routing.why


def test_an_unknown_site_has_no_handler_and_says_so():
    routing = route(ROSTER, Category.FAULT_SUPPORT, Level.L1, "Atlantis", "msc-9000", False)
    assert routing.handler is None and "Atlantis" in routing.why


def test_an_emergency_runs_the_emergency_chain_whatever_its_category():
    routing = route(ROSTER, Category.CONSULTATION, Level.L1, "Jiangsu", "msc-9000", True)
    assert routing.chain == "emergency" and "every channel" in routing.why
    calm = route(ROSTER, Category.FAULT_SUPPORT, Level.L1, "Jiangsu", "msc-9000", False)
    assert calm.chain == "fault"
    none = route(ROSTER, Category.COMPLAINT, Level.L1, "", "", False)
    assert none.chain is None and "no 'complaint' chain" in none.why


def test_the_emergency_preview_names_who_is_called_at_3am_by_which_channels():
    steps = preview(ROSTER, ROSTER.chains["emergency"], NIGHT, "Jiangsu", "msc-9000")
    first = steps[0]
    assert first.channels == ("voice", "sms", "email") and first.wait_minutes == 10
    expected = {
        p.id
        for unit, role in (
            ("br-shanghai", Role.CASE_HANDLER),
            ("br-shanghai", Role.ENGINEERING_GM),
            ("pl-core", Role.PRODUCT_LINE_INTERFACE),
        )
        for p in ROSTER.on_call(unit, role, NIGHT)
    }
    assert {p.id for p in first.people} == expected
    assert {ROSTER.person(p.id).unit for p in first.people} >= {"br-shanghai"}
    assert not any(s.skipped for s in steps)


def test_a_product_not_handed_over_still_pages_the_branch_covering_the_site():
    # The BD gives L1 for epc-5g (未移交), but the Shanghai branch carries out the recovery:
    # its case handler and engineering GM are paged at step 1 beside the product line.
    steps = preview(ROSTER, ROSTER.chains["emergency"], NIGHT, "Jiangsu", "epc-5g")
    first = steps[0]
    assert first.nobody_for == ()
    units = [ROSTER.person(p.id).unit for p in first.people]
    assert units == ["br-shanghai", "br-shanghai", "pl-core"]


def test_a_severity_of_its_own_gets_its_own_calmer_chain():
    from dataclasses import replace

    from dispatcher.domain.chains import ChainSpec
    from dispatcher.domain.request_parts import Severity

    roster = replace(
        ROSTER,
        chains={
            **ROSTER.chains,
            "fault-critical": ChainSpec(
                "fault-critical", "Critical faults", ROSTER.chains["fault"].steps
            ),
        },
    )
    critical = route(
        roster, Category.FAULT_SUPPORT, Level.L1, "Jiangsu", "msc-9000", False, Severity.CRITICAL
    )
    assert critical.chain == "fault-critical" and "for a critical request" in critical.why
    minor = route(
        roster, Category.FAULT_SUPPORT, Level.L1, "Jiangsu", "msc-9000", False, Severity.MINOR
    )
    assert minor.chain == "fault"
