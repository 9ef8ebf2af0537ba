"""The callback queue (回访): everyone waiting for a call, the most overdue first.

Resolved requests wait here until the customer is reached (a request cannot close before), and
completed cutovers wait for their satisfaction call. Select a line and press `c` to record a
call: who was called, the outcome, the score, the customer's words; a dissatisfied customer
(score 1-2) can reopen the request at once. The queue is read, and calls are recorded, in
worker threads; times are the desk's.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, DataTable, Input, Select, Static

from dispatcher.domain.callbacks import CallbackDue
from dispatcher.domain.lifecycle import DISSATISFIED, CallbackOutcome
from dispatcher.domain.planned import CallbackAttempt
from dispatcher.domain.text import check, escape_line
from dispatcher.errors import DispatcherError
from dispatcher.i18n import name_of, translator
from dispatcher.i18n.shapes import said
from dispatcher.roster.phones import NotANumber, csc_region, numbers_written
from dispatcher.store.callbacks import callback_queue
from dispatcher.store.planned import PlannedRepository
from dispatcher.store.requests import RequestRepository
from dispatcher.tui.commands import bindings_for, localize
from dispatcher.tui.context import DeskContext
from dispatcher.tui.labels import labels
from dispatcher.tui.plain import plain
from dispatcher.tui.screens.desk_screen import DeskScreen
from dispatcher.tui.widgets.desk_footer import DeskFooter
from dispatcher.tui.widgets.desk_header import DeskHeader
from dispatcher.tui.worker_results import WorkerResults, close_with

REFRESH_SECONDS = 5.0
CHANNEL = "desk"


def words_for(language: str) -> dict:
    """This screen's words in `language`, from the catalogue."""
    _ = translator(language).gettext
    return {
        "title": _("Callback queue (回访)"),
        "waiting": _("waiting"),
        "overdue": _("overdue"),
        "columns": (
            _("Subject"),
            _("Kind"),
            _("Due"),
            _("Tries"),
            _("Last"),
            _("Customer"),
            _("Contact"),
            _("Summary"),
        ),
        "empty": _("Nobody is waiting for a callback."),
    }


