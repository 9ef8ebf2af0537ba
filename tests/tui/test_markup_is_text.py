"""Text from outside is never read as Textual markup (promise 6): a planned work's title, a
customer's name or a summary holding "[/]" or "[@click=…]" shows as typed, and cannot crash
the desk or add an action to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from textual.widgets import DataTable, Input

from dispatcher.domain.planned import PlannedKind, PlannedService
from dispatcher.domain.request_parts import Category, Customer
from dispatcher.domain.requests import ServiceRequest
from dispatcher.store.planned import PlannedRepository
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.screens.callbacks import CallbackQueueScreen

from .conftest import NOW

MARKUP = "[/] [b]bold[/i] [@click=app.quit]quit[/]"


async def test_a_planned_title_holding_markup_shows_as_typed(store, make_app, settle):
    PlannedRepository(store).add(
        NOW - timedelta(hours=1),
        lambda planned_id: PlannedService(
            planned_id,
            PlannedKind.CUTOVER,
            MARKUP,
            NOW - timedelta(hours=1),
            NOW + timedelta(hours=3),
            site="[red]Shanghai",
        ),
        ZoneInfo("Asia/Shanghai"),
    )
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        line = str(app.screen.query_one("#planned").render())
        assert MARKUP in line and "([red]Shanghai)" in line


async def test_the_callback_queue_shows_markup_as_typed(store, make_app, settle):
    received = datetime.now(UTC) - timedelta(hours=48)  # overdue: its row is styled
    requests = RequestRepository(store)
    sr, _ = requests.register(
        received,
        lambda sr_id: ServiceRequest(
            sr_id, received, Category.FAULT_SUPPORT, MARKUP, customer=Customer("[/]Bank")
        ),
        received,
        "desk",
        "phone",
        zone=ZoneInfo("Asia/Shanghai"),
    )
    requests.change(sr.id, lambda r: r.resolve(received + timedelta(minutes=30), "desk"))
    app = make_app()
    async with app.run_test(size=(200, 45)) as pilot:
        await settle(pilot)
        app.push_screen(CallbackQueueScreen(app.desk, "en"))
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        row = [str(getattr(cell, "plain", cell)) for cell in table.get_row_at(0)]
        assert MARKUP in row and "[/]Bank" in row
        assert app.is_running


async def test_an_override_s_until_holding_markup_is_refused_as_typed(make_app, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("enter", *"Wang", "enter")
        await pilot.press("tab", "enter", *"Li", "space", *"Na", "enter")
        app.screen.query_one("#until", Input).value = "[/]"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "[/]" in str(app.screen.query_one("#override-error").render())
        assert app.is_running
