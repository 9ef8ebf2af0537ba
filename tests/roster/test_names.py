"""One name resolver for the command line and the desk (`resolve_name`): by id or any name,
case and spaces ignored; a name of several entries or of none is refused with what it names or
what is near."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dispatcher.domain.names import Ambiguous, Unnamed, person_named, resolve_name
from dispatcher.roster import load_roster
from dispatcher.roster.phones import e164, valid_number, written

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def roster():
    return load_roster(ROOT / "contacts.yaml")


def test_a_person_and_a_unit_are_found_by_id_or_any_name(roster):
    assert resolve_name(roster, "person", "  li   NA ") == "sh-li-na"
    assert resolve_name(roster, "person", "李娜") == "sh-li-na"
    assert resolve_name(roster, "person", "Li Na (李娜)") == "sh-li-na"
    assert resolve_name(roster, "unit", "TAC") == "tac"
    assert resolve_name(roster, "unit", "technical assistance centre") == "tac"


def test_a_name_two_people_share_names_both_and_an_unknown_one_what_is_near(roster):
    twin = replace(roster.person("sh-li-na"), id="bj-li-na", unit="br-beijing", name_zh="")
    shared = replace(roster, people={**roster.people, twin.id: twin})
    with pytest.raises(Ambiguous) as many:
        resolve_name(shared, "person", "Li Na")
    assert many.value.ids == ["sh-li-na", "bj-li-na"]
    assert resolve_name(shared, "person", "bj-li-na") == "bj-li-na"  # the id is exact
    assert person_named(shared.people, "Li Na") == "Li Na"  # several: left as written
    with pytest.raises(Unnamed) as missing:
        resolve_name(roster, "unit", "tacx")
    assert missing.value.near == ["tac"]
    with pytest.raises(Unnamed) as blank:
        resolve_name(roster, "person", " ")
    assert blank.value.known  # nothing near a blank: the first ids instead


def test_a_typed_number_and_a_roster_number_are_written_alike():
    number = valid_number("+1 212 555 0100 ext. 4321")
    assert number is not None and written(number) == "+12125550100;ext=4321"
    assert written(number, "") == "+12125550100"  # an extension given as none
    assert e164("021 6123 4567", "CN") == "+862161234567"
    assert e164("12", "CN") is None and valid_number("not a number") is None
