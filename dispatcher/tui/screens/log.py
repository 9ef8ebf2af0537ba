"""The log on the desk: the end of `<data dir>/logs/dispatcher.log`, new lines as they come.

What the engine did tonight (pages, deliveries, replies, acknowledgements, failures and
retries, plugins disabled), without leaving the desk. Read in a worker every two seconds;
every line is shown as plain text, control characters replaced.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import RichLog, Static

from dispatcher.i18n import translator
from dispatcher.logfile import log_path, read_appended, tail
from dispatcher.tui.commands import bindings_for
from dispatcher.tui.plain import plain
from dispatcher.tui.screens.desk_screen import DeskScreen
from dispatcher.tui.widgets.desk_footer import DeskFooter
from dispatcher.tui.widgets.desk_header import DeskHeader

SHOWN_LINES = 500
REFRESH_SECONDS = 2.0


class LogScreen(DeskScreen):
    DEFAULT_CSS = (
        "LogScreen #log-title { height: 1; padding: 0 1; text-style: bold; color: $accent; }"
    )
    SCOPE = "log"
    BINDINGS = bindings_for(SCOPE)

    def compose(self) -> ComposeResult:
        self.title = translator(self.language).gettext("Log")
        yield DeskHeader(self.desk, self.words)
        yield Static(plain(self.title), id="log-title")
        # wrapped, so that a long line is read whole at 80 columns
        yield RichLog(max_lines=SHOWN_LINES, markup=False, highlight=False, wrap=True, id="log")
        yield DeskFooter()

    def on_mount(self) -> None:
        self._log_file = log_path(self.desk.store.data_dir)
        self._read_to: int | None = None
        self.read_log()
        self.set_interval(REFRESH_SECONDS, self.read_log)

    @work(thread=True, exclusive=True, group="log")
    def read_log(self) -> None:
        if self._read_to is None:
            lines, offset = tail(self._log_file, SHOWN_LINES)
            lines = lines or [
                translator(self.language).gettext("No log yet: the engine writes it as it pages.")
            ]
        else:
            lines, offset = read_appended(self._log_file, self._read_to)
        self.from_worker(self.show, lines, offset)

    def show(self, lines: list[str], offset: int) -> None:
        self._read_to = offset
        view = self.query_one(RichLog)
        for line in lines:
            view.write(line)
