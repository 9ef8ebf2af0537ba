import os
import stat
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.app import App
from textual.widgets import Markdown, Static
from textual_plotext import PlotextPlot

from dispatcher.domain.lifecycle import CallbackOutcome
from dispatcher.domain.request_parts import Category, Severity
from dispatcher.domain.requests import ServiceRequest
from dispatcher.engine.clock import ManualClock
from dispatcher.roster import load_roster
from dispatcher.store import Store
from dispatcher.store.requests import RequestRepository
from dispatcher.testing.waiting import pilot_wait_for
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.status import DeskStatus
from dispatcher.tui.screens.handover import HandoverScreen
from dispatcher.tui.screens.reports import ReportsScreen

SAMPLE_ROSTER = Path(__file__).resolve().parents[2] / "contacts.yaml"


class ScreenApp(App):
    status = DeskStatus()  # what the desk's header shows

    def __init__(self, screen):
        super().__init__()
        self.first = screen

    def on_mount(self):
        self.push_screen(self.first)


SHANGHAI = ZoneInfo("Asia/Shanghai")  # the sample roster's CSC zone


def desk_at(store, now):
    return DeskContext(store, load_roster(SAMPLE_ROSTER), "wang.fang", clock=ManualClock(now))


def yesterday_noon():
    return (datetime.now(SHANGHAI) - timedelta(days=1)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )


def register(repository, received, summary, category, product, site, drill=False, criteria=()):
    sr, _ = repository.register(
        received,
        lambda sr_id: ServiceRequest(
            sr_id,
            received,
            category,
            summary,
            severity=Severity.CRITICAL,
            product=product,
            site=site,
            drill=drill,
            criteria=criteria,
        ),
        received,
        "desk",
        "phone",
        zone=ZoneInfo("Asia/Shanghai"),
    )
    return sr.id


def yesterday(store):
    repository = RequestRepository(store)
    noon = yesterday_noon()
    fault = register(repository, noon, "MSC down", Category.FAULT_SUPPORT, "msc-9000", "Shanghai")
    repository.change(fault, lambda r: r.acknowledge(noon + timedelta(minutes=10), "li.na"))
    repository.change(fault, lambda r: r.resolve(noon + timedelta(minutes=90), "li.na"))
    register(
        repository,
        noon + timedelta(hours=1),
        "how to back up",
        Category.CONSULTATION,
        "olt-5000",
        "Beijing",
    )
    register(
        repository,
        noon + timedelta(hours=2),
        "drill",
        Category.FAULT_SUPPORT,
        "msc-9000",
        "Shanghai",
        drill=True,
    )
    return fault


@pytest.fixture(autouse=True)
def umask_022():
    before = os.umask(0o022)
    yield
    os.umask(before)


