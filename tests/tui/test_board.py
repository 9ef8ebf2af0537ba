"""The board as a dispatcher sees it: pinned emergencies, filters, search, other desks."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from dispatcher.domain.request_parts import Category
from dispatcher.domain.requests import ServiceRequest
from dispatcher.engine.control import CalloutControl
from dispatcher.testing.waiting import pilot_wait_for, wait_for_async
from dispatcher.tui.app import NIGHT_THEMES
from dispatcher.tui.widgets.desk_header import DeskHeader
from dispatcher.tui.widgets.virtual_table import VirtualTable

from .conftest import register_request


def shown_ids(app) -> list[str]:
    return [row.sr.id for row in app.screen.query_one(VirtualTable).rows]


async def test_emergencies_are_pinned_on_top_in_red(make_app, night, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        emergency, fault, consultation = night
        assert shown_ids(app) == [emergency.id, fault.id, consultation.id]
        table = app.screen.query_one(VirtualTable)
        cells, style = app.screen.render_row(table.rows[0])
        assert cells[0].startswith("! ") and "★VIP" in cells[4]
        assert style is not None and style.color.name == "red"


async def test_filters_and_search_narrow_the_board(make_app, night, settle):
    emergency, fault, consultation = night
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("f")  # emergencies
        assert shown_ids(app) == [emergency.id]
        assert "emergencies · 1 shown" in str(app.screen.query_one("#counts").render())
        await pilot.press("f")  # SLA late or near: the fault is 5 h old, 30 min to respond
        assert shown_ids(app) == [fault.id]
        await pilot.press("f", "f", "f")  # nobody acknowledged, drills, back to all
        assert len(shown_ids(app)) == 3
        await pilot.press("slash")
        await pilot.press(*"北京")
        assert shown_ids(app) == [consultation.id]
        await pilot.press("escape")
        assert len(shown_ids(app)) == 3


async def test_the_board_shows_its_rows_before_its_other_filters_are_worked_out(
    make_app, night, settle, monkeypatch
):
    """At launch the rows and the counts come first; a filter chosen before the others are
    worked out shows its rows all the same."""
    import threading

    import dispatcher.tui.screens.board as board

    release = threading.Event()
    steady = board._steady

    def held(rows, now, names):
        if names == board.STEADY:
            release.wait(30)
        return steady(rows, now, names)

    monkeypatch.setattr(board, "_steady", held)
    _emergency, fault, _consultation = night
    app = make_app()
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            # not `pilot_wait_for`, which lets workers finish: the board's reader is held
            await wait_for_async(lambda: len(shown_ids(app)) == 3, what="the first rows")
            counts = str(app.screen.query_one("#counts").render())
            assert "3 open requests · 1 emergency" in counts, counts
            await pilot.press("f", "f")  # emergencies, then SLA late or near
            assert set(app.screen.steady) == {"all", "emergency"}  # the others still held
            assert shown_ids(app) == [fault.id]
            release.set()
            await settle(pilot)
            assert set(app.screen.steady) == set(board.STEADY)
            assert shown_ids(app) == [fault.id]
    finally:
        release.set()


async def test_a_read_held_up_past_a_newer_one_never_replaces_what_the_newer_showed(
    make_app, night, add_request, monkeypatch
):
    """On a loaded machine the launch's read can still be working out its filters when the
    next read (two seconds on) has shown another desk's new request: the older read's rows
    and filters are dropped, not put back over the newer ones."""
    import threading

    import dispatcher.tui.screens.board as board

    release, calls = threading.Event(), []
    planned = board.planned_tonight

    def held(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            release.wait(30)
        return planned(*args, **kwargs)

    monkeypatch.setattr(board, "planned_tonight", held)
    app = make_app()
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await wait_for_async(lambda: len(shown_ids(app)) == 3, what="the first rows")
            added = add_request("Fresh fault from another desk", minutes_ago=1)
            await wait_for_async(lambda: added.id in shown_ids(app), what="the newer read")
            release.set()
            await pilot_wait_for(pilot, lambda: len(calls) == 2, what="both reads done")
            await pilot.press("f", "f", "f")  # nobody acknowledged: all four, the new one too
            assert app.screen.filter == "unowned"
            assert added.id in shown_ids(app) and len(app.screen.all_rows) == 4
    finally:
        release.set()


async def test_the_late_filter_gains_a_request_once_its_clock_nears_breach(
    make_app, store, desk, settle
):
    """A major fault on the core network has 30 minutes to be acknowledged: near breach at 24
    (80 %). Received 20 minutes ago it is not late; five minutes on it is, and the filter
    shows it though nothing in the store changed and no key was pressed; another, due to turn
    late five minutes later, joins it then."""
    sr = register_request(store, "Trunk group down", minutes_ago=20)
    later = register_request(store, "Signalling link flapping", minutes_ago=15)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("f", "f")  # emergencies, then SLA late or near
        assert app.screen.filter == "late" and shown_ids(app) == []
        await desk.clock.advance(timedelta(minutes=5))
        await pilot_wait_for(pilot, lambda: shown_ids(app) == [sr.id], what="the late one")
        assert "1 shown" in str(app.screen.query_one("#counts").render())
        await desk.clock.advance(timedelta(minutes=5))
        await pilot_wait_for(
            pilot, lambda: shown_ids(app) == [sr.id, later.id], what="the next late one"
        )
        await pilot.press("f", "f", "f", "f", "f")  # round the filters, back to late
        assert app.screen.filter == "late" and shown_ids(app) == [sr.id, later.id]


async def test_another_desk_s_request_shows_within_one_refresh(
    make_app, night, add_request, settle
):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        added = add_request("Fire brigade lines silent", criteria=("10",), minutes_ago=1)
        # the board reads the store again every two seconds: within a few on a loaded machine
        await pilot_wait_for(
            pilot,
            lambda: shown_ids(app)[:2] == [night[0].id, added.id],
            timeout=10,
            what="the other desk's emergency on the board",
            describe=lambda: f"shown: {shown_ids(app)}",
        )


async def test_a_breached_sla_flashes_until_the_request_is_opened(make_app, night, desk, settle):
    _emergency, fault, _ = night
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        board = app.screen
        row = next(r for r in board.query_one(VirtualTable).rows if r.sr.id == fault.id)
        styles = set()
        for _ in range(2):
            await desk.clock.advance(timedelta(seconds=1))
            styles.add(board.render_row(row)[1])
        assert any(s is not None and s.bgcolor is not None for s in styles)
        assert "-" in str(board.render_row(row)[0][8])  # the countdown is past
        board.seen.add(fault.id)
        for _ in range(2):
            await desk.clock.advance(timedelta(seconds=1))
            assert board.render_row(row)[1] is None


async def test_switching_language_relabels_the_board(make_app, night, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(VirtualTable).columns[0].label == "SR"
        await pilot.press("ctrl+l")
        await settle(pilot)
        table = app.screen.query_one(VirtualTable)
        assert table.columns[0].label == "服务请求"
        assert app.screen.render_row(table.rows[0])[0][7] == "已派单"  # its chain paged
        assert len(table.rows) == 3


async def test_chinese_cells_keep_the_columns_aligned(make_app, night, settle):
    """A Chinese character takes two terminal cells; every column still starts where its
    header does."""
    app = make_app("zh")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(VirtualTable)
        lines = [table.render_line(y) for y in range(4)]  # the header and three rows
        starts = []
        offset = 0
        for column in table.columns[:-1]:
            starts.append(offset)
            offset += column.width + 1
        for strip in lines:
            assert strip.cell_length == 160
            for start, column in zip(starts[1:], table.columns[1:], strict=False):
                before = strip.crop(start - 1, start).text
                assert before == " ", (column.key, strip.text)
        customer = lines[3].crop(starts[4], starts[5] - 1).text
        assert customer.rstrip() == "北京示例联通"


async def test_the_mouse_moves_the_cursor_and_opens_a_request(make_app, night, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(VirtualTable)
        await pilot.click(VirtualTable, offset=(5, 3))  # the header line, then three rows
        assert table.cursor == 2
        await pilot.click(VirtualTable, offset=(5, 3))
        await settle(pilot)
        assert app.screen.sr_id == night[2].id


async def test_a_running_drill_shows_the_banner(make_app, store, roster, desk, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        header = app.screen.query_one(DeskHeader)
        assert not header.has_class("-drill")
        now = desk.now()
        CalloutControl(store, roster).register(
            now,
            lambda sr_id: ServiceRequest(
                sr_id,
                now,
                Category.FAULT_SUPPORT,
                "drill: core down",
                site="Shanghai",
                product="msc-9000",
                criteria=("1",),
                drill=True,
            ),
            now,
            "drill",
            "desk",
        )
        app.read_status()
        await settle(pilot)
        assert header.has_class("-drill")
        app.screen.read_board(force=True)
        await settle(pilot)
        (row,) = app.screen.all_rows
        assert row.sr.drill and not row.pinned  # a made-up emergency is not pinned in red

        sr_id = row.sr.id
        CalloutControl(store, roster).stop(sr_id, desk.now(), "drill", "drill aborted")
        app.read_status()
        app.screen.read_board(force=True)
        await settle(pilot)
        assert not header.has_class("-drill")
        assert app.screen.all_rows == []  # the drill is over: it leaves the board


async def test_the_night_themes_cycle(make_app, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        seen = set()
        for _ in range(len(NIGHT_THEMES)):
            await pilot.press("ctrl+t")
            seen.add(app.theme)
        assert seen == set(NIGHT_THEMES)


async def test_tonight_s_planned_work_shows_with_a_fault_during_its_window(store, make_app, settle):
    from dispatcher.domain.planned import PlannedKind, PlannedService
    from dispatcher.store.planned import PlannedRepository

    from .conftest import NOW, register_request

    PlannedRepository(store).add(
        NOW - timedelta(hours=1),
        lambda planned_id: PlannedService(
            planned_id,
            PlannedKind.CUTOVER,
            "MSC-9000 core cutover",
            NOW - timedelta(hours=1),
            NOW + timedelta(hours=3),
            site="Shanghai",
            product="msc-9000",
        ),
        ZoneInfo("Asia/Shanghai"),
    )
    fault = register_request(store, "Calls dropping after midnight", minutes_ago=20)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        line = str(app.screen.query_one("#planned").render())
        assert (
            "Planned work tonight: " in line and "cutover MSC-9000 core cutover (Shanghai)" in line
        )
        assert f"← {fault.id}" in line


async def test_the_painted_board_flashes_with_the_clock_and_stops_once_opened(
    make_app, night, desk, settle
):
    """The board keeps each row's painted line between repaints (moving the cursor repaints
    from them); each tick of the clock draws them again, and so does opening a request."""
    _emergency, fault, _ = night
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        board = app.screen
        table = board.query_one(VirtualTable)
        line = next(i for i, r in enumerate(table.rows) if r.sr.id == fault.id) + 1

        def flashing() -> bool:
            return any(
                s.style is not None
                and s.style.bgcolor is not None
                and "red" in s.style.bgcolor.name
                for s in table.render_line(line)
            )

        seen = set()
        for _ in range(2):
            await desk.clock.advance(timedelta(seconds=1))
            board.tick()  # what the board's one-second interval does
            seen.add(flashing())
        assert seen == {True, False}  # on and off with the desk's clock
        board.open_request(fault.id)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        for _ in range(2):
            await desk.clock.advance(timedelta(seconds=1))
            assert not flashing()
            board.tick()
