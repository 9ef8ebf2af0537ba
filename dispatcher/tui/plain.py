"""Text from data (a caller, a roster, a provider, the store) on a widget, shown as it is.

Textual reads a `str` given to a DataTable cell, a Static, a Label, an Option, a Select's
choice or a Button as content markup: "Billing [/] down" raises `MarkupError`, "[b]" turns
bold and "[@click=app.quit]" becomes a live action. A `rich.text.Text` is never read as markup,
so every text that holds data reaches a widget through `plain` (promise 6);
`tests/tui/test_markup_guard.py` fails on a non-literal `str` handed to one of those widgets.
"""

from __future__ import annotations

from rich.text import Text

from dispatcher.domain.text import escape, escape_line

__all__ = ["plain"]


def plain(value: object, style: str = "", *, lines: bool = False) -> Text:
    """`str(value)` as a `Text` in `style`, with control characters escaped
    (`dispatcher.domain.text`): one line (tab and newline escaped too), or several when
    `lines` is true."""
    text = str(value)
    return Text(escape(text) if lines else escape_line(text), style=style)
