"""Request detail: the whole record, its SLA clocks, the call-out progress per step, target
and channel, and the timeline; the dispatcher's actions on it. Read again every two seconds."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Label, Static

from dispatcher.domain.emergency import criteria_for
from dispatcher.domain.lifecycle import Status
from dispatcher.domain.messages import drill_words
from dispatcher.domain.outbox import ON_DESK, PAGES, RELAYED, shown_detail, shown_state
from dispatcher.domain.text import escape, escape_line
from dispatcher.engine.control import ENGINE
from dispatcher.errors import DispatcherError
from dispatcher.i18n import name_of
from dispatcher.i18n.phrases import composed, phrase
from dispatcher.i18n.shapes import said
from dispatcher.tui.commands import bindings_for
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.detail import RequestView, event_details, read_request
from dispatcher.tui.data.formats import clock_text, pad
from dispatcher.tui.plain import plain
from dispatcher.tui.screens.detail_actions import DetailActions
from dispatcher.tui.widgets.desk_footer import DeskFooter
from dispatcher.tui.widgets.desk_header import DeskHeader

REFRESH_SECONDS = 2.0
STATE_STYLES = {
    "failed": "bold red",
    "delivered": "green",
    "answered": "green",
    "acknowledged": "bold green",
    "queued": "yellow",
    "sending": "yellow",
    "cancelled": "dim",
    ON_DESK: "bold yellow",  # nobody has the page until a dispatcher phones it through
}


class DetailScreen(DetailActions):
    CSS_PATH = "detail.tcss"
    SCOPE = "detail"
    BINDINGS = bindings_for(SCOPE)

    def __init__(self, desk: DeskContext, language: str, sr_id: str) -> None:
        super().__init__(desk, language)
        self.sr_id = sr_id
        self.view: RequestView | None = None

    def compose(self) -> ComposeResult:
        words = self.words
        yield DeskHeader(self.desk, words)
        with Horizontal():
            with VerticalScroll(id="record"):
                yield Static(id="summary")
                yield Label(words["clocks"], classes="section")
                yield Static(id="clocks")
            with Vertical(id="right"):
                yield Label(words["progress"], classes="section")
                yield Static(id="callout")
                progress: DataTable[str | Text] = DataTable(id="progress", cursor_type="row")
                # each page's state before whom it went to and its reason last: at 80×24 the
                # state of every page shows ("on the desk, to relay" too)
                progress.add_columns(
                    words["when"],
                    words["step"],
                    words["state"],
                    words["person"],
                    words["channel"],
                    words["address"],
                    words["detail"],
                )
                yield progress
                yield Label(words["timeline"], classes="section")
                timeline: DataTable[str] = DataTable(id="timeline", cursor_type="row")
                timeline.add_columns(words["when"], words["who"], words["what"], words["channel"])
                yield timeline
        yield DeskFooter()

    def on_mount(self) -> None:
        self.reload()
        self.set_interval(REFRESH_SECONDS, self.reload)

    @work(thread=True, exclusive=True, group="detail-read")
    def reload(self) -> None:
        try:
            view = read_request(self.desk, self.sr_id)
        except DispatcherError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.from_worker(self.show, view)

    def show(self, view: RequestView) -> None:
        if self.view is not None and self.view.version == view.version:
            self._show_clocks(view)
            self._show_callout(view)
            return
        self.view = view
        self._show_record(view)
        self._show_clocks(view)
        self._show_progress(view)
        self._show_timeline(view)

    # -- drawing -----------------------------------------------------------------------------

    def _local(self, at: datetime) -> str:
        return f"{self.desk.local(at):%m-%d %H:%M:%S}"

    def _show_record(self, view: RequestView) -> None:
        sr, words, language = view.sr, self.words, self.language
        text = Text()
        text.append(f"{sr.id}  ", style="bold")
        if sr.drill:
            text.append(f" {words['drill']} ", style="bold reverse yellow")
            text.append(" ")
        if sr.is_emergency:
            text.append(f" {words['badge.emergency']} ", style="bold reverse red")
        if sr.status is Status.CLOSED:
            text.append(f" {words['readonly']} ", style="bold reverse")
        summary = drill_words(sr, sr.summary, self.language)  # a built-in drill's, said
        text.append(f"\n{escape_line(summary)}\n\n", style="bold")
        rows = [
            (words["status"], name_of(sr.status, language)),
            (words["category"], name_of(sr.category, language)),
            (words["severity"], name_of(sr.severity, language)),
            (words["level"], sr.level.value),
            (
                words["customer"],
                drill_words(sr, sr.customer.name, language)
                + (f" ★VIP {name_of(sr.customer.vip, language)}" if sr.customer.vip else ""),
            ),
            (words["site"], sr.site),
            (words["product"], sr.product),
            (words["owner"], " / ".join(p for p in (sr.owner.unit, sr.owner.person) if p)),
            (
                words["reporter"],
                " ".join(p for p in (sr.reporter.name, sr.reporter.phone, sr.reporter.email) if p),
            ),
            (words["received"], self._local(sr.received)),
        ]
        if sr.red_flag:
            rows.append(
                (
                    words["red_flag"],
                    self._local(sr.red_flag.opened)
                    + (
                        ""
                        if sr.red_flag.closed is None  # still open
                        else " → " + self._local(sr.red_flag.closed)
                    ),
                )
            )
        for label, value in rows:
            text.append(f"{label}: ", style="bold")
            text.append(f"{escape_line(value or '—')}\n")
        if sr.criteria:
            text.append(f"\n{words['criteria']}:\n", style="bold red")
            extra = self.desk.roster.criteria.get(sr.product, ())
            known = {c.id: c for c in criteria_for(extra)}
            for criterion in sr.criteria:
                about = known[criterion].text(language) if criterion in known else ""
                text.append(f" {criterion:>4} {about}\n", style="red")
        if sr.description:
            text.append(f"\n{words['description']}:\n", style="bold")
            text.append(escape(drill_words(sr, sr.description, self.language)) + "\n")
        self.query_one("#summary", Static).update(text)

    def _show_clocks(self, view: RequestView) -> None:
        now = self.desk.now()
        text = Text()
        for clock in view.clocks:
            late = clock.stopped is None and clock.deadline <= now
            text.append(
                f"{pad(name_of(clock.kind, self.language), 9)}{self._local(clock.deadline)} "
            )
            if clock.stopped is not None:
                text.append(
                    name_of("met" if clock.stopped <= clock.deadline else "missed", self.language),
                    style="green",
                )
            else:
                text.append(clock_text(clock.deadline - now), style="bold red" if late else "")
            text.append("\n")
        self.query_one("#clocks", Static).update(text or plain("—"))

    def _show_callout(self, view: RequestView) -> None:
        self.query_one("#callout", Static).update(
            view.callout_text(self.words, self.language, self.desk.now())
        )

    def _show_progress(self, view: RequestView) -> None:
        self._show_callout(view)
        table = self.query_one("#progress", DataTable)
        table.clear()
        for record in view.notifications:
            # A page sent through the desk's own channel reached nobody until a dispatcher
            # relays it by phone: "on the desk, to relay", never "sent" (`shown_state`).
            state = (
                "acknowledged"
                if view.acknowledged(record)
                else (
                    record.provider_status
                    if record.provider_status == "answered"
                    else shown_state(record)
                )
            )
            # What became of it and why: a delay, a retry, a failure, a cancellation, or
            # which dispatcher relayed it.
            cell = Text(name_of(state, self.language), style=STATE_STYLES.get(state, ""))
            why = Text("", style="dim")
            if record.detail and (
                record.state.value in ("queued", "failed", "cancelled")
                or record.provider_status == RELAYED
            ):
                # said in the desk's language: "relayed by NAME", a retry, a channel's reason
                detail = shown_detail(record, self.desk.zone)
                why.append(escape_line(said(detail, self.language)))
            table.add_row(
                plain(self._local(record.created)),
                plain(
                    f"{record.round + 1}.{record.step + 1}"
                    if record.purpose in PAGES
                    else name_of(record.purpose, self.language)
                ),
                cell,
                plain(view.person_name(record.person, self.language)),
                plain(record.channel),
                plain(record.address),
                why,
            )

    def _show_timeline(self, view: RequestView) -> None:
        table = self.query_one("#timeline", DataTable)
        table.clear()
        for event in view.timeline:
            what = name_of(event.kind, self.language)
            details = event_details(event, self.language, view.people)
            if details:
                what += f" {details}"
            by = str(event.data.get("by", ""))
            if event.text and event.text not in what and not (by and by in event.text):
                recorded = composed(event.kind, event.text)
                shown = (
                    phrase(event.text, self.language)
                    if recorded
                    else drill_words(view.sr, event.text, self.language)  # a drill's summary
                )
                what += f": {shown}"
            actor = name_of(event.actor, self.language) if event.actor == ENGINE else event.actor
            table.add_row(
                plain(self._local(event.at)), plain(actor), plain(what), plain(event.channel)
            )
        table.move_cursor(row=table.row_count - 1)
