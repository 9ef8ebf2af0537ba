"""Registering a request with the keyboard alone, and the form's live preview."""

from __future__ import annotations

from textual.widgets import Static

from dispatcher.store.requests import RequestFilter, RequestRepository
from dispatcher.tui.screens.board import BoardScreen
from dispatcher.tui.screens.new_request import NewRequestScreen
from dispatcher.tui.widgets.virtual_table import VirtualTable


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def test_an_emergency_registered_with_the_keyboard_alone(make_app, store, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewRequestScreen)
        await type_text(pilot, "Core network down in Shanghai")
        await pilot.press("tab", "tab", "tab", "tab")  # category, intake, level → site
        await pilot.press("enter")
        await type_text(pilot, "Shanghai")
        await pilot.press("enter")
        await pilot.press("tab")  # product
        await pilot.press("enter")
        await type_text(pilot, "msc")
        await pilot.press("enter")
        await pilot.press("tab", "tab")  # severity → customer
        await type_text(pilot, "China Example Mobile")
        for _ in range(5):  # vip, reporter, phone, email → checklist
            await pilot.press("tab")
        await pilot.press("space")  # 1: all processing capability lost
        await settle(pilot)
        preview = str(app.screen.query_one("#preview", Static).render())
        emergency = str(app.screen.query_one("#emergency", Static).render())
        assert "EMERGENCY" in emergency
        assert "Emergency call-out" in preview and "br-shanghai" in preview
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        [sr] = RequestRepository(store).matching(RequestFilter())
        assert (sr.summary, sr.site, sr.product, sr.criteria) == (
            "Core network down in Shanghai",
            "Shanghai",
            "msc-9000",
            ("1",),
        )
        assert sr.severity.value == "critical" and sr.red_flag is not None
        rows = app.screen.query_one(VirtualTable).rows
        assert [row.sr.id for row in rows] == [sr.id]
