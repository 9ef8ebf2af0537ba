"""At 80×24 every notification's state shows (the desk's smallest terminal): on the outbox the
state comes right after the channel, on the request's call-out progress right after the
step, so a failed page is seen as failed without scrolling sideways."""

from __future__ import annotations

import html
import re

from textual.widgets import DataTable

from dispatcher.domain.outbox import DeliveryState
from dispatcher.store.outbox import OutboxRepository
from dispatcher.tui.screens.detail import DetailScreen
from dispatcher.tui.screens.outbox import OutboxScreen, outbox_columns

SIZE = (80, 24)


def screen_lines(app) -> list[str]:
    """What the terminal shows, line by line, as the screenshot draws it."""
    svg = re.sub(r"<style.*?</style>", "", app.export_screenshot(), flags=re.S)
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in re.findall(r'<text[^>]* x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(y), []).append((float(x), html.unescape(re.sub("<[^>]+>", "", text))))
    return [
        "".join(t for _, t in sorted(row)).replace("\xa0", " ") for _, row in sorted(rows.items())
    ]


def fail_one_page(store, sr_id: str) -> str:
    outbox = OutboxRepository(store)
    page = next(r for r in outbox.for_sr(sr_id) if r.purpose == "page")
    [again] = outbox.enqueue([page.fresh(page.created, channel="raiser")])
    outbox.sending_many([again.id], page.created)
    outbox.move(again.id, DeliveryState.FAILED, page.created, failure="permanent", detail="boom")
    return again.person


def test_the_outbox_keeps_every_column_where_it_fits_and_the_state_first_where_not():
    assert list(outbox_columns(200))[-3:] == ["state", "attempt", "detail"]
    narrow = outbox_columns(80)
    assert list(narrow).index("state") < list(narrow).index("address")
    assert sum(list(narrow.values())[: list(narrow).index("state") + 1]) + 4 < 80


async def test_at_80_by_24_a_failed_notification_reads_failed(
    make_app, night, store, roster, settle
):
    person = roster.people[fail_one_page(store, night[0].id)].name
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, OutboxScreen)
        outbox = screen_lines(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        first = screen_lines(app)
        progress = app.screen.query_one("#progress", DataTable)
        progress.focus()
        for _ in range(progress.row_count):  # down to the last page, as a dispatcher would
            await pilot.press("down")
        await settle(pilot)
        detail = screen_lines(app)
    assert any("failed 1" in line for line in outbox), outbox  # the header's count
    assert any(person in line and "raiser" in line and "failed" in line for line in outbox), (
        "\n".join(outbox)
    )
    # the failed page's row: its step, then its state (whom it went to is a scroll away)
    assert any(re.search(r"\b1\.1 +failed\b", line) for line in detail), "\n".join(detail)
    relay = sum("1.1    on the desk" in line for line in first)
    assert relay >= 3, "\n".join(first)  # each page's state beside its step
