"""On call says what `dispatcher roster oncall` says: every role (the CSC dispatcher, an
overseas site's engineering GM), phones, the handover time of the next holder; overrides are
listed, added with times in the covered person's zone, and ended."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from textual.widgets import DataTable

from dispatcher.domain.rotation import Override
from dispatcher.engine.clock import ManualClock
from dispatcher.roster import parse_roster
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.tui.app import DeskApp
from dispatcher.tui.context import DeskContext
from dispatcher.tui.screens.oncall import OnCallScreen

from .conftest import NOW, ROOT
from .test_screens import duty_row


def rows(app, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(table_id, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_every_role_with_phones_and_the_handover_time(make_app, roster, settle):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OnCallScreen)
        dispatcher = duty_row(app, "csc", "csc dispatcher")
        gm = duty_row(app, "ovs-london", "engineering gm")
        for row in (dispatcher, gm):
            assert "+" in row[2]  # a phone number beside the name
        case = duty_row(app, "br-shanghai", "case handler")
        li_na = roster.people["sh-li-na"]
        phone = next(c.address for c in li_na.contacts if c.reaches_by_phone)
        assert case[2].startswith(f"Li Na {phone}")
        # the next holder from the handover time (08:00 Shanghai), not their own clock now
        assert case[3] == "11-25 08:00" and case[4].startswith("11-25 08:00 ")


async def test_an_override_ends_at_the_covered_person_s_time_is_listed_and_ended(
    store, roster, settle
):
    text = (ROOT / "contacts.yaml").read_text()
    in_utc = parse_roster(text.replace("    zone: Asia/Shanghai ", "    zone: UTC ").encode())
    assert in_utc.zone == ZoneInfo("UTC")  # a CSC on UTC: the override follows Li Na's clock
    desk = DeskContext(store, in_utc, "night-desk", clock=ManualClock(NOW))
    app = DeskApp(desk)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("enter", *"Wang", "enter")
        await pilot.press("tab", "enter", *"Li", "space", *"Na", "enter")
        await settle(pilot)
        label = str(app.screen.query_one("#until-label").render())
        assert "Asia/Shanghai" in label
        await pilot.press("ctrl+s")  # 08:00 as typed: Li Na's morning in Shanghai
        await settle(pilot)
        [override] = OverrideRepository(store).all()
        assert override.end == datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # not 08:00 UTC
        listed = rows(app, "#overrides")
        assert [r[0] for r in listed] == [override.id]
        assert listed[0][1].startswith("Wang Qiang") and listed[0][2] == "sh-li-na"
        assert duty_row(app, "br-shanghai", "case handler")[2].startswith("Wang Qiang")
        await desk.clock.advance(timedelta(minutes=20))
        app.screen.query_one("#overrides", DataTable).focus()
        await pilot.press("e")
        await settle(pilot)
        [ended] = OverrideRepository(store).all()
        assert ended.end == NOW + timedelta(minutes=20)  # kept, its end moved to now
        assert rows(app, "#overrides") == []
        assert duty_row(app, "br-shanghai", "case handler")[2].startswith("Li Na")


def test_an_override_not_yet_begun_is_removed_when_ended(store):
    repository = OverrideRepository(store)
    later = repository.add(
        Override("", "sh-wang-qiang", NOW + timedelta(hours=1), NOW + timedelta(hours=3))
    )
    repository.end(later.id, NOW)
    assert repository.all() == ()
