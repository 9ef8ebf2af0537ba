"""The footer of every desk screen: Textual's, with the keys that fit its width, and its keys
mounted without a style pass each.

Textual's footer shows every key in one row and lets the rest run off the edge, the command
palette's key drawn over them: at 80 columns a Chinese board read "^p 命令  板" with half its
keys cut. Here the keys are taken in the order the desk lists them (the most used first)
while they fit, `?` (every key, by screen) always kept; the palette's key only when all fit
(`ctrl+p` works all the same, and `?` lists it). A new width chooses again.

Textual's `FooterKey` sets its `-compact` class from a watcher as it mounts, and again when its
`compact` is bound to the footer's; each of those is a pass of the stylesheet over the key. A
board with some thirty keys paid for sixty passes at launch and again at each recompose (about
0.4 s on a loaded machine). Here each key is given its footer's `compact` value and class before
it mounts (the palette's key its own, compact), so neither watcher runs; what the footer
shows is unchanged.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ALWAYS = "app.show_keys"  # `?`: the way to every key that does not fit


def key_width(key: FooterKey) -> int:
    """Columns a key takes: " key description " (its padding and the description's)."""
    return cell_len(f" {key.key_display} {key.description} ")


def fitting(widgets: list[Widget], width: int) -> list[Widget]:
    """The footer's widgets that fit `width` columns, in their order: every one if all fit;
    else the keys while they fit, `?` kept, the palette's key left out."""
    keys = [w for w in widgets if isinstance(w, FooterKey)]
    if sum(key_width(k) for k in keys) <= width or len(keys) != len(widgets):
        return widgets  # all fit (or grouped keys, which the desk does not use)
    kept = [k for k in keys if k.action == ALWAYS]
    room = width - sum(key_width(k) for k in kept)
    for key in keys:
        if key in kept or key.has_class("-command-palette"):
            continue
        if key_width(key) > room:
            break
        kept.append(key)
        room -= key_width(key)
    return [k for k in keys if k in kept]


class DeskFooter(Footer):
    shown_width = 0  # the width the keys were chosen for
    shown_keys: tuple[tuple[Any, ...], ...] | None = None  # what they were chosen from

    def compose(self) -> ComposeResult:
        self.shown_width = self.app.size.width
        self.shown_keys = self._keys() if self._bindings_ready else None
        for widget in fitting(list(super().compose()), self.shown_width):
            if isinstance(widget, FooterKey):
                # the command palette's key is not bound to the footer: it stays compact
                compact = widget.has_class("-command-palette") or self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    def _keys(self) -> tuple[tuple[Any, ...], ...]:
        """The screen's keys as the footer would show them."""
        return tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen) -> None:
        """Textual's footer composes its keys anew whenever the screen says its bindings may
        have changed: as a screen opens, at each change of focus, at each return to it. Each
        time cost a pass of the stylesheet over every key, some 15 ms, four or five times as a
        screen opened, while its figures were being built. Here only keys that did change."""
        if screen is self.screen and self._bindings_ready and self._keys() == self.shown_keys:
            return
        super().bindings_changed(screen)

    def on_resize(self, _: events.Resize) -> None:
        if self.app.size.width != self.shown_width and self._bindings_ready:
            self.call_after_refresh(self.recompose)
