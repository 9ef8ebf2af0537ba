"""On call, the outbox, the keys, the palette: the desk's other screens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.command import CommandList
from textual.widgets import DataTable, Static

from dispatcher.domain.outbox import DeliveryState
from dispatcher.domain.roster import ContactKind, Role
from dispatcher.engine.clock import ManualClock
from dispatcher.roster import parse_roster
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.store.outbox import OutboxRecord, OutboxRepository
from dispatcher.testing.waiting import pilot_wait_for
from dispatcher.tui.app import DeskApp
from dispatcher.tui.commands import COMMANDS
from dispatcher.tui.context import DeskContext
from dispatcher.tui.screens.board import BoardScreen
from dispatcher.tui.screens.callbacks import CallbackDialog, CallbackQueueScreen
from dispatcher.tui.screens.confirm import ConfirmScreen
from dispatcher.tui.screens.confirm_quit import ConfirmQuitScreen
from dispatcher.tui.screens.detail import DetailScreen
from dispatcher.tui.screens.drill import DrillScreen
from dispatcher.tui.screens.handover import HandoverScreen
from dispatcher.tui.screens.history import HistoryScreen
from dispatcher.tui.screens.keys import KeysScreen
from dispatcher.tui.screens.log import LogScreen
from dispatcher.tui.screens.new_request import NewRequestScreen
from dispatcher.tui.screens.oncall import OnCallScreen
from dispatcher.tui.screens.outbox import OutboxScreen
from dispatcher.tui.screens.override import OverrideScreen
from dispatcher.tui.screens.prompt import PromptScreen
from dispatcher.tui.screens.reports import ReportsScreen
from dispatcher.tui.screens.text_view import TextViewScreen
from dispatcher.tui.widgets.virtual_table import VirtualTable

NOW = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def duty_row(app, unit: str, role: str) -> list[str]:
    table = app.screen.query_one("#duties", DataTable)
    for index in range(table.row_count):
        row = [str(c) for c in table.get_row_at(index)]
        if row[0] == unit and row[1] == role:
            return row
    raise AssertionError(f"no row for {unit} {role}")


async def test_on_call_shows_now_next_and_local_times(make_app, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OnCallScreen)
        # 02:30 in Shanghai: the night shift (20:00-08:00) of the Shanghai case handlers
        _unit, _role, now, until, _following = duty_row(app, "br-shanghai", "case handler")
        assert now.endswith("02:30") and until == "11-25 08:00"
        london = duty_row(app, "ovs-london", "case handler")
        assert london[2].endswith("18:30")  # London's local time
        assert "No gaps" in str(app.screen.query_one("#gaps", Static).render())


async def test_an_override_for_tonight_changes_who_is_on_call(make_app, store, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        before = duty_row(app, "br-shanghai", "case handler")[2]
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("enter", *"Wang", "enter")  # the person taking over
        await pilot.press("tab", "enter", *"Li", "space", *"Na", "enter")  # covers who is on
        assert before.startswith("Li Na")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [override] = OverrideRepository(store).all()
        assert (override.person, override.covers, override.created_by) == (
            "sh-wang-qiang",
            "sh-li-na",
            "night-desk",
        )
        assert override.end.astimezone(NOW.tzinfo) == datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
        assert duty_row(app, "br-shanghai", "case handler")[2].startswith("Wang Qiang")


def failed_page(store) -> OutboxRecord:
    repository = OutboxRepository(store)
    [record] = repository.enqueue(
        [
            OutboxRecord(
                sr="SR-20261124-0001",
                person="sh-li-na",
                channel="sms",
                contact_kind="mobile",
                address="+12125550100",
                ack_code="4711",
                purpose="page",
                created=NOW,
                due=NOW,
            )
        ]
    )
    repository.sending(record.id, NOW)
    return repository.move(
        record.id,
        DeliveryState.FAILED,
        NOW + timedelta(seconds=2),
        failure="permanent",
        error_code="21211",
        detail="invalid number",
    )


async def test_the_outbox_lists_every_notification_with_its_state(make_app, store, settle):
    record = failed_page(store)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, OutboxScreen)
        [row] = app.screen.query_one(VirtualTable).rows
        cells, _ = app.screen.render_row(row)
        assert cells[3] == "Li Na" and str(cells[7]) == "failed" and "invalid number" in cells[9]
        assert "failed 1" in str(app.screen.query_one("#outbox-title", Static).render())
        assert row.id == record.id


async def test_question_mark_lists_every_key(make_app, settle):
    app = make_app("zh")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["n", "新建", "登记新的服务请求"] in rows


def test_every_binding_has_an_id_and_a_tooltip_and_an_action():
    classes = [
        DeskApp,
        BoardScreen,
        NewRequestScreen,
        DetailScreen,
        OnCallScreen,
        OutboxScreen,
        VirtualTable,
        KeysScreen,
        PromptScreen,
        OverrideScreen,
        ConfirmQuitScreen,
        CallbackQueueScreen,
        CallbackDialog,
        HandoverScreen,
        ReportsScreen,
        DrillScreen,
        TextViewScreen,
        ConfirmScreen,
        HistoryScreen,
        LogScreen,
    ]
    for cls in classes:
        for binding in cls.BINDINGS:
            assert binding.id and binding.tooltip, (cls.__name__, binding)
            owner = DeskApp if binding.action.startswith("app.") else cls
            action = binding.action.removeprefix("app.").split("(")[0]
            assert hasattr(owner, f"action_{action}"), (cls.__name__, binding.action)
    scoped = {cls.SCOPE for cls in classes if hasattr(cls, "SCOPE")} | {"app"}
    assert {command.scope for command in COMMANDS} == scoped


def palette_choice(app) -> str:
    """The command the palette's Enter would run: its highlighted one."""
    commands = app.screen.query_one(CommandList)
    if commands.highlighted is None:
        return ""
    return str(commands.get_option_at_index(commands.highlighted).prompt)


