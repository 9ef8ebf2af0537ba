"""At 80×24 the footer shows the board's most used keys whole, in English and in Chinese, `?`
(every key) always among them; a wide terminal shows them all and the palette's key."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets._footer import FooterKey

from tests.tui.test_snapshots import settled

MOST_USED = ["n", "⏎", "/", "f", "o", "b"]


def shown(app) -> list[FooterKey]:
    return list(app.screen.query(FooterKey).results(FooterKey))


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_the_boards_footer_at_80_columns_shows_whole_keys(make_app, night, language):
    app = make_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        keys = shown(app)
        displayed = [k.key_display for k in keys]
        assert displayed[: len(MOST_USED)] == MOST_USED, displayed
        assert "?" in displayed and "^p" not in displayed
        right = 0
        for key in keys:  # each drawn whole, inside the screen, none over another
            label = key.render().plain
            assert key.region.width == cell_len(label) and key.region.x >= right, label
            right = key.region.right
            assert right <= 80 and key.description in label, label
        await pilot.resize_terminal(200, 45)
        await pilot_wait_all(pilot, app)


async def pilot_wait_all(pilot, app) -> None:
    from dispatcher.testing.waiting import pilot_wait_for

    await pilot_wait_for(
        pilot, lambda: "^p" in [k.key_display for k in shown(app)], what="every key at 200"
    )
    assert [k.key_display for k in shown(app)][-3:] == ["q", "?", "^p"]
