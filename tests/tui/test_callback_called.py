"""The callback call's "who was called" takes phone numbers as `sr callback --called` takes
them: each written as E.164 (typed without +, a number of the CSC's country), a run that is
no valid number refused in one line naming the field, in English and in Chinese."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.screens.callbacks import CallbackDialog
from tests.tui_service.test_callbacks_screen import QueueApp, fill, resolved_request


@pytest.mark.parametrize(
    "language, refusal",
    [("en", "Who was called: 138 0013 800 is not a phone number"), ("zh", "联系了谁:")],
)
async def test_who_was_called_is_stored_with_its_numbers_as_e164(
    tmp_path, settle, language, refusal
):
    store = Store(tmp_path)
    sr_id = resolved_request(RequestRepository(store), "link down", hours_ago=30)
    app = QueueApp(store, language)
    async with app.run_test(size=(150, 30)) as pilot:
        await settle(pilot)
        queue = app.screen
        await pilot.press("c")
        dialog = app.screen
        assert isinstance(dialog, CallbackDialog)
        await fill(pilot, "#called", "Ma Li 138 0013 800")  # a digit short
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(dialog.query_one("#error", Static).render())
        assert app.screen is dialog and refusal in error and "138 0013 800" in error, error
        assert dialog.query_one("#called", Input).has_focus
        await fill(pilot, "#called", "Ma Li 138 0013 8000")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is queue
        timeline = RequestRepository(Store(tmp_path)).timeline(sr_id)
        assert timeline[-1].data.get("called") == "Ma Li +8613800138000"
    store.close()