async def test_the_palette_runs_the_board_s_commands(make_app, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"on call")
        await pilot_wait_for(  # the palette searches as it is typed, in a task of its own
            pilot,
            lambda: "on call" in palette_choice(app).lower(),
            what="the palette's search found the on-call screen",
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OnCallScreen)


async def test_a_gap_in_the_roster_shows_in_red(store, settle):
    text = (ROOT / "contacts.yaml").read_text()
    holed = text.replace(
        "people: [tac-han-xu, tac-song-jia, tac-yu-tao, tac-mark-liang]",
        "people: [tac-han-xu, null, tac-yu-tao, tac-mark-liang]",
    )
    assert holed != text
    roster = parse_roster(holed.encode(), "contacts.yaml")
    app = DeskApp(DeskContext(store, roster, "night-desk", clock=ManualClock(NOW)))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        gaps = app.screen.query_one("#gaps", Static).render()
        # the night shift nobody holds: from now (02:30) until the 08:00 handoff
        assert "tac tac engineer: 11-25 02:30 → 11-25 08:00  no one on call" in str(gaps)
        assert gaps.spans and all(
            span.style.bold and span.style.foreground.ansi == 1  # red
            for span in gaps.spans
        )


@pytest.mark.parametrize(
    "key, screen, words",
    [
        ("k", CallbackQueueScreen, "Record call"),
        ("h", HandoverScreen, "Save"),
        ("g", ReportsScreen, "Export"),
        ("d", DrillScreen, "Start drill"),
    ],
)
async def test_the_board_opens_the_shift_s_other_screens(make_app, settle, key, screen, words):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, screen)
        assert words in {b.binding.description for b in app.active_bindings.values()}
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)


async def test_the_other_screens_speak_chinese_too(make_app, settle):
    app = make_app("zh")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        described = {b.binding.description for b in app.active_bindings.values()}
        assert {"开始演练", "中止演练"} <= described


async def test_the_drill_screen_previews_in_chinese(make_app, settle):
    app = make_app("zh")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        status = str(app.screen.query_one("#status").render())
        assert "预演,不发送" in status


async def test_on_call_lists_phones_no_acknowledgement_came_through(
    make_app, settle, store, roster
):
    from dispatcher.store.callouts import Confirmation, confirm

    person = next(
        p
        for p in roster.people.values()
        if p.contacts_of(ContactKind.MOBILE) and Role.CASE_HANDLER in p.roles
    )
    (mobile,) = person.contacts_of(ContactKind.MOBILE)[:1]
    with store.atomic(store.live):
        confirm(store, Confirmation(person.id, "sms", mobile.address, "mobile", NOW, "audit"))
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        table = app.screen.query_one("#unconfirmed", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows and all(r[2] == "never" for r in rows)
        assert f"mobile {mobile.address}" not in [r[1] for r in rows]  # answered an audit
        assert "in 30 days" in str(app.screen.query_one("#unconfirmed-title").render())