def private(folder) -> bool:
    """The folder is 0700 and every file in it 0600."""
    modes = {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
    return stat.S_IMODE(folder.stat().st_mode) == 0o700 and modes == {0o600}


async def test_the_report_screen_draws_yesterdays_figures_and_exports_them(tmp_path, settle):
    store = Store(tmp_path)
    yesterday(store)
    screen = ReportsScreen(desk_at(store, datetime.now(SHANGHAI)), "en", kind="daily")
    app = ScreenApp(screen)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        period = str(screen.query_one("#period", Static).render())
        assert "Daily service report" in period and "2 requests (drills never count)" in period
        drawn = [str(screen.query_one(f"#chart-{n}", PlotextPlot).render()) for n in range(4)]
        assert "Requests by category" in drawn[0]
        assert "consultation" in drawn[0] and "fault_support" in drawn[0]
        assert "Time to resolve by severity" in drawn[1] and "critical" in drawn[1]
        assert "SLA compliance by product line" in drawn[2] and "pl-core" in drawn[2]
        assert "br-shanghai" in drawn[3] and "bd-network" in drawn[3]
        await pilot.press("e")
        await settle(pilot)  # the export runs in a worker
        written = sorted(p.name for p in (tmp_path / "reports").iterdir())
        start = f"{yesterday_noon():%Y%m%d}"
        assert written == [f"daily-{start}.csv", f"daily-{start}.json", f"daily-{start}.md"]
        assert private(tmp_path / "reports")  # customers' names: private under umask 022
        assert (
            "volumes,total/all,requests,2"
            in (tmp_path / "reports" / f"daily-{start}.csv").read_text()
        )
        await pilot.press("w")
        await settle(pilot)
        assert "Weekly service report" in str(screen.query_one("#period", Static).render())
    store.close()


async def test_the_handover_screen_shows_the_shift_and_saves_it(tmp_path, settle):
    store = Store(tmp_path)
    repository = RequestRepository(store)
    now = datetime.now(SHANGHAI)
    sr_id = register(
        repository,
        now - timedelta(hours=2),
        "billing lost",
        Category.FAULT_SUPPORT,
        "bill-one",
        "Shanghai",
        criteria=("7",),
    )
    repository.change(
        sr_id, lambda r: r.note(now - timedelta(hours=1), "wang.fang", "BD engineer on the bridge")
    )
    screen = HandoverScreen(desk_at(store, now), "en")
    app = ScreenApp(screen)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        assert screen.report is not None
        text = screen.query_one(Markdown).source
        assert text.startswith("# Shift handover")
        assert f"| {sr_id} | new | critical | yes | 2.0 |" in text
        assert "BD engineer on the bridge" in text
        await pilot.press("s")
        await settle(pilot)  # saved in a worker
        saved = list((tmp_path / "handover").iterdir())
        assert len(saved) == 1 and saved[0].read_text() == text
        assert private(tmp_path / "handover")
    store.close()


async def test_the_report_screen_opens_on_this_shift_and_says_no_data(tmp_path, settle):
    """Tonight is visible at once; a chart with nothing to draw says so instead of a blank box."""
    store = Store(tmp_path)
    now = datetime.now(SHANGHAI)
    register(
        RequestRepository(store),
        now - timedelta(hours=1),
        "MSC down",
        Category.FAULT_SUPPORT,
        "msc-9000",
        "Shanghai",
    )
    screen = ReportsScreen(desk_at(store, now), "en")
    async with ScreenApp(screen).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        period = str(screen.query_one("#period", Static).render())
        assert "Service report: this shift" in period and "1 request " in period
        drawn = [str(screen.query_one(f"#chart-{n}", PlotextPlot).render()) for n in range(4)]
        assert "fault_support" in drawn[0]
        assert "no data" in drawn[1]  # nothing resolved yet: no times to draw
        await pilot.press("t")
        await settle(pilot)
        assert "Service report: today so far" in str(screen.query_one("#period", Static).render())
    store.close()


async def test_the_handover_scrolls_by_keyboard(tmp_path, settle):
    store = Store(tmp_path)
    repository = RequestRepository(store)
    now = datetime.now(SHANGHAI)
    for n in range(30):
        register(
            repository,
            now - timedelta(hours=2, minutes=n),
            f"fault {n}",
            Category.FAULT_SUPPORT,
            "msc-9000",
            "Shanghai",
        )
    screen = HandoverScreen(desk_at(store, now), "en")
    async with ScreenApp(screen).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        scroller = screen.query_one("#handover-scroll")
        # the handover is read on a worker, then laid out: longer than the screen once it is
        await pilot_wait_for(pilot, lambda: scroller.max_scroll_y > 0, what="a long handover")
        assert scroller.scroll_y == 0
        await pilot.press("pagedown")
        await pilot_wait_for(pilot, lambda: scroller.scroll_y > 0, what="a page down")
        await pilot.press("end")
        await pilot_wait_for(
            pilot, lambda: scroller.scroll_y == scroller.max_scroll_y, what="the end"
        )
    store.close()


def closed_request(received: datetime, number: int) -> tuple[ServiceRequest, list]:
    """A request received at `received`, resolved, called back and closed within two hours."""
    sr = ServiceRequest(
        f"SR-{received.astimezone(SHANGHAI):%Y%m%d}-{number:04d}",
        received,
        Category.FAULT_SUPPORT,
        f"closed {number}",
        severity=Severity.MAJOR,
        product="msc-9000",
        site="Shanghai",
    )
    events = sr.registered(received, "desk", "phone")
    events += sr.resolve(received + timedelta(hours=1), "li.na", "desk", "fixed")
    events += sr.record_callback(received + timedelta(hours=2), "desk", CallbackOutcome.REACHED, 5)
    events += sr.close(received + timedelta(hours=2), "desk")
    return sr, events


async def test_the_shift_report_reads_an_archive_month_only_if_it_holds_the_shifts_requests(
    tmp_path, settle
):
    """The history index, warmed after launch, knows what each archive month holds: a month
    with no closed request received in the shift is not read (its load is most of a report's
    time); once a request of the shift is closed into it, it is read and counted."""
    store = Store(tmp_path)
    now = datetime(2026, 11, 24, 3, 0, tzinfo=SHANGHAI)  # the shift: 23 Nov 15:00 to now
    repository = RequestRepository(store)
    repository.import_batch([closed_request(now - timedelta(days=4), 1)])
    desk = desk_at(store, now)
    desk.history().warm()
    read: list[str] = []
    archive = store.archive

    def reading(period: str):
        read.append(period)
        return archive(period)

    store.archive = reading
    screen = ReportsScreen(desk, "en")
    async with ScreenApp(screen).run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        period = str(screen.query_one("#period", Static).render())
        assert "Service report: this shift" in period and "0 requests " in period
        assert read == []  # 2026-11 holds no request of the shift: not read

        repository.import_batch([closed_request(now - timedelta(hours=5), 2)])
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        period = str(screen.query_one("#period", Static).render())
        assert "Service report: this shift" in period and "1 request " in period
        assert "2026-11" in read  # the month changed since the index read it: read again
    store.close()
