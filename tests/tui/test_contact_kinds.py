"""The desk with a roster holding a contact method of a plugin's kind: the on-call screen lists
the push topic by its own kind and address, and an answer through the topic confirms the topic,
not the phone."""

from __future__ import annotations

from textual.widgets import DataTable

from dispatcher.domain.contact_kinds import ContactKinds, ContactKindSpec
from dispatcher.engine.clock import ManualClock
from dispatcher.roster import parse_roster
from dispatcher.store.callouts import Confirmation, confirm
from dispatcher.tui.app import DeskApp
from dispatcher.tui.context import DeskContext

from .conftest import NOW, ROOT

NTFY = ContactKindSpec("ntfy", str.lower, example="csc-li-na", acknowledges=True)
LI_NA_MOBILE = "+12125550100"


async def unconfirmed_contacts(desk: DeskContext, settle) -> list[str]:
    """The contact column of the on-call screen's list of methods nobody confirmed lately."""
    app = DeskApp(desk, "en")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        table = app.screen.query_one("#unconfirmed", DataTable)
        return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


async def test_on_call_shows_the_topic_and_an_answer_there_confirms_only_it(store, settle):
    text = (ROOT / "contacts.yaml").read_text()
    text = text.replace(
        '      - {kind: mobile, number: "+1 212 555 0100"}\n',
        '      - {kind: mobile, number: "+1 212 555 0100"}\n'
        "      - {kind: ntfy, address: CSC-Li-Na}\n",
        1,
    )
    roster = parse_roster(text.encode(), "contacts.yaml", ContactKinds([NTFY]))
    desk = DeskContext(store, roster, "night-desk", clock=ManualClock(NOW))

    contacts = await unconfirmed_contacts(desk, settle)
    assert "ntfy csc-li-na" in contacts and f"mobile {LI_NA_MOBILE}" in contacts

    with store.atomic(store.live):  # Li Na answered a page on her topic
        confirm(store, Confirmation("sh-li-na", "ntfy", "csc-li-na", "ntfy", NOW, "page"))
    contacts = await unconfirmed_contacts(desk, settle)
    assert "ntfy csc-li-na" not in contacts and f"mobile {LI_NA_MOBILE}" in contacts
