"""The Chinese desk says in Chinese what the domain, the lifecycle and the store refuse: their
lines are composed in English (the record, the logs, JSON) and re-said where the desk shows
them, in a toast, a form's error line and the header's damage warning."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from dispatcher.engine.clock import ManualClock
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository
from dispatcher.testing.waiting import pilot_wait_for, settle_workers
from dispatcher.tui.app import DeskApp
from dispatcher.tui.context import DeskContext
from dispatcher.tui.screens.detail import DetailScreen
from dispatcher.tui.widgets.virtual_table import VirtualTable
from tests.i18n.english import english_words
from tests.store.test_damage import _damage_journal_line, _files
from tests.tui.conftest import NOW, ROOT, register_request

KEYS_AND_IDS = {"dispatcher", "store", "repair", "live", "journal"}  # a command, a file


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def open_row(pilot, settle, downs: int) -> None:
    await settle(pilot)
    await pilot.press(*(["down"] * downs), "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DetailScreen)


async def _refusal_of_starting_work_on_a_new_request(make_app, settle, language: str) -> str:
    app = make_app(language)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, settle, 1)  # the fault: new, nobody acknowledged it
        await pilot.press("w")
        await settle(pilot)
        refused = [n for n in app._notifications if n.severity == "error"]
        assert refused, notices(app)
        return refused[-1].message


async def test_a_lifecycle_refusal_is_said_in_chinese(make_app, night, store, settle):
    english = await _refusal_of_starting_work_on_a_new_request(make_app, settle, "en")
    chinese = await _refusal_of_starting_work_on_a_new_request(make_app, settle, "zh")
    fault = night[1]
    assert english.startswith(f"cannot start {fault.id}: it is new"), english
    assert fault.id in chinese and "无法" in chinese, chinese
    assert not english_words(chinese), chinese
    assert RequestRepository(store).get(fault.id).status.value == "new"


async def test_the_chinese_desk_on_a_damaged_store_warns_and_refuses_in_chinese(tmp_path: Path):
    data = tmp_path / "data"
    with Store(data) as writer:  # three requests, as another desk registered them
        for n in range(1, 4):
            register_request(writer, f"request {n}", minutes_ago=10 * n)
    _damage_journal_line(data / "live" / "journal.0", 1)
    before = _files(data)

    with Store(data) as store:
        desk = DeskContext(
            store, load_roster(ROOT / "contacts.yaml"), "night-desk", ManualClock(NOW)
        )
        app = DeskApp(desk, "zh")
        async with app.run_test(size=(160, 45)) as pilot:
            header = app.screen.query_one("#header-damage", Static)
            warning = await pilot_wait_for(
                pilot,
                lambda: str(header.render()) if app.status.damage else None,
                what="the header's damage warning",
            )
            assert "存储在 live/journal.0 第 2 行 处损坏:校验和不符" in warning, warning
            assert "请运行 `dispatcher store repair`" in warning
            assert not english_words(warning, KEYS_AND_IDS), warning

            rows = app.screen.query_one(VirtualTable)
            await pilot_wait_for(pilot, lambda: rows.rows or None, what="the readable requests")
            await pilot.press("enter")  # the first readable request
            await settle_workers(pilot)
            assert isinstance(app.screen, DetailScreen)
            await pilot.press("a", *"Li Na", "enter")  # acknowledging is a write: refused
            refused = await pilot_wait_for(
                pilot,
                lambda: [n.message for n in app._notifications if n.severity == "error"],
                what="the refusal's toast",
            )
            assert any("存储在 live/journal.0 第 2 行 处损坏;请运行" in m for m in refused), refused
            assert not english_words(" ".join(refused), KEYS_AND_IDS), refused
    assert _files(data) == before
