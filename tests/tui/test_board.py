from datetime import UTC, datetime

from textual.widgets import DataTable

from dispatcher.domain.requests import Category, ServiceRequest
from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.app import DeskApp

T0 = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def register(repository, summary, criteria=()):
    repository.register(T0, lambda sr_id: ServiceRequest(
        sr_id, T0, Category.FAULT_SUPPORT, summary, criteria=criteria), T0, "desk", "phone")


async def test_the_board_pins_emergencies_on_top_and_sees_new_requests(tmp_path):
    store = Store(tmp_path)
    repository = RequestRepository(store)
    register(repository, "slow web portal")
    register(repository, "billing lost", criteria=("7",))
    app = DeskApp(store, "zh")
    async with app.run_test(size=(140, 30)) as pilot:
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        first = table.get_row_at(0)
        assert "billing lost" in first[-1]
        assert table.columns[table.ordered_columns[0].key].label.plain == "服务请求"
        register(RequestRepository(Store(tmp_path)), "a third, from another desk")
        await pilot.press("r")
        assert table.row_count == 3
        await pilot.press("q")
    store.close()
