"""A page left on the desk is not delivered until the dispatcher phones it through: the engine
pages through the desk's relay (no provider configured), every view says "on the desk, to
relay", the dispatcher marks it relayed on the outbox screen (`r`), and from then on it is
delivered, by them, in both languages; `dispatcher outbox relay` does the same."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from textual.widgets import DataTable, Markdown

from dispatcher.cli import cli
from dispatcher.domain.outbox import RELAYED, DeliveryState
from dispatcher.reports.handover import handover_report
from dispatcher.store.outbox import OutboxRepository
from dispatcher.tui.widgets.virtual_table import VirtualTable


def desk_pages(store):
    return [r for r in OutboxRepository(store).all() if r.channel == "desk"]


ROSTER = Path(__file__).resolve().parents[2] / "contacts.yaml"


def run(store, *args):
    return CliRunner().invoke(cli, [*args, "--data", str(store.data_dir)])


def relay(store, page_id: int, who: str):
    """`outbox relay` as `who`, a person of the sample roster (only one may record it)."""
    return run(store, "outbox", "relay", str(page_id), "--as", who, "--roster", str(ROSTER))


def state_cell(screen, record_id: int) -> str:
    table = screen.query_one(VirtualTable)
    row = next(r for r in table.rows if r.id == record_id)
    return str(screen.render_row(row)[0][7])


async def test_a_page_on_the_desk_is_delivered_once_the_dispatcher_relays_it(
    make_app, store, night, settle
):
    emergency = night[0]
    pages = desk_pages(store)
    assert pages and {p.state for p in pages} == {DeliveryState.SENT}
    shown = run(store, "chain", "show", emergency.id)
    assert "on the desk, to relay since" in shown.output and "delivered" not in shown.output

    page = pages[0]
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert state_cell(app.screen, page.id) == "on the desk, to relay"
        table = app.screen.query_one(VirtualTable)
        table.cursor = next(i for i, r in enumerate(table.rows) if r.id == page.id)
        await pilot.press("r")
        await settle(pilot)
        assert state_cell(app.screen, page.id) == "delivered"

    relayed = OutboxRepository(store).get(page.id)
    assert (relayed.state, relayed.provider_status) == (DeliveryState.DELIVERED, RELAYED)
    assert relayed.detail == "relayed by night-desk"
    shown = run(store, "chain", "show", emergency.id)
    assert "relayed by night-desk at" in shown.output
    others = [p for p in desk_pages(store) if p.id != page.id]
    assert all(p.state is DeliveryState.SENT for p in others)  # nobody else was phoned


async def test_the_outbox_screen_says_it_in_chinese(make_app, store, night, settle):
    page = desk_pages(store)[0]
    app = make_app("zh")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert state_cell(app.screen, page.id) == "在值班台,待转告"


async def test_the_command_line_relays_once_and_says_so(store, night):
    page = desk_pages(store)[0]
    listed = run(store, "outbox")
    line = next(x for x in listed.output.splitlines() if x.startswith(f"#{page.id} "))
    assert line.rstrip().endswith("on the desk, to relay")

    done = relay(store, page.id, "Xie Ning")
    assert done.exit_code == 0, done.output
    assert "relayed by Xie Ning (谢宁)" in done.output

    again = relay(store, page.id, "Jiang Hong")
    assert again.exit_code == 2
    assert f"notification {page.id} is not on the desk to relay: desk delivered" in again.output
    assert OutboxRepository(store).get(page.id).detail == "relayed by Xie Ning (谢宁)"

    chinese = CliRunner().invoke(
        cli, ["--lang", "zh", "chain", "show", night[0].id, "--data", str(store.data_dir)]
    )
    assert "Xie Ning (谢宁) 已于" in chinese.output and "在值班台,待转告" in chinese.output


def progress_states(screen) -> dict[int, str]:
    """The detail screen's state of each notification and its reason (who relayed it), by the
    order they are listed."""
    table = screen.query_one("#progress", DataTable)
    rows = [table.get_row_at(i) for i in range(table.row_count)]
    return {i: " ".join(str(row[c]) for c in (2, 6) if str(row[c])) for i, row in enumerate(rows)}


def desk_rows(screen) -> list[int]:
    table = screen.query_one("#progress", DataTable)
    return [i for i in range(table.row_count) if str(table.get_row_at(i)[4]) == "desk"]


async def test_the_detail_screen_says_a_desk_page_waits_to_be_relayed(
    make_app, store, night, settle
):
    """The request's own list of its pages tells the truth too: "on the desk, to relay" until
    the dispatcher phones it through, then delivered, naming who relayed it."""
    emergency = night[0]
    page = next(p for p in desk_pages(store) if p.sr == emergency.id)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the emergency, pinned on top
        await settle(pilot)
        assert app.screen.sr_id == emergency.id
        rows = desk_rows(app.screen)
        assert rows
        states = progress_states(app.screen)
        assert {states[i] for i in rows} == {"on the desk, to relay"}
        assert "sent" not in states.values()

    # the dispatcher relays the page (the outbox's `r` does the same, tested above)
    assert relay(store, page.id, "Xie Ning").exit_code == 0
    for language, relayed in (
        ("en", "delivered relayed by Xie Ning (谢宁)"),
        ("zh", "已由 Xie Ning (谢宁) 转告"),
    ):
        app = make_app(language)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            states = [progress_states(app.screen)[i] for i in desk_rows(app.screen)]
            assert any(relayed in state for state in states), states
            if language == "zh":
                assert any(state == "在值班台,待转告" for state in states), states


async def test_the_handover_lists_a_desk_page_as_waiting_to_be_relayed(store, roster, desk, night):
    """Pages nobody answered, in the handover: a page on the desk was never "sent"."""
    emergency = night[0]
    end = desk.now() + timedelta(minutes=1)  # the pages went at the desk's now
    report = handover_report(store, roster, end - timedelta(hours=12), end, end)
    rows = report.table("pages_unanswered").records()
    on_desk = [r for r in rows if r["sr"] == emergency.id and r["channel"] == "desk"]
    assert on_desk and {r["page"] for r in on_desk} == {"on the desk, to relay"}


async def test_a_desk_page_s_text_says_it_waits_to_be_relayed(make_app, store, night, settle):
    """Enter on the outbox shows a page's text and deliveries: a desk page is on the desk."""
    page = desk_pages(store)[0]
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        table = app.screen.query_one(VirtualTable)
        table.cursor = next(i for i, r in enumerate(table.rows) if r.id == page.id)
        await pilot.press("enter")
        await settle(pilot)
        text = app.screen.query_one(Markdown).source
        assert "| state | on the desk, to relay |" in text and "| state | sent |" not in text
