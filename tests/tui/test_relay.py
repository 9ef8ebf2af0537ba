"""A page left on the desk is not delivered until the dispatcher phones it through: the engine
pages through the desk's relay (no provider configured), every view says "on the desk, to
relay", the dispatcher marks it relayed on the outbox screen (`r`), and from then on it is
delivered, by them, in both languages; `dispatcher outbox relay` does the same."""

from __future__ import annotations

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.domain.outbox import RELAYED, DeliveryState
from dispatcher.store.outbox import OutboxRepository
from dispatcher.tui.widgets.virtual_table import VirtualTable


def desk_pages(store):
    return [r for r in OutboxRepository(store).all() if r.channel == "desk"]


def run(store, *args):
    return CliRunner().invoke(cli, [*args, "--data", str(store.data_dir)])


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

    done = run(store, "outbox", "relay", str(page.id), "--as", "Wang Fang")
    assert done.exit_code == 0, done.output
    assert "relayed by Wang Fang" in done.output

    again = run(store, "outbox", "relay", str(page.id), "--as", "Li Na")
    assert again.exit_code == 2
    assert f"notification {page.id} is not on the desk to relay: desk delivered" in again.output
    assert OutboxRepository(store).get(page.id).detail == "relayed by Wang Fang"

    chinese = CliRunner().invoke(
        cli, ["--lang", "zh", "chain", "show", night[0].id, "--data", str(store.data_dir)]
    )
    assert "Wang Fang 已于" in chinese.output and "在值班台,待转告" in chinese.output
