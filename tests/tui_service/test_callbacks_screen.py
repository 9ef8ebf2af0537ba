from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from textual.app import App
from textual.widgets import DataTable, Input, Select, Static

from dispatcher.domain.lifecycle import Status
from dispatcher.domain.planned import PlannedKind, PlannedService
from dispatcher.domain.request_parts import Category, Reporter
from dispatcher.domain.requests import ServiceRequest
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.store.planned import PlannedRepository
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.status import DeskStatus
from dispatcher.tui.screens.callbacks import CallbackDialog, CallbackQueueScreen

SAMPLE_ROSTER = Path(__file__).resolve().parents[2] / "contacts.yaml"


class QueueApp(App):
    status = DeskStatus()  # what the desk's header shows

    def __init__(self, store, language="en"):
        super().__init__()
        self.store = store
        self.language = language

    def on_mount(self):
        desk = DeskContext(self.store, load_roster(SAMPLE_ROSTER), "wang.fang")
        self.push_screen(CallbackQueueScreen(desk, self.language))


def resolved_request(repository, summary, hours_ago):
    received = datetime.now(UTC) - timedelta(hours=hours_ago)
    sr, _ = repository.register(
        received,
        lambda sr_id: ServiceRequest(
            sr_id,
            received,
            Category.FAULT_SUPPORT,
            summary,
            reporter=Reporter("Ma Li", "+12125550100"),
        ),
        received,
        "desk",
        "phone",
        zone=ZoneInfo("Asia/Shanghai"),
    )
    repository.change(sr.id, lambda r: r.resolve(received + timedelta(minutes=30), "desk"))
    return sr.id


async def fill(pilot, selector, text):
    pilot.app.screen.query_one(selector, Input).value = text
    await pilot.pause()


async def test_the_queue_shows_who_waits_and_a_call_is_recorded_from_it(tmp_path, settle):
    store = Store(tmp_path)
    requests = RequestRepository(store)
    overdue = resolved_request(requests, "link down since yesterday", hours_ago=48)
    fresh = resolved_request(requests, "slow portal", hours_ago=2)
    T0 = datetime.now(UTC) - timedelta(hours=30)
    work = PlannedRepository(store).add(
        T0,
        lambda pid: PlannedService(
            pid,
            PlannedKind.CUTOVER,
            "MSC swap",
            T0,
            T0 + timedelta(hours=4),
            "Shanghai",
            customer="China Example",
            contact="Zhou Min",
        ),
        ZoneInfo("Asia/Shanghai"),
    )
    PlannedRepository(store).change(work.id, lambda w: w.complete(T0 + timedelta(hours=3)))
    app = QueueApp(store)
    async with app.run_test(size=(150, 30)) as pilot:
        await settle(pilot)  # the queue is read in a worker
        screen = app.screen
        table = screen.query_one(DataTable)
        assert table.row_count == 3
        first = [table.get_row_at(i)[0] for i in range(3)]
        assert [(cell.plain, str(cell.style)) for cell in first] == [
            (overdue, "bold red"),
            (work.id, "bold red"),
            (fresh, ""),
        ]
        assert "3 waiting · 2 overdue" in str(screen.query_one("#summary", Static).render())
        # the most overdue request: reached, dissatisfied, reopened
        await pilot.press("c")
        dialog = app.screen
        assert isinstance(dialog, CallbackDialog)
        assert dialog.query_one("#called", Input).value == "Ma Li +12125550100"
        await fill(pilot, "#score", "9")
        await pilot.click("#save")
        assert "must be 1 to 5" in str(dialog.query_one("#error", Static).render())
        await fill(pilot, "#score", "2")
        await fill(pilot, "#words", "calls still drop")
        dialog.query_one("#reopen").value = True
        await pilot.press("ctrl+s")
        await settle(pilot)  # recorded in a worker, then the queue read again
        assert app.screen is screen
        assert table.row_count == 2
        request = RequestRepository(Store(tmp_path)).get(overdue)
        assert request.status is Status.IN_PROGRESS
        timeline = RequestRepository(Store(tmp_path)).timeline(overdue)
        assert [(e.kind, e.data.get("score"), e.data.get("called")) for e in timeline[-2:]] == [
            ("callback", 2, "Ma Li +12125550100"),
            ("reopened", None, None),
        ]
        # the cutover's satisfaction call: not reached
        await pilot.press("home", "c")
        app.screen.query_one("#outcome", Select).value = "not_reached"
        await pilot.click("#save")
        await settle(pilot)
        assert table.get_row_at(0)[3].plain == "1"
        assert (
            PlannedRepository(Store(tmp_path)).get(work.id).callbacks[0].outcome.value
            == "not_reached"
        )
        # escape leaves the dialog without recording anything
        await pilot.press("c", "escape")
        assert app.screen is screen and table.row_count == 2
    store.close()


async def test_an_unanswered_callback_reads_in_chinese_in_the_queue_and_the_dialog(
    tmp_path, settle
):
    store = Store(tmp_path)
    requests = RequestRepository(store)
    sr_id = resolved_request(requests, "link down since yesterday", hours_ago=48)
    app = QueueApp(store, "zh")
    async with app.run_test(size=(150, 30)) as pilot:
        await settle(pilot)  # the queue is read in a worker
        table = app.screen.query_one(DataTable)
        assert "服务请求" in table.get_row_at(0)[1]
        await pilot.press("c")
        dialog = app.screen
        assert dialog.query_one("#called", Input).placeholder == "联系了谁"
        dialog.query_one("#outcome", Select).value = "not_reached"
        await pilot.press("ctrl+s")
        await settle(pilot)  # recorded in a worker, then the queue read again
        row = app.screen.query_one(DataTable).get_row_at(0)
        assert "未联系上" in row[4] and "not" not in row[4]
    (event,) = [
        e for e in RequestRepository(Store(tmp_path)).timeline(sr_id) if e.kind == "callback"
    ]
    assert event.data["outcome"] == "not_reached"
