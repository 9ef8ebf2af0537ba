"""Extensions (finding 5): kept and dialled, or the number refused with one line; never
dropped."""

import pytest

from dispatcher.roster import parse_roster
from dispatcher.roster.errors import RosterError

from .conftest import SAMPLE

LI_NA_DESK = '      - {kind: voice, number: "+1 212 555 0199", label: branch desk}'


def li_na_desk(line: str):
    text = SAMPLE.read_text()
    assert LI_NA_DESK in text
    return parse_roster(text.replace(LI_NA_DESK, line).encode())


def desk_phone(roster):
    return roster.people["sh-li-na"].contacts[1]


@pytest.mark.parametrize(
    "line",
    [
        '      - {kind: voice, number: "+1 212 555 0199 ext. 4321"}',
        '      - {kind: voice, number: "+1 212 555 0199", ext: "4321"}',
        '      - {kind: voice, number: "+1 212 555 0199 ext. 4321", ext: "4321"}',
    ],
)
def test_an_extension_is_kept_with_the_number(line):
    contact = desk_phone(li_na_desk(line))
    assert contact.address == "+12125550199;ext=4321"
    assert (contact.number, contact.extension) == ("+12125550199", "4321")


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        (
            '      - {kind: mobile, number: "+1 212 555 0199 ext. 4321"}',
            "contacts[1].number",
            "a mobile number cannot have an extension (SMS cannot dial 4321); list it as kind: voice",
        ),
        (
            '      - {kind: voice, number: "+1 212 555 0199", ext: "43-21"}',
            "contacts[1].ext",
            "expected an extension of 1 to 30 digits in quotes, got '43-21'",
        ),
        (
            '      - {kind: voice, number: "+1 212 555 0199 ext. 4321", ext: "1234"}',
            "contacts[1].number",
            "the number's extension 4321 differs from ext 1234",
        ),
    ],
)
def test_an_extension_that_cannot_be_dialled_is_refused_in_one_line(line, field, reason):
    with pytest.raises(RosterError) as raised:
        li_na_desk(line)
    [problem] = raised.value.errors
    assert field in problem and problem.endswith(reason)


def test_a_number_without_an_extension_has_none():
    contact = desk_phone(parse_roster(SAMPLE.read_bytes()))
    assert (contact.address, contact.extension) == ("+12125550199", "")
