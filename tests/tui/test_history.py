"""History: a closed request is found by id, customer, phone or text and opens read only; the
outbox shows what a page said and what became of it."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Markdown, Static

from dispatcher.domain.lifecycle import CallbackOutcome
from dispatcher.domain.outbox import shown_state
from dispatcher.domain.request_parts import Reporter
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.data.history import HistoryIndex, search_history
from dispatcher.tui.labels import name_of
from dispatcher.tui.screens.detail import DetailScreen
from dispatcher.tui.screens.history import HistoryScreen
from dispatcher.tui.screens.outbox import OutboxScreen
from dispatcher.tui.screens.text_view import TextViewScreen
from dispatcher.tui.widgets.virtual_table import VirtualTable

from .conftest import NOW, register_request


def test_history_finds_a_closed_request_by_id_customer_phone_and_text(store):
    sr = register_request(store, "E1 link down at Pudong")
    requests = RequestRepository(store)

    def with_reporter(r):
        r.reporter = Reporter("Ma Li", "+86 21 5555 0199")
        return r.note(NOW, "night-desk", "reporter recorded")

    requests.change(sr.id, with_reporter)
    requests.change(sr.id, lambda r: r.resolve(NOW, "night-desk", "desk", "fixed"))
    requests.change(
        sr.id, lambda r: r.record_callback(NOW, "night-desk", CallbackOutcome.REACHED, 4)
    )
    requests.change(sr.id, lambda r: r.close(NOW, "night-desk"))
    other = register_request(store, "Still open")
    for query in (sr.id, sr.id.lower(), "china example", "8621 5555 0199", "5555-0199", "pudong"):
        found = search_history(store, query)
        assert [r.id for r in found.requests] == [sr.id], query
    assert search_history(store, other.id).requests == ()  # open: on the board, not history
    assert search_history(store, "no such thing").requests == ()


async def test_a_closed_request_opens_read_only_from_history(make_app, store, settle):
    sr = register_request(store, "E1 link down at Pudong")
    requests = RequestRepository(store)
    requests.change(sr.id, lambda r: r.resolve(NOW, "night-desk", "desk", "fixed"))
    requests.change(
        sr.id, lambda r: r.record_callback(NOW, "night-desk", CallbackOutcome.REACHED, 4)
    )
    requests.change(sr.id, lambda r: r.close(NOW, "night-desk"))
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press(*sr.id, "enter")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == sr.id
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        record = str(app.screen.query_one("#summary", Static).render())
        assert sr.id in record and "CLOSED — read only" in record
        await pilot.press("o", *"again", "enter")  # read only: reopen is not offered
        await settle(pilot)
        assert RequestRepository(store).get(sr.id).status.value == "closed"
        assert "reopen" not in {b.binding.action for b in app.active_bindings.values()}


@pytest.mark.parametrize(
    ("language", "sms", "deliveries", "state"),
    [("en", "SMS text", "Deliveries", "state"), ("zh", "短信文本", "投递", "状态")],
)
async def test_the_outbox_shows_a_page_s_text_and_deliveries(
    make_app, night, settle, language, sms, deliveries, state
):
    app = make_app(language)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, OutboxScreen)
        first = app.screen.query_one(VirtualTable).rows[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TextViewScreen)
        text = app.screen.query_one(Markdown).source
        assert f"### {sms}" in text and first.short_text.splitlines()[0] in text
        shown = name_of(shown_state(first), language)
        assert f"### {deliveries}" in text and f"| {state} | {shown} |" in text


def closed(store, summary: str) -> str:
    sr = register_request(store, summary)
    requests = RequestRepository(store)
    requests.change(sr.id, lambda r: r.resolve(NOW, "night-desk", "desk", "fixed"))
    requests.change(
        sr.id, lambda r: r.record_callback(NOW, "night-desk", CallbackOutcome.REACHED, 4)
    )
    requests.change(sr.id, lambda r: r.close(NOW, "night-desk"))
    return sr.id


def test_a_month_the_index_has_read_is_read_again_once_a_request_closes_into_it(store):
    """The desk keeps the months it read; a request closed afterwards is still found."""
    index = HistoryIndex(store)
    first = closed(store, "E1 link down at Pudong")
    assert [r.id for r in index.search("pudong").requests] == [first]
    second = closed(store, "Second E1 down at Pudong")
    assert [r.id for r in index.search("pudong").requests] == [second, first]
    assert [r.id for r in index.search("second").requests] == [second]
