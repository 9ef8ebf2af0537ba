"""The board: every open request in one table, emergencies pinned on top in red.

The store is read in a worker thread every two seconds (another desk's changes show within
that); the table draws only the rows on screen, and the countdowns and flashing tick once a
second by repainting those rows.
"""

from __future__ import annotations

import gc
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Static

from dispatcher.domain.text import escape_line
from dispatcher.errors import DispatcherError
from dispatcher.i18n import name_of, translator
from dispatcher.roster.scenarios import load_scenarios
from dispatcher.tui.commands import bindings_for, commands_for
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.board import BoardReader, BoardRow, next_turning_late
from dispatcher.tui.data.planned import PlannedTonight, planned_tonight
from dispatcher.tui.plain import plain
from dispatcher.tui.screens.board_rows import FILTERS, STEADY, RowPainter, board_columns
from dispatcher.tui.screens.desk_screen import DeskScreen
from dispatcher.tui.screens.later import LATER, later
from dispatcher.tui.widgets.desk_footer import DeskFooter
from dispatcher.tui.widgets.desk_header import DeskHeader
from dispatcher.tui.widgets.search_field import SearchField
from dispatcher.tui.widgets.virtual_table import Column, VirtualTable

REFRESH_SECONDS = 2.0


NEW_KEY = next(c.key for c in commands_for("board") if c.id == "board.new")


SHOWN_FIRST = ("all", "emergency")  # the board's rows and its counts line


def _steady(
    rows: list[BoardRow], now: datetime, names: tuple[str, ...]
) -> dict[str, list[BoardRow]]:
    return {name: [r for r in rows if FILTERS[name](r, now)] for name in names}