class CallbackDialog(WorkerResults, ModalScreen[bool]):
    """Record one call to the customer of a queue item; dismisses True once saved."""

    CSS_PATH = "callbacks.tcss"
    SCOPE = "callback"
    BINDINGS = bindings_for(SCOPE)

    def __init__(self, desk: DeskContext, item: CallbackDue, language: str = "en") -> None:
        super().__init__()
        localize(self, language)
        self.desk = desk
        self.store = desk.store
        self.item = item
        self.actor = desk.actor
        self.language = language
        self.recording = False  # a save under way: the dialog closes once it ends

    def compose(self) -> ComposeResult:
        _ = translator(self.language).gettext
        with Vertical(id="callback-form"):
            yield Static(plain(f"{self.item.subject}  {self.item.customer}  {self.item.summary}"))
            yield Input(self.item.contact, placeholder=_("Who was called"), id="called")
            yield Select(
                [(plain(name_of(o, self.language)), o.value) for o in CallbackOutcome],
                value=CallbackOutcome.REACHED.value,
                allow_blank=False,
                id="outcome",
            )
            yield Input(placeholder=_("Satisfaction 1-5 (reached only)"), id="score")
            yield Input(placeholder=_("The customer's words"), id="words")
            yield Checkbox(
                _("Reopen: the customer is dissatisfied (score 1-{low})").format(low=DISSATISFIED),
                id="reopen",
                disabled=self.item.kind != "request",
            )
            yield Static(id="error")
            with Horizontal():
                yield Button(_("Save"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

    def action_cancel(self) -> None:
        self.cancelled()

    @on(Button.Pressed, "#cancel")
    def cancelled(self) -> None:
        """Close without recording; while a save is under way, not at all (it closes once
        the call is recorded)."""
        if not self.said_recording():
            self.dismiss(False)

    def said_recording(self) -> bool:
        """Whether a save is under way (and the dispatcher is told so)."""
        if self.recording:
            _ = translator(self.language).gettext
            self.notify(_("Saving… the dialog closes once the call is recorded."))
        return self.recording

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.said_recording():
            return
        score_text = self.query_one("#score", Input).value.strip()
        if score_text and not score_text.isdigit():
            self.failed(f"satisfaction must be a number 1 to 5, not '{score_text}'")
            return
        try:
            words = check(self.query_one("#words", Input).value, "words", multiline=True)
            called = check(self.query_one("#called", Input).value, "called")
        except DispatcherError as error:
            self.failed(str(error))
            return
        region = csc_region(self.desk.roster)
        try:  # its numbers stored as E.164, as `sr callback --called` stores them
            called = numbers_written(called, region)
        except NotANumber as bad:
            _ = translator(self.language).gettext
            invalid = labels(self.language)["phone.invalid"].format(
                phone=bad.typed, region=region or "+"
            )
            self.failed(f"{_('Who was called')}: {invalid}")
            self.query_one("#called", Input).focus()
            return
        self.recording = True
        self.record(
            int(score_text) if score_text else None,
            CallbackOutcome(str(self.query_one("#outcome", Select).value)),
            words,
            called,
            self.query_one("#reopen", Checkbox).value,
        )

    def failed(self, message: str) -> None:
        self.recording = False
        message = said(message, self.language)  # a refusal composed in English
        self.query_one("#error", Static).update(Text(escape_line(message), style="bold red"))

    @work(thread=True, exclusive=True, group="callback-record")
    def record(
        self, score: int | None, outcome: CallbackOutcome, words: str, called: str, reopen: bool
    ) -> None:
        try:
            self._record(score, outcome, words, called, reopen)
        except DispatcherError as error:
            self.from_worker(self.failed, str(error))
            return
        self.from_worker(close_with, self, True)  # with any question opened over it

    def _record(
        self, score: int | None, outcome: CallbackOutcome, words: str, called: str, reopen: bool
    ) -> None:
        at = self.desk.now()
        if self.item.kind == "cutover":
            attempt = CallbackAttempt(at, self.actor, outcome, score, words, called)
            PlannedRepository(self.store).change(
                self.item.subject, lambda p: p.record_callback(attempt)
            )
            return
        RequestRepository(self.store).change(
            self.item.subject,
            lambda sr: sr.record_callback(
                at, self.actor, outcome, score, words, CHANNEL, called=called, reopen=reopen
            ),
        )


class CallbackQueueScreen(DeskScreen):
    SCOPE = "callbacks"
    BINDINGS = bindings_for(SCOPE)

    def __init__(self, desk: DeskContext, language: str = "en") -> None:
        super().__init__(desk, language)
        self.desk_words = self.words
        self.words = words_for(language)
        self.items: dict[str, CallbackDue] = {}

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.desk, self.desk_words)
        yield Static(self.words["title"], id="queue-title")
        yield Static(id="summary")
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*self.words["columns"])
        self.action_refresh_queue()
        self.set_interval(REFRESH_SECONDS, self.action_refresh_queue)

    def action_refresh_queue(self) -> None:
        self.read_queue()

    @work(thread=True, exclusive=True, group="callbacks-read")
    def read_queue(self) -> None:
        self.desk.store.refresh(self.desk.store.live)
        queue = callback_queue(self.desk.store)
        self.from_worker(self.show_queue, queue)

    def show_queue(self, queue: list[CallbackDue]) -> None:
        now = self.desk.now()
        self.items = {item.subject: item for item in queue}
        table = self.query_one(DataTable)
        table.clear()
        for item in queue:
            late = item.overdue(now)
            cells = (
                item.subject,
                name_of(item.kind, self.language),
                f"{self.desk.local(item.due):%m-%d %H:%M}",
                str(item.attempts),
                name_of(item.last_outcome, self.language) if item.last_outcome else "-",
                item.customer or "-",
                item.contact or "-",
                item.summary,
            )
            style = "bold red" if late else ""  # cells are data: Text, never markup
            table.add_row(*(plain(c, style) for c in cells), key=item.subject)
        overdue = sum(item.overdue(now) for item in queue)
        self.query_one("#summary", Static).update(
            plain(
                f"{len(queue)} {self.words['waiting']} · {overdue} {self.words['overdue']}"
                if queue
                else self.words["empty"]
            )
        )

    def action_record_callback(self) -> None:
        table = self.query_one(DataTable)
        if not self.items or table.cursor_row < 0:
            return
        subject = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        assert subject is not None  # every row is added with its request's id as its key
        item = self.items[subject]

        def done(saved: bool | None) -> None:
            if saved:
                self.notify(
                    translator(self.language)
                    .gettext("callback recorded for {subject}")
                    .format(subject=item.subject)
                )
                self.action_refresh_queue()

        self.app.push_screen(CallbackDialog(self.desk, item, self.language), done)
