"""A reporter's phone typed at the desk is stored as E.164, as the command line stores it: a
number of the CSC's country may be typed without its code; one that is no number is refused."""

from __future__ import annotations

from textual.widgets import Input

from dispatcher.store.requests import RequestFilter, RequestRepository
from dispatcher.tui.screens.new_request import NewRequestScreen


def notices(app) -> str:
    return "\n".join(n.message for n in app._notifications)


async def test_a_reporters_phone_is_refused_when_invalid_and_kept_as_e164(make_app, store, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Line", "space", *"down")
        phone = app.screen.query_one("#reporter_phone", Input)
        phone.value = "+1 555 0100"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "+1 555 0100 is not a phone number" in notices(app)
        assert isinstance(app.screen, NewRequestScreen)
        assert RequestRepository(store).list(RequestFilter()) == []
        phone.value = "138 0013 8000"  # the sample's CSC keeps Shanghai's zone: a number of CN
        await pilot.press("ctrl+s")
        await settle(pilot)
        (saved,) = RequestRepository(store).list(RequestFilter())
        assert saved.reporter.phone == "+8613800138000"
