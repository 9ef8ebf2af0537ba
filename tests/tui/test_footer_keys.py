"""The footer follows the keys a screen offers, and composes them only when they change: as a
screen opens, its footer composes its keys once, not again at each change of focus."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from dispatcher.domain.lifecycle import CallbackOutcome
from dispatcher.store.requests import RequestRepository
from dispatcher.testing.waiting import pilot_wait_for
from dispatcher.tui.screens.board import BoardScreen
from dispatcher.tui.screens.detail import DetailScreen
from dispatcher.tui.screens.reports import ReportsScreen
from dispatcher.tui.widgets.desk_footer import DeskFooter

from .conftest import NOW, register_request


def footer_actions(app) -> set[str]:
    return {key.action for key in app.screen.query(FooterKey).results(FooterKey)}


async def test_a_closed_requests_footer_drops_the_keys_it_no_longer_offers(make_app, store, settle):
    """The detail screen offers its actions until it has read the request; once it finds the
    request closed (read only), its footer drops them."""
    sr = register_request(store, "E1 link down at Pudong")
    requests = RequestRepository(store)
    requests.change(sr.id, lambda r: r.resolve(NOW, "night-desk", "desk", "fixed"))
    requests.change(
        sr.id, lambda r: r.record_callback(NOW, "night-desk", CallbackOutcome.REACHED, 4)
    )
    open_one = register_request(store, "Still open")
    requests.change(sr.id, lambda r: r.close(NOW, "night-desk"))
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.desk, "en", open_one.id))
        await settle(pilot)
        offered = footer_actions(app)
        assert "acknowledge" in offered or "resolve" in offered, offered
        app.pop_screen()
        app.push_screen(DetailScreen(app.desk, "en", sr.id))
        await settle(pilot)
        await pilot_wait_for(
            pilot,
            lambda: not {"acknowledge", "resolve"} & footer_actions(app),
            what="the closed request's footer without its actions",
        )
        assert "app.pop_screen" in footer_actions(app)  # back, still offered


async def test_a_screen_composes_its_footer_keys_once_as_it_opens(make_app, settle, monkeypatch):
    composed: list[str] = []
    recompose = DeskFooter.recompose

    async def counted(self):
        composed.append(type(self.screen).__name__)
        return await recompose(self)

    monkeypatch.setattr(DeskFooter, "recompose", counted)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await pilot_wait_for(
            pilot,
            lambda: isinstance(app.screen, ReportsScreen) and app.screen.report is not None,
            what="the report's figures",
        )
        await settle(pilot)
        await pilot.press("escape")
        await pilot_wait_for(pilot, lambda: isinstance(app.screen, BoardScreen), what="board")
        await settle(pilot)
        assert footer_actions(app), "the board's footer shows its keys again"
    assert composed.count("ReportsScreen") == 1, composed
    assert composed.count("BoardScreen") == 1, composed  # at launch; none on the way back