class BoardScreen(DeskScreen):
    CSS_PATH = "board.tcss"
    SCOPE = "board"
    BINDINGS = bindings_for(SCOPE)

    class Shown(Message):
        """The board has painted its first rows (the desk's start-up work may begin)."""

    def __init__(self, desk: DeskContext, language: str) -> None:
        super().__init__(desk, language)
        self.reader = BoardReader(desk.store, desk.roster)
        self.all_rows: list[BoardRow] = []
        self.steady: dict[str, list[BoardRow]] = {}  # the rows of each `STEADY` filter
        self.late_until: datetime | None = None  # when the next clock nears its deadline
        self.filter = "all"
        self.query_text = ""
        self.seen: set[str] = set()  # SRs whose breach this dispatcher has looked at
        self.loaded = False
        self.typed_ahead: list[str] | None = None  # keys typed after `n`, before the form
        self.painter = RowPainter(desk, language, self.words, self.seen)

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.desk, self.words)
        yield Static(self.words["loading"], id="counts")
        yield Static(id="planned")
        yield SearchField(placeholder=self.words["search"], id="search")
        yield VirtualTable(
            self._columns(),
            self.render_row,
            key=lambda row: row.sr.id,
            id="requests",
            keep_lines=True,
        )
        yield DeskFooter()

    def _columns(self, width: int = 160) -> list[Column]:
        return [Column(key, self.words[key], w) for key, w in board_columns(width).items()]

    def on_resize(self, event) -> None:
        table = self.query_one(VirtualTable)
        wanted = self._columns(event.size.width)
        if [(c.key, c.width) for c in wanted] != [(c.key, c.width) for c in table.columns]:
            table.set_columns(wanted)

    def on_mount(self) -> None:
        self.table = self.query_one(VirtualTable)  # drawn row by row: found once
        self.table.focus()
        self.action_refresh_board()
        self.set_interval(REFRESH_SECONDS, self.action_refresh_board)
        self.set_interval(1.0, self.tick)

    # -- reading -----------------------------------------------------------------------------

    def action_refresh_board(self) -> None:
        self.read_board(force=False)

    @work(thread=True, exclusive=True, group="board-read")
    def read_board(self, force: bool) -> None:
        now = self.desk.now()
        rows = self.reader.read(now, force=force)
        if rows is None:
            return
        first = not self.loaded
        if first:
            # At launch the rows show before the other filters are worked out: that took
            # 40-60 ms of 10,000 rows while the board stood empty. A filter chosen meanwhile
            # is worked out as it is chosen (`apply_filter`).
            self.from_worker(self.show_rows, rows, _steady(rows, now, SHOWN_FIRST))
        planned = planned_tonight(self.desk.store, now, [row.sr for row in rows])
        steady = _steady(rows, now, STEADY)
        late_until = next_turning_late(rows, now)
        if first:  # the rows are shown already: only the filters are new
            self.from_worker(self.keep_filters, rows, steady, late_until)
        else:
            self.from_worker(self.show_rows, rows, steady, late_until)
        self.from_worker(self.show_planned, planned)

    def show_rows(
        self,
        rows: list[BoardRow],
        steady: dict[str, list[BoardRow]],
        late_until: datetime | None = None,
    ) -> None:
        if rows is not self.reader.latest:
            return  # a newer read was made meanwhile: its rows come, these are out of date
        if not self.loaded:
            self.call_after_refresh(self.first_shown)
        self.all_rows, self.steady, self.late_until = rows, steady, late_until
        self.loaded = True
        self.apply_filter()

    def keep_filters(
        self, rows: list[BoardRow], steady: dict[str, list[BoardRow]], late_until: datetime | None
    ) -> None:
        """Each filter's rows of the rows shown, worked out after they were; none of rows a
        newer read has replaced."""
        if rows is self.all_rows:
            self.steady, self.late_until = steady, late_until

    def first_shown(self) -> None:
        """Once the first rows are painted: the desk's start-up work, and the other screens."""
        self.post_message(self.Shown())
        self.import_screens()

    def show_planned(self, planned: list[PlannedTonight]) -> None:
        """Tonight's planned work in one line; a fault during a window is named beside it."""
        line = self.query_one("#planned", Static)
        line.display = bool(planned)
        text = Text(f"{self.words['planned']}: ")  # titles are data: Text, never markup
        for number, item in enumerate(planned):
            work = item.work
            window = f"{self.desk.local(work.start):%H:%M}–{self.desk.local(work.end):%H:%M}"
            text.append(" · " if number else "")
            text.append(escape_line(f"{window} {name_of(work.kind, self.language)} {work.title}"))
            if work.site:
                text.append(escape_line(f" ({work.site})"))
            if item.faults:
                text.append(escape_line(f" ← {', '.join(item.faults)}"), style="bold red")
        line.update(text)

    def tick(self) -> None:
        """Once a second: countdowns move, unseen breaches flash, and the "late" filter takes
        in a request as it turns late (not only at the next change in the store)."""
        if self._late_passed(self.desk.now()):
            self.apply_filter()
        self.table.invalidate()

    def _late_passed(self, now: datetime) -> bool:
        """The "late" filter is shown and a request has turned late since it was worked out."""
        return self.filter == "late" and self.late_until is not None and now >= self.late_until

    # -- filtering ---------------------------------------------------------------------------

    def apply_filter(self) -> None:
        now = self.desk.now()
        needle = self.query_text.casefold().strip()
        stale = self._late_passed(now)
        if self.filter in self.steady and not stale:
            shown = self.steady[self.filter]
        else:
            wanted = FILTERS[self.filter]
            shown = [row for row in self.all_rows if wanted(row, now)]
            if stale:  # kept until the next request turns late
                self.steady = {**self.steady, "late": shown}
                self.late_until = next_turning_late(self.all_rows, now)
        if needle:
            shown = [row for row in shown if needle in row.search_text]
        self.query_one(VirtualTable).set_rows(shown)
        emergencies = len(self.steady.get("emergency", ()))
        words, ngettext = self.words, translator(self.language).ngettext
        counts = (
            ngettext("{count} open request", "{count} open requests", len(self.all_rows)).format(
                count=len(self.all_rows)
            )
            + " · "
            + ngettext("{count} emergency", "{count} emergencies", emergencies).format(
                count=emergencies
            )
            + f" · {words['filter']}: {words['filter.' + self.filter]}"
        )
        if needle:  # the query that filters the board is always on screen, the field or not
            counts += f" · {words['searching']}: {self.query_text.strip()}"
        if needle or self.filter != "all":
            counts += f" · {len(shown)} {words['shown']}"
        if self.loaded and not self.all_rows:
            counts += f"   {words['nothing']}"
        self.query_one("#counts", Static).update(plain(counts))

    def action_next_filter(self) -> None:
        names = list(FILTERS)
        self.filter = names[(names.index(self.filter) + 1) % len(names)]
        self.apply_filter()

    def action_search(self) -> None:
        self.query_one(SearchField).show()

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.apply_filter()

    @on(Input.Submitted, "#search")
    def search_done(self) -> None:
        self.query_one(VirtualTable).focus()

    def on_key(self, event) -> None:
        if self.typed_ahead is not None:
            # Between `n` and the form's first paint every key is the request's, not the
            # board's: kept for the form, never taken as a board key.
            if event.is_printable and event.character:
                self.typed_ahead.append(event.character)
            event.stop()
            event.prevent_default()
            return
        search = self.query_one(SearchField)
        if event.key == NEW_KEY and not search.has_focus:
            self.typed_ahead = []
            return
        if event.key == "escape" and search.display:
            # Escape ends a search, in the field or back on the table: the whole board again
            self.table.focus()
            search.hide()
            event.stop()

    def render_row(self, row: BoardRow) -> tuple[list[Text | str], Style | None]:
        return self.painter.row(row, self.table.columns)

    # -- actions -----------------------------------------------------------------------------

    def action_open_request(self) -> None:
        row = self.query_one(VirtualTable).current
        if row is not None:
            self.open_request(row.sr.id)

    @on(VirtualTable.Chosen)
    def row_chosen(self, event: VirtualTable.Chosen) -> None:
        self.open_request(event.row.sr.id)

    def open_request(self, sr_id: str) -> None:
        self.seen.add(sr_id)
        self.table.invalidate()  # its breach stops flashing
        self.app.push_screen(later("detail")(self.desk, self.language, sr_id))
        row = next((r for r in self.all_rows if r.sr.id == sr_id), None)
        if row is not None and row.exhausted_unseen:
            self.mark_seen(sr_id)

    @work(thread=True, group="board-seen")
    def mark_seen(self, sr_id: str) -> None:
        """Every desk stops flashing a chain that ran out once one dispatcher has seen it."""
        from dispatcher.tui.data.operations import Operations  # the engine's control: not at launch

        Operations(self.desk).mark_seen(sr_id)

    def action_new_request(self) -> None:
        def registered(sr_id: str | None) -> None:
            if sr_id:
                self.read_board(force=True)

        if self.typed_ahead is None:  # from the palette: nothing typed ahead
            self.typed_ahead = []
        self.app.push_screen(
            later("new_request")(self.desk, self.language, typed_ahead=self.take_typed_ahead),
            registered,
        )

    def take_typed_ahead(self) -> str:
        """What was typed between `n` and the form; the board's keys are its own again."""
        typed, self.typed_ahead = "".join(self.typed_ahead or ()), None
        return typed

    @work(thread=True, group="board-screens")
    def import_screens(self) -> None:
        """After launch, off the UI thread: the rows' search texts (not worked out on the first
        key of a search, nor before the board first shows), the screens a key opens, then the
        history index (a year of archived requests), kept out of the collector's full passes
        as rows are."""
        for row in self.all_rows:
            _ = row.search_text
        for name in LATER:
            try:
                later(name)
            except SystemError:  # Python 3.11 can fail building two threads' syntax trees at
                continue  # once (CPython gh-106905): the key that opens the screen imports it
        self.desk.history().warm()
        gc.freeze()

    def action_history(self) -> None:
        self.app.push_screen(later("history")(self.desk, self.language, self.query_text.strip()))

    def action_on_call(self) -> None:
        self.app.push_screen(later("oncall")(self.desk, self.language))

    def action_outbox(self) -> None:
        self.app.push_screen(later("outbox")(self.desk, self.language))

    def action_callbacks(self) -> None:
        self.app.push_screen(later("callbacks")(self.desk, self.language))

    def action_handover(self) -> None:
        self.app.push_screen(later("handover")(self.desk, self.language))

    def action_log(self) -> None:
        self.app.push_screen(later("log")(self.desk, self.language))

    def action_reports(self) -> None:
        self.app.push_screen(later("reports")(self.desk, self.language))

    def action_drills(self) -> None:
        self.open_drills()

    @work(thread=True, exclusive=True, group="board-drills")
    def open_drills(self) -> None:
        """The drill scenarios beside the roster are read here, off the UI thread."""
        desk = self.desk
        try:
            scenarios = (
                list(load_scenarios(desk.roster, desk.roster_path).values())
                if desk.roster_path is not None
                else None
            )
        except DispatcherError as error:  # a broken drills.yaml: say where, stay on the board
            self.app.call_from_thread(self.notify, str(error), severity="error", timeout=10)
            return
        drills = later("drill")(desk, self.language, scenarios)
        self.from_worker(self.app.push_screen, drills)

    def on_screen_resume(self) -> None:
        self.typed_ahead = None  # back on the board: its keys are its own
        if self.loaded:  # (at launch, `on_mount` reads)
            self.read_board(force=False)
