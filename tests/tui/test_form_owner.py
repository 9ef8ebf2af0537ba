"""The new-request form's owner is the roster's, checked as `sr new` checks `--owner-unit`
and `--owner-person` (`dispatcher.domain.names.resolve_name`): a name of nobody is refused
in one line naming the field, the focus moved there, in English and in Chinese; a name the
roster holds is saved as its id."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from textual.widgets import Input, Static

from dispatcher.cli import cli
from dispatcher.store.requests import RequestFilter, RequestRepository
from dispatcher.tui.screens.board import BoardScreen
from dispatcher.tui.screens.new_request import NewRequestScreen
from tests.tui.conftest import ROOT

FIELD = {
    "en": {"owner_unit": "Owner unit", "owner_person": "Owner person"},
    "zh": {"owner_unit": "负责单位", "owner_person": "负责人"},
}


async def fill_emergency(pilot, settle, unit: str, person: str) -> NewRequestScreen:
    """`n`, "Bank down", criterion 1, Shanghai, msc-9000, customer Bank, the owner typed."""
    await pilot.press("n")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, NewRequestScreen)
    await pilot.press(*"Bank", "space", *"down")
    form.query_one("#criteria").select("1")
    form.query_one("#site").value = "Shanghai"
    form.query_one("#product").value = "msc-9000"
    form.query_one("#customer", Input).value = "Bank"
    form.query_one("#owner_unit", Input).value = unit
    form.query_one("#owner_person", Input).value = person
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    return form


def notices(app) -> str:
    return "\n".join(n.message for n in app._notifications)


@pytest.mark.parametrize(
    "language, unit, person, field, said",
    [
        ("en", "no-such-unit", "Nobody Here", "owner_unit", "Owner unit: 'no-such-unit'"),
        ("en", "br-shanghai", "Nobody Here", "owner_person", "Owner person: 'Nobody Here'"),
        ("zh", "no-such-unit", "", "owner_unit", "「no-such-unit」"),
        ("zh", "", "Nobody Here", "owner_person", "「Nobody Here」"),
    ],
)
async def test_an_owner_the_roster_does_not_hold_is_refused_naming_the_field(
    make_app, store, settle, language, unit, person, field, said
):
    app = make_app(language)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        form = await fill_emergency(pilot, settle, unit, person)
        assert app.screen is form  # still the form: nothing saved
        assert RequestRepository(store).matching(RequestFilter()) == []
        error = str(form.query_one("#form-error", Static).render())
        assert said in error and said in notices(app)
        assert form.query_one(f"#{field}", Input).has_focus
        assert error.startswith(f"{FIELD[language][field]}: "), error
        if language == "zh":
            assert "roster" not in error and "花名册" in error, error


async def test_an_owner_named_as_the_roster_names_them_is_saved_as_ids(make_app, store, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await fill_emergency(pilot, settle, "Shanghai Branch", "li na")
        assert isinstance(app.screen, BoardScreen), notices(app)
        [sr] = RequestRepository(store).matching(RequestFilter())
        assert (sr.owner.unit, sr.owner.person) == ("br-shanghai", "sh-li-na")


def test_the_command_line_refuses_the_same_owner(tmp_path, quiet_environ):
    result = CliRunner().invoke(
        cli,
        [
            "sr", "new", "--summary", "Bank down", "--category", "fault_support",
            "--criterion", "1", "--site", "Shanghai", "--product", "msc-9000",
            "--customer", "Bank", "--owner-unit", "no-such-unit",
            "--owner-person", "Nobody Here",
            "--roster", str(ROOT / "contacts.yaml"), "--data", str(tmp_path / "data"),
        ],
        env=quiet_environ,
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--owner-unit: no unit or product line 'no-such-unit'" in result.output
