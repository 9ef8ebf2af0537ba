"""A document on the desk's base (header, clock, footer): a drill report, a handover. It
scrolls by keyboard (arrows, Page Up/Down, Home/End) because the scroller has the focus."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from dispatcher.domain.text import escape
from dispatcher.tui.commands import bindings_for
from dispatcher.tui.context import DeskContext
from dispatcher.tui.plain import plain
from dispatcher.tui.screens.desk_screen import DeskScreen
from dispatcher.tui.widgets.desk_footer import DeskFooter
from dispatcher.tui.widgets.desk_header import DeskHeader


class TextViewScreen(DeskScreen):
    SCOPE = "view"
    BINDINGS = bindings_for(SCOPE)
    DEFAULT_CSS = """
    TextViewScreen #view-title { text-style: bold; padding: 0 1; }
    TextViewScreen #view { height: 1fr; }
    """

    def __init__(self, desk: DeskContext, language: str, title: str, markdown: str) -> None:
        super().__init__(desk, language)
        self.heading = title
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.desk, self.words)
        yield Static(plain(self.heading), id="view-title")
        with VerticalScroll(id="view"):
            yield Markdown(escape(self.markdown))  # text from outside stays text
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#view", VerticalScroll).focus()
