"""The desk's detail tells what became of each page and why: a failed one shows its reason,
a notice is not shown as a step of the chain."""

from __future__ import annotations

from textual.widgets import DataTable

from dispatcher.domain.outbox import DeliveryState
from dispatcher.store.outbox import OutboxRepository


def progress_rows(app) -> list[str]:
    table = app.screen.query_one("#progress", DataTable)
    return [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_a_failed_page_shows_why_and_a_notice_is_no_step(make_app, night, store, settle):
    outbox = OutboxRepository(store)
    page = next(r for r in outbox.for_sr(night[0].id) if r.purpose == "page")
    at = page.created
    [again] = outbox.enqueue([page.fresh(at, channel="raiser")])
    outbox.sending_many([again.id], at)
    outbox.move(
        again.id,
        DeliveryState.FAILED,
        at,
        failure="permanent",
        detail="channel raiser: send raised RuntimeError: boom",
    )
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        rows = progress_rows(app)
    assert any(
        " failed " in row
        and " raiser " in row
        and row.endswith("channel raiser: send raised RuntimeError: boom")
        for row in rows
    )
    assert any(" notice " in row and "Lu Ming" in row for row in rows)
