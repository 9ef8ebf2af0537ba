"""The footer of every desk screen: Textual's, with its keys mounted without a style pass each.

Textual's `FooterKey` sets its `-compact` class from a watcher as it mounts, and again when its
`compact` is bound to the footer's; each of those is a pass of the stylesheet over the key. A
board with some thirty keys paid for sixty passes at launch and again at each recompose (about
0.4 s on a loaded machine). Here each key is given its footer's `compact` value and class before
it mounts (the palette's key its own, compact), so neither watcher runs; what the footer
shows is unchanged.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class DeskFooter(Footer):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # the command palette's key is not bound to the footer: it stays compact
                compact = widget.has_class("-command-palette") or self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget
