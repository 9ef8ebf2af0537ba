"""How the desk looks, at a fixed clock (02:30 in Shanghai) with no blinking cursor, in English
and in Chinese, at 80×24 and 160×45: the board, the detail view, on call, the help and the
handover; and the new-request form at 160×45; the outbox and the drills in Chinese."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from dispatcher.testing.waiting import pilot_wait_for, settle_workers

SIZE = (160, 45)
SIZES = {"80x24": (80, 24), "160x45": SIZE}
LANGUAGES = ["en", "zh"]
STILL_LOOKS = 3  # the same picture this many looks in a row (0.05 s apart) is a still one


async def settled(pilot) -> None:
    """Workers done, results on screen, no blinking cursor, and the picture no longer changing
    (a table sizes its columns on a later pass, which a loaded machine can put off)."""
    for _ in range(3):
        await settle_workers(pilot)
        await pilot.wait_for_scheduled_animations()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    pictures: list[str] = []

    def unchanged() -> bool:
        pictures.append(pilot.app.export_screenshot())
        return len(pictures) >= STILL_LOOKS and len(set(pictures[-STILL_LOOKS:])) == 1

    await pilot_wait_for(pilot, unchanged, timeout=30, interval=0.05, what="the picture still")


def shoot(snap_compare, app, *keys: str | tuple[str, ...], size=SIZE) -> bool:
    """The app's picture after `keys`, each waited for; a tuple of keys is typed as one word
    (a list searches what is typed within 0.7 s, which a wait after each letter can outlast)."""

    async def run_before(pilot) -> None:
        await settled(pilot)
        for key in keys:
            await pilot.press(*key) if isinstance(key, tuple) else await pilot.press(key)
            await settled(pilot)

    return snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "screen, keys",
    [("board", ()), ("detail", ("enter",)), ("on_call", ("o",)), ("help", ("question_mark",)),
     ("handover", ("h",))],
)  # fmt: skip
def test_screen(snap_compare, make_app, night, screen, keys, language, size):
    assert shoot(snap_compare, make_app(language), *keys, size=SIZES[size])


@pytest.mark.parametrize("language", LANGUAGES)
def test_new_request_form(snap_compare, make_app, night, language):
    # an emergency ticked in the checklist: the preview shows whom the chain calls
    keys = [
        "n",
        tuple("Core"),
        *["tab"] * 4,
        "enter",
        tuple("Shanghai"),
        "enter",
        "tab",
        "enter",
        tuple("msc"),
        "enter",
        "tab",
        "tab",
        tuple("China"),
        *["tab"] * 5,
        "space",
    ]
    assert shoot(snap_compare, make_app(language), *keys)


@pytest.mark.parametrize(("screen", "key"), [("outbox", "b"), ("drills", "d")])
def test_the_other_screens_in_chinese(snap_compare, make_app, night, screen, key):
    # The callback queue and the reports are checked by their words in test_chinese_screens.py.
    assert shoot(snap_compare, make_app("zh"), key)
