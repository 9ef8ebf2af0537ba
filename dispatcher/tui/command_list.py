"""The desk's one list of commands: every action once, with its key, its English words (the
message ids of the catalogue, translated when shown) and its tooltip, grouped by screen (the
id's scope). `dispatcher.tui.commands` turns it into bindings, the palette's entries and the
help."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from dispatcher.i18n import N_, translator


@dataclass(frozen=True)
class Command:
    id: str  # "<scope>.<name>": the binding id, for keymaps
    key: str
    action: str
    en: str  # the words, in English: the message id of the catalogue
    tip_en: str
    show: bool = True  # in the footer
    priority: bool = False  # before any focused widget's own binding of the key

    @property
    def scope(self) -> str:
        return self.id.split(".", 1)[0]

    def text(self, language: str) -> str:
        return translator(language).gettext(self.en)

    def tip(self, language: str) -> str:
        return translator(language).gettext(self.tip_en)

    def binding(self, language: str) -> Binding:
        return Binding(
            self.key,
            self.action,
            self.text(language),
            show=self.show,
            priority=self.priority,
            id=self.id,
            tooltip=self.tip(language),
        )


C = Command
COMMANDS: tuple[Command, ...] = (
    C(
        "app.quit",
        "q",
        "app.quit_desk",
        N_("Quit"),
        N_("Leave the desk (asks first while this desk runs chains)"),
    ),
    C("app.keys", "question_mark", "app.show_keys", N_("Keys"), N_("Show every key")),
    C(
        "app.palette",
        "ctrl+p",
        "app.command_palette",
        N_("palette"),
        N_("Open the command palette"),
        show=False,
        priority=True,
    ),
    C("callback.save", "ctrl+s", "save", N_("Save"), N_("Record this call")),
    C("callback.cancel", "escape", "cancel", N_("Cancel"), N_("Close without recording")),
    C(
        "app.language",
        "ctrl+l",
        "app.switch_language",
        N_("中文/English"),
        N_("Switch the interface language"),
        show=False,
    ),
    C(
        "app.theme",
        "ctrl+t",
        "app.next_theme",
        N_("Theme"),
        N_("Next colour theme (all readable at night)"),
        show=False,
    ),
    C("board.new", "n", "new_request", N_("New SR"), N_("Register a new service request")),
    C("board.open", "enter", "open_request", N_("Open"), N_("Open the request under the cursor")),
    C(
        "board.search",
        "slash",
        "search",
        N_("Search"),
        N_("Search by id, customer, site or summary"),
    ),
    C(
        "board.filter",
        "f",
        "next_filter",
        N_("Filter"),
        N_("Cycle: all, emergencies, SLA late, nobody acknowledged, drills"),
    ),
    C("board.oncall", "o", "on_call", N_("On call"), N_("Who is on call now and next; gaps")),
    C("board.outbox", "b", "outbox", N_("Outbox"), N_("Every notification of the night")),
    C(
        "board.refresh",
        "r",
        "refresh_board",
        N_("Refresh"),
        N_("Read the store again now"),
        show=False,
    ),
    C(
        "board.callbacks",
        "k",
        "callbacks",
        N_("Callbacks"),
        N_("The callback (回访) queue: resolved requests waiting for their call"),
    ),
    C(
        "board.handover",
        "h",
        "handover",
        N_("Handover"),
        N_("The shift handover, printable as Markdown"),
    ),
    C(
        "board.reports",
        "g",
        "reports",
        N_("Reports"),
        N_("Service figures with charts; export md, csv, json"),
    ),
    C(
        "board.drills",
        "d",
        "drills",
        N_("Drills"),
        N_("Run or watch a drill of the call-out chain"),
    ),
    C(
        "board.history",
        "y",
        "history",
        N_("History"),
        N_("Find closed requests by id, customer, phone or text; open one read only"),
    ),
    C(
        "board.log",
        "l",
        "log",
        N_("Log"),
        N_("Tonight's log: pages, deliveries, acknowledgements, failures"),
        show=False,  # listed by ? and the palette; the board's footer is full
    ),
    C("log.back", "escape", "app.pop_screen", N_("Back"), N_("Back to the board")),
    C("history.search", "slash", "focus_search", N_("Search"), N_("Type what to find, then Enter")),
    C("history.back", "escape", "app.pop_screen", N_("Back"), N_("Back to the board")),
    C(
        "detail.ack",
        "a",
        "acknowledge",
        N_("Ack"),
        N_("Acknowledge for someone who confirmed by phone"),
    ),
    C(
        "detail.escalate",
        "e",
        "escalate",
        N_("Escalate"),
        N_("Page the next step of the chain now"),
    ),
    C("detail.repage", "p", "repage", N_("Re-page"), N_("Page the current step again")),
    C(
        "detail.start",
        "s",
        "start_chain",
        N_("Start chain"),
        N_("Start the request's call-out chain now"),
    ),
    C("detail.note", "m", "note", N_("Note"), N_("Add a note to the timeline")),
    C(
        "detail.reassign",
        "r",
        "reassign",
        N_("Reassign"),
        N_("Give the request to another unit or person"),
    ),
    C(
        "detail.level",
        "l",
        "raise_level",
        N_("Level up"),
        N_("Raise the support level (L1 → L2 → L3): new owner, the call-out pages on; asks first"),
    ),
    C("detail.resolve", "v", "resolve", N_("Resolve"), N_("Record that it is resolved")),
    C("detail.callback", "c", "callback", N_("Callback"), N_("Record the callback (回访)")),
    C(
        "detail.close",
        "x",
        "close_request",
        N_("Close"),
        N_("Close after the callback; after three unanswered tries, with the reason"),
    ),
    C(
        "detail.work",
        "w",
        "start_work",
        N_("Start work"),
        N_("Work on it has started (acknowledged → in progress)"),
    ),
    C(
        "detail.restore",
        "t",
        "restore",
        N_("Restored"),
        N_("Service is restored (a workaround may remain)"),
    ),
    C(
        "detail.declare",
        "exclamation_mark",
        "declare",
        N_("Emergency"),
        N_("Declare an emergency: criteria, Red Flag, the emergency chain"),
    ),
    C(
        "detail.reopen",
        "o",
        "reopen",
        N_("Reopen"),
        N_("Reopen a resolved request (after a failed callback), with the reason"),
    ),
    C("detail.back", "escape", "app.pop_screen", N_("Back"), N_("Back to the board")),
    C("oncall.override", "v", "add_override", N_("Override"), N_("Add an override for tonight")),
    C(
        "oncall.end",
        "e",
        "end_override",
        N_("End override"),
        N_("End the selected override now (one not begun is removed)"),
    ),
    C("oncall.back", "escape", "app.pop_screen", N_("Back"), N_("Back to the board")),
    C(
        "outbox.show",
        "enter",
        "show_page",
        N_("Show"),
        N_("The page's text (SMS, mail, speech) and its deliveries"),
    ),
    C("outbox.retry", "t", "retry", N_("Retry"), N_("Send a failed notification again")),
    C("outbox.other", "y", "retry_other", N_("Other channel"), N_("Send it by another channel")),
    C(
        "outbox.relay",
        "r",
        "relay",
        N_("Relayed"),
        N_("Mark the page on the desk as phoned through by you"),
    ),
    C("outbox.back", "escape", "app.pop_screen", N_("Back"), N_("Back to the board")),
    C(
        "callbacks.record",
        "c",
        "record_callback",
        N_("Record call"),
        N_("Record a call to the selected customer"),
    ),
    C("callbacks.refresh", "r", "refresh_queue", N_("Refresh"), N_("Read the queue again now")),
    C("callbacks.back", "escape", "app.pop_screen", N_("Back"), N_("Back to the board")),
    C(
        "handover.refresh",
        "r",
        "refresh_handover",
        N_("Refresh"),
        N_("Build the handover again now"),
    ),
    C(
        "handover.save",
        "s",
        "save",
        N_("Save"),
        N_("Save the handover as Markdown in the data directory"),
    ),
    C("handover.back", "escape", "app.pop_screen", N_("Back"), N_("Back to the board")),
    C(
        "reports.shift",
        "s",
        "period('shift')",
        N_("This shift"),
        N_("Figures of the 12 hours up to now"),
    ),
    C("reports.today", "t", "period('today')", N_("Today"), N_("Figures of today so far")),
    C("reports.daily", "d", "period('daily')", N_("Day"), N_("Yesterday's figures")),
    C("reports.weekly", "w", "period('weekly')", N_("Week"), N_("Last week's figures")),
    C("reports.monthly", "m", "period('monthly')", N_("Month"), N_("Last month's figures")),
    C("reports.export", "e", "export", N_("Export"), N_("Write the report as md, csv and json")),
    C("reports.back", "escape", "app.pop_screen", N_("Back"), N_("Back to the board")),
    C(
        "drill.start",
        "s",
        "start_drill",
        N_("Start drill"),
        N_("Run the highlighted scenario live: real people are paged, marked DRILL"),
    ),
    C(
        "drill.abort",
        "a",
        "abort_drill",
        N_("Abort drill"),
        N_("Stop the running drill; everyone already paged is told it is over"),
    ),
    C(
        "drill.preview",
        "p",
        "preview",
        N_("Preview"),
        N_("Whom the chain would call now; nothing is sent"),
    ),
    C(
        "drill.report",
        "r",
        "show_report",
        N_("Report"),
        N_("The drill's whole report, the same as `dispatcher drill report`"),
    ),
    C("drill.back", "escape", "leave", N_("Back"), N_("Back to the desk")),
    C("view.back", "escape", "app.pop_screen", N_("Back"), N_("Back")),
    C(
        "form.save",
        "ctrl+s",
        "save",
        N_("Save"),
        N_("Register the request (an emergency starts its chain)"),
    ),
    C("form.cancel", "escape", "cancel", N_("Cancel"), N_("Leave without saving")),
)
