"""Outbox: every notification of the night, live, with its state; Enter shows a page's text
(SMS, mail, speech) and its deliveries; a failed one can be sent again (`t`) or by another
channel (`y`); a page on the desk, once phoned through, is marked relayed (`r`)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Static

from dispatcher.domain.outbox import DeliveryState, shown_detail, shown_state
from dispatcher.errors import DispatcherError
from dispatcher.i18n import translator
from dispatcher.i18n.shapes import said
from dispatcher.reports.words import cell
from dispatcher.store.outbox import OutboxRecord
from dispatcher.tui.commands import bindings_for
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.operations import Operations
from dispatcher.tui.data.outbox import read_outbox
from dispatcher.tui.data.page_text import page_text
from dispatcher.tui.labels import name_of
from dispatcher.tui.plain import plain
from dispatcher.tui.screens.desk_screen import DeskScreen
from dispatcher.tui.screens.prompt import PromptScreen
from dispatcher.tui.screens.text_view import TextViewScreen
from dispatcher.tui.widgets.desk_footer import DeskFooter
from dispatcher.tui.widgets.desk_header import DeskHeader
from dispatcher.tui.widgets.virtual_table import GAP, Column, VirtualTable

REFRESH_SECONDS = 2.0
WIDTHS = {
    "id": 5,
    "created": 14,
    "sr": 18,
    "person": 16,
    "channel": 7,
    "address": 22,
    "purpose": 8,
    "state": 21,  # "on the desk, to relay"
    "attempt": 4,
    "detail": 20,
}
# Narrower than all of WIDTHS: the state right after the channel, then the rest, so each
# notification's state shows at 80×24 (the address and detail are a scroll away).
FIRST_WHEN_NARROW = ("id", "sr", "person", "channel", "state", "attempt", "created", "address")
NARROW_ORDER = FIRST_WHEN_NARROW + tuple(k for k in WIDTHS if k not in FIRST_WHEN_NARROW)


def outbox_columns(width: int) -> dict[str, int]:
    """The outbox's columns for a table `width` cells wide, in their order, with their widths."""
    if sum(WIDTHS.values()) + GAP * (len(WIDTHS) - 1) <= width:
        return dict(WIDTHS)
    return {key: WIDTHS[key] for key in NARROW_ORDER}


STATE_STYLES = {
    DeliveryState.FAILED: Style(color="red", bold=True),
    DeliveryState.QUEUED: Style(color="yellow"),
    DeliveryState.SENDING: Style(color="yellow"),
    DeliveryState.DELIVERED: Style(color="green"),
}


class OutboxScreen(DeskScreen):
    CSS_PATH = "outbox.tcss"
    SCOPE = "outbox"
    BINDINGS = bindings_for(SCOPE)

    def __init__(self, desk: DeskContext, language: str) -> None:
        super().__init__(desk, language)
        self.people = {p.id: p for p in desk.roster.people.values()}

    def compose(self) -> ComposeResult:
        words = self.words
        yield DeskHeader(self.desk, words)
        yield Static(words["outbox.title"], id="outbox-title")
        yield VirtualTable(self._columns(), self.render_row, key=lambda r: r.id, id="notifications")
        yield DeskFooter()

    def _columns(self, width: int = 200) -> list[Column]:
        heads = {"id": "#", "sr": self.words["id"], "person": self.words["person"]}
        return [
            Column(key, heads.get(key) or self.words[key], wide)
            for key, wide in outbox_columns(width).items()
        ]

    def on_resize(self, event) -> None:
        table = self.query_one(VirtualTable)
        wanted = self._columns(event.size.width)
        if [(c.key, c.width) for c in wanted] != [(c.key, c.width) for c in table.columns]:
            table.set_columns(wanted)

    def on_mount(self) -> None:
        self.query_one(VirtualTable).focus()
        self.reload()
        self.set_interval(REFRESH_SECONDS, self.reload)

    @work(thread=True, exclusive=True, group="outbox-read")
    def reload(self) -> None:
        records = read_outbox(self.desk.store)
        self.from_worker(self.show, records)

    def show(self, records: list[OutboxRecord]) -> None:
        failed = sum(r.state is DeliveryState.FAILED for r in records)
        self.query_one("#outbox-title", Static).update(
            plain(
                f"{self.words['outbox.title']}: {len(records)} · "
                f"{name_of('failed', self.language)} {failed}"
            )
        )
        self.query_one(VirtualTable).set_rows(records)

    def action_show_page(self) -> None:
        record = self.query_one(VirtualTable).current
        if record is not None:
            self.show_page(record)

    @on(VirtualTable.Chosen)
    def chosen(self, event: VirtualTable.Chosen) -> None:
        self.show_page(event.row)

    def show_page(self, record: OutboxRecord) -> None:
        title = f"#{record.id} {record.sr} → {record.address}"
        self.app.push_screen(
            TextViewScreen(
                self.desk,
                self.language,
                title,
                page_text(record, self.desk.local, self.desk.zone, self.language),
            )
        )

    def action_retry(self) -> None:
        record = self.query_one(VirtualTable).current
        if record is not None:
            self.retry(record.id, None)

    def action_retry_other(self) -> None:
        record = self.query_one(VirtualTable).current
        if record is None:
            return

        def chosen(channel: str | None) -> None:
            if channel:
                self.retry(record.id, channel)

        channels = ", ".join(c for c in ("voice", "sms", "email", "desk") if c != record.channel)
        self.app.push_screen(PromptScreen(f"{self.words['retry.channel']} ({channels})"), chosen)

    @work(thread=True, group="outbox-write")
    def retry(self, notification_id: int, channel: str | None) -> None:
        try:
            queued = Operations(self.desk).retry(notification_id, channel)
        except DispatcherError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(
            self.notify, f"#{notification_id} → #{queued.id} {queued.channel} {queued.address}"
        )
        self.reload()

    def action_relay(self) -> None:
        record = self.query_one(VirtualTable).current
        if record is not None:
            self.relay(record.id)

    @work(thread=True, group="outbox-write")
    def relay(self, notification_id: int) -> None:
        try:
            record = Operations(self.desk).relay(notification_id)
        except DispatcherError as error:
            message = said(str(error), self.language)
            self.app.call_from_thread(self.notify, message, severity="error")
            return
        done = translator(self.language).gettext("#{id} relayed by {who}")
        self.app.call_from_thread(self.notify, done.format(id=record.id, who=self.desk.actor))
        self.reload()

    def render_row(self, record: OutboxRecord):
        person = self.people.get(record.person)
        name = (
            record.person
            if person is None
            else (person.name_zh if self.language == "zh" and person.name_zh else person.name)
        )
        state = Text(
            name_of(shown_state(record), self.language), style=STATE_STYLES.get(record.state, "")
        )
        purpose = name_of(record.purpose, self.language) + (" D" if record.drill else "")
        detail = " ".join(
            cell(p, self.language)
            for p in (
                record.provider_status,
                record.error_code,
                shown_detail(record, self.desk.zone),
            )
            if p
        )
        cells = {
            "id": str(record.id),
            "created": f"{self.desk.local(record.created):%m-%d %H:%M:%S}",
            "sr": record.sr,
            "person": name,
            "channel": record.channel,
            "address": record.address,
            "purpose": purpose,
            "state": state,
            "attempt": str(record.attempt),
            "detail": detail,
        }
        return [cells[column.key] for column in self.query_one(VirtualTable).columns], None
