"""How the desk looks, at a fixed size and a fixed clock (02:30 in Shanghai), in English and
in Chinese: the board, the new-request form, the detail view and the on-call screen; every
other screen in Chinese."""

from __future__ import annotations

import pytest
from textual.widgets import Input

SIZE = (160, 45)
LANGUAGES = ["en", "zh"]


async def settled(pilot) -> None:
    """Workers done, results on screen, no blinking cursor."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def shoot(snap_compare, app, *keys: str) -> bool:
    async def run_before(pilot) -> None:
        await settled(pilot)
        for key in keys:
            await pilot.press(key)
            await settled(pilot)

    return snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", LANGUAGES)
def test_board(snap_compare, make_app, night, language):
    assert shoot(snap_compare, make_app(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_new_request_form(snap_compare, make_app, night, language):
    # an emergency ticked in the checklist: the preview shows whom the chain calls
    keys = [
        "n",
        *"Core",
        *["tab"] * 4,
        "enter",
        *"Shanghai",
        "enter",
        "tab",
        "enter",
        *"msc",
        "enter",
        *["tab"] * 7,
        "space",
    ]
    assert shoot(snap_compare, make_app(language), *keys)


@pytest.mark.parametrize("language", LANGUAGES)
def test_detail(snap_compare, make_app, night, language):
    assert shoot(snap_compare, make_app(language), "enter")


@pytest.mark.parametrize("language", LANGUAGES)
def test_on_call(snap_compare, make_app, night, language):
    assert shoot(snap_compare, make_app(language), "o")


@pytest.mark.parametrize(
    ("screen", "key"),
    [
        ("outbox", "b"),
        ("drills", "d"),
        ("keys", "question_mark"),
    ],
)
def test_the_other_screens_in_chinese(snap_compare, make_app, night, screen, key):
    # The callback queue, the handover and the reports read the machine's clock, not the desk's,
    # so they have no stable picture; test_chinese_screens.py checks their words instead.
    assert shoot(snap_compare, make_app("zh"), key)
