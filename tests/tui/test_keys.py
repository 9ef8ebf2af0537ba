"""Help grouped by screen, from the one command list; no key means two things on one screen."""

from textual.widgets import DataTable

from dispatcher.tui.commands import COMMANDS, commands_for
from dispatcher.tui.screens.keys import KeysScreen, scope_order


def test_no_key_means_two_things_on_one_screen():
    for scope in {c.scope for c in COMMANDS} - {"app"}:
        keys = [c.key for c in commands_for(scope) + commands_for("app")]
        assert len(keys) == len(set(keys)), (scope, sorted(keys))


def test_every_scope_is_in_the_help_once_the_screen_in_front_first():
    order = scope_order("detail")
    assert order[:2] == ["detail", "app"]
    assert sorted(order) == sorted({c.scope for c in COMMANDS})


async def test_help_shows_the_keys_under_their_screen(make_app, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        headings = [r[0] for r in rows if r[1] == ""]
        assert headings[:2] == ["Board", "Everywhere"]
        assert {"Request", "Callback queue (回访)", "Handover", "Reports", "Drills"} <= set(
            headings
        )

        def section(title: str) -> list[list[str]]:
            start = rows.index([title, "", ""]) + 1
            end = next((i for i in range(start, len(rows)) if rows[i][1] == ""), len(rows))
            return rows[start:end]

        assert ["r", "Refresh"] in [r[:2] for r in section("Board")]
        assert ["r", "Reassign"] in [r[:2] for r in section("Request")]
        assert ["v", "Override"] in [r[:2] for r in section("On call")]
        assert ["s", "Save"] in [r[:2] for r in section("Handover")]
        assert ["a", "Abort drill"] in [r[:2] for r in section("Drills")]
