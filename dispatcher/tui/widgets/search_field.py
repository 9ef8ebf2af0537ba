"""A text field out of sight until asked for (`/` on the board), that takes no key while hidden.

Textual focuses a screen's first focusable widget as the screen activates (its `AUTO_FOCUS`),
before the screen's own `on_mount` focuses what it means to, and a widget hidden by
`display: none` still counts as focusable there. Keys typed while the desk started (the
terminal holds them until the desk reads) went into the board's hidden search and filtered
the board down to nothing, emergencies included, with the query out of sight. This field
refuses the focus while hidden, so those keys are the screen's own.
"""

from __future__ import annotations

from textual.widgets import Input


class SearchField(Input):
    """An `Input` hidden until `show()`; hidden, it never has the focus (nor the keys)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.display = False

    def allow_focus(self) -> bool:
        """Focusable only while on display (Textual asks this before focusing, also at a
        screen's activation and on Tab)."""
        return bool(self.display) and super().allow_focus()

    def show(self) -> None:
        """On display, with the focus."""
        self.display = True
        self.focus()

    def hide(self) -> None:
        """Emptied and out of sight (its `Changed` tells the screen the query is gone)."""
        self.value = ""
        self.display = False
