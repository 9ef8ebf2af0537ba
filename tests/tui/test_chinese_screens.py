"""Every screen of the Chinese desk reads in Chinese: no English word but ids, numbers, units,
product names, key names and the names the roster and the requests themselves give."""

from __future__ import annotations

import html
import re

import pytest

from tests.tui.conftest import SIZE

# Terms the CSC keeps in Latin letters, units, key names, product names.
KEPT = {
    "SR", "SLA", "VIP", "CSC", "CSQ", "TAC", "BD", "BR", "CASE", "UTC", "CST", "L", "Red", "Flag",
    "ctrl", "esc", "enter", "tab", "up", "down", "home", "end", "pageup", "pagedown", "slash",
    "question", "mark", "md", "csv", "json", "Markdown", "HH", "MM", "dispatcher", "English",
    "sms", "email", "voice", "desk", "webhook", "pid", "min",
}  # fmt: skip
SCREENS = {
    "board": (),
    "detail": ("enter",),
    "new request": ("n",),
    "on call": ("o",),
    "outbox": ("b",),
    "callbacks": ("k",),
    "handover": ("h",),
    "reports": ("g",),
    "drills": ("d",),
    "keys": ("question_mark",),
}


def given_words(roster, requests) -> set[str]:
    """Words that come from the roster and the requests: names, ids, sites, products."""
    texts = [roster.source or ""]
    for person in roster.people.values():
        texts += [person.id, person.name, person.unit]
    for unit in roster.units.values():
        texts += [unit.id, unit.name, *unit.sites]
    texts += [*roster.products, *roster.product_lines, *roster.chains]
    texts += [c.name for c in roster.chains.values()]
    texts += [p.name for p in roster.products.values()]
    texts += [line.name for line in roster.product_lines.values()]
    for sr in requests:
        texts += [sr.summary, sr.customer.name, sr.site, sr.product]
    return {w for t in texts for w in re.findall(r"[A-Za-z]+", str(t))}


def screen_text(app) -> str:
    svg = app.export_screenshot()
    svg = re.sub(r"<style.*?</style>", "", svg, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


@pytest.mark.parametrize("screen", SCREENS)
async def test_every_screen_of_the_chinese_desk_is_in_chinese(
    make_app, night, roster, settle, screen
):
    app = make_app("zh")
    allowed = KEPT | given_words(roster, night)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in SCREENS[screen]:
            await pilot.press(key)
            await settle(pilot)
        text = screen_text(app)

    found = set(re.findall(r"(?<![A-Za-z0-9_.@/-])[A-Za-z]{2,}(?![A-Za-z0-9_@-])", text))
    # a name cut short to fit its column ("Bank of Ex…") is still the name
    words = {w for w in found - allowed if not any(a.startswith(w) for a in allowed)}
    assert not words, f"English on the Chinese {screen} screen: {sorted(words)}"
