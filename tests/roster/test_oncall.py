"""Who is on call: rotations with overrides applied, spans, now and next, and look-ups."""

from datetime import timedelta

import pytest

from dispatcher.domain.chains import ChainStep, PersonTarget, RoleTarget
from dispatcher.domain.roster import Role
from dispatcher.domain.rotation import Override
from dispatcher.domain.routing import resolve_step
from dispatcher.errors import NotFound
from dispatcher.roster import load_roster

from .conftest import SAMPLE, rotation, small_roster, utc

CASE = Role.CASE_HANDLER


def test_an_override_splits_a_shift_in_three():
    roster = small_roster(rotation(slots=["alice", "bob"]))  # alice 00:00-12:00 UTC on 2 Nov
    cover = Override("o1", "carol", utc(2026, 11, 2, 3), utc(2026, 11, 2, 5), covers="alice")
    spans = roster.timeline("br", CASE, utc(2026, 11, 2, 0), utc(2026, 11, 2, 12), (cover,))
    assert [(s.start.hour, s.end.hour, s.people) for s in spans] == [
        (0, 3, ("alice",)),
        (3, 5, ("carol",)),
        (5, 12, ("alice",)),
    ]
    assert [p.id for p in roster.on_call("br", CASE, utc(2026, 11, 2, 4), (cover,))] == ["carol"]
    assert [p.id for p in roster.on_call("br", CASE, utc(2026, 11, 2, 5), (cover,))] == ["alice"]


def test_an_override_for_another_role_leaves_this_one_alone():
    roster = small_roster(rotation(slots=["alice"]))
    cover = Override(
        "o1",
        "carol",
        utc(2026, 11, 2, 3),
        utc(2026, 11, 2, 5),
        covers="alice",
        role=Role.ENGINEERING_GM,
    )
    assert [p.id for p in roster.on_call("br", CASE, utc(2026, 11, 2, 4), (cover,))] == ["alice"]


def test_an_override_without_covers_adds_someone_to_an_empty_slot():
    roster = small_roster(rotation(slots=["alice", None]))
    extra = Override("o1", "bob", utc(2026, 11, 2, 12), utc(2026, 11, 3, 0), unit="br", role=CASE)
    assert roster.on_call("br", CASE, utc(2026, 11, 2, 13)) == []
    assert [p.id for p in roster.on_call("br", CASE, utc(2026, 11, 2, 13), (extra,))] == ["bob"]


def test_now_and_next_give_the_real_shift_start_and_the_handoff():
    roster = small_roster(rotation(slots=["alice", "bob"]))
    now, following = roster.now_and_next("br", CASE, utc(2026, 11, 10, 14))
    assert (now.start, now.end, now.people) == (
        utc(2026, 11, 10, 12),
        utc(2026, 11, 11, 0),
        ("bob",),
    )
    assert following.people == ("alice",) and following.start == utc(2026, 11, 11, 0)


def test_sample_lookups():
    roster = load_roster(SAMPLE)
    assert roster.branch_for_site("jiangsu").id == "br-shanghai"
    assert roster.branch_for_site("Ireland").id == "ovs-london"
    assert roster.branch_for_site("Mars") is None
    assert roster.products["epc-5g"].handed_over is False
    assert roster.l1_unit("epc-5g", "Shanghai").id == "bd-network"  # 未移交: the BD gives L1
    assert roster.l1_unit("msc-9000", "Shanghai").id == "br-shanghai"
    assert [c.id for c in roster.extra_criteria("msc-9000")] == ["CN-1"]
    assert roster.extra_criteria("olt-5000") == ()
    assert roster.product_lines["pl-core"].sla[
        next(iter(roster.product_lines["pl-core"].sla))
    ].response == timedelta(minutes=15)
    with pytest.raises(NotFound):
        roster.person("nobody")
    with pytest.raises(NotFound):
        roster.extra_criteria("nothing")


def test_placeholders_resolve_from_the_service_request():
    roster = load_roster(SAMPLE)
    at = utc(2026, 11, 24, 13)
    assert roster.resolve_unit("$branch", site="Beijing") == "br-beijing"
    assert roster.resolve_unit("$bd", product="bill-one") == "bd-access"
    assert roster.resolve_unit("$product_line", product="bill-one") == "pl-oss"
    assert roster.resolve_unit("$branch", site="Atlantis") is None
    step = roster.chains["emergency"].steps[0]
    assert step.channels == ("voice", "sms", "email")

    def holders(unit, role):
        return roster.holder_ids(unit, role, at)

    people, nobody = resolve_step(roster, step, "Shanghai", "msc-9000", holders)
    assert len(people) == 3 and nobody == ()
    lost = ChainStep((RoleTarget("$branch", CASE), PersonTarget("sh-li-na")), ("sms",), 5)
    people, nobody = resolve_step(roster, lost, "Atlantis", "", holders)
    assert [p.name for p in people] == ["Li Na"] and nobody == (RoleTarget("$branch", CASE),)
