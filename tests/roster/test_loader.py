"""Reading contacts.yaml: normalised values, every problem in one run, never a traceback."""

from pathlib import Path

import pytest

from dispatcher.domain.chains import RoleTarget
from dispatcher.domain.oncall import DEFAULT_REQUIRED
from dispatcher.domain.roster import ContactKind, Role
from dispatcher.roster import RosterError, load_roster, parse_roster

from .conftest import SAMPLE


def test_numbers_are_normalised_to_e164_and_mail_addresses_kept():
    roster = load_roster(SAMPLE)
    li_na = roster.person("sh-li-na")
    assert li_na.contacts_of(ContactKind.MOBILE)[0].address == "+12125550100"
    assert li_na.contacts_of(ContactKind.VOICE)[0].label == "branch desk"
    assert li_na.contacts_of(ContactKind.EMAIL)[0].address == "li.na@example.com"
    assert (li_na.name_zh, li_na.timezone, li_na.language) == ("李娜", "Asia/Shanghai", "zh")


def test_the_sample_has_the_organisation_the_desk_needs():
    roster = load_roster(SAMPLE)
    kinds = sorted(u.kind.value for u in roster.units.values())
    assert kinds.count("branch") == 3 and "overseas_site" in kinds and kinds.count("bd") == 2
    assert len(roster.product_lines) == 4
    assert any(not p.handed_over for p in roster.products.values())
    emergency = roster.chains["emergency"]
    assert emergency.repeat == 3 and len(emergency.steps) == 3
    assert RoleTarget("$product_line", Role.PRODUCT_LINE_INTERFACE) in emergency.steps[0].targets


def test_without_a_required_key_the_defaults_are_exactly_the_product_rules(base_text):
    text = base_text.split("required:")[0] + "chains:" + base_text.split("chains:")[1]
    roster = parse_roster(text.encode())
    assert roster.required == list(DEFAULT_REQUIRED)
    assert roster.required_pairs() == [
        ("br-sh", Role.CASE_HANDLER),
        ("bd-net", Role.OVERALL_INTERFACE),
        ("pl-core", Role.PRODUCT_LINE_INTERFACE),
    ]


def test_every_problem_is_reported_in_one_run(base_text):
    text = (
        base_text.replace("kind: branch", "kind: office")
        .replace('"+1 212 555 0100"', '"+1 555 0100"')
        .replace("{person: alice}", "{person: alison}")
    )
    with pytest.raises(RosterError) as caught:
        parse_roster(text.encode(), "x.yaml")
    errors = caught.value.errors
    assert [e.split(": ")[1] for e in errors] == [
        "units[1].kind",
        "people[0].contacts[0].number",
        "chains[0].steps[0].targets[1].person",
    ]
    assert str(caught.value) == errors[0] + " (and 2 more errors)"


def test_positions_are_one_based_line_and_column(base_text):
    text = base_text.replace("alice@example.com", "alice@@example.com")
    with pytest.raises(RosterError) as caught:
        parse_roster(text.encode(), "contacts.yaml")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "alice@@" in t)
    column = text.splitlines()[line - 1].index("alice@@") + 1
    assert caught.value.errors[0].startswith(
        f"contacts.yaml:{line}:{column}: people[0].contacts[1].address: "
    )


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "the file is empty"),
        (b"# only a comment\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8"),
        (b"\x00\x01\x02binary", "not valid YAML"),
        (b"- a\n- b\n", "expected a mapping"),
        (b"just words", "expected a mapping"),
        (b"units: [\n", "not valid YAML"),
        (b"? [a, b]\n: c\n", "a key must be text or a number"),
    ],
)
def test_garbage_gives_one_line_errors_not_tracebacks(data, message):
    with pytest.raises(RosterError) as caught:
        parse_roster(data, "bad.yaml")
    assert all("\n" not in e and e.startswith("bad.yaml:") for e in caught.value.errors)
    assert message in " ".join(caught.value.errors)


def test_a_missing_file_is_a_roster_error(tmp_path: Path):
    with pytest.raises(RosterError, match="cannot read the roster"):
        load_roster(tmp_path / "nope.yaml")
