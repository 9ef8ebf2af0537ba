"""Every action of the desk, once: its key binding (with an id users can remap), its words (from
the catalogue), and its tooltip. Screens take their `BINDINGS` from here, the command palette
lists the same commands, and `?` shows them.
"""

from __future__ import annotations

from textual.binding import BindingType
from textual.dom import DOMNode

from dispatcher.tui.command_list import COMMANDS, Command


def commands_for(scope: str) -> list[Command]:
    return [c for c in COMMANDS if c.scope == scope]


def bindings_for(scope: str, language: str = "en") -> list[BindingType]:
    return [c.binding(language) for c in commands_for(scope)]


def localize(node: DOMNode, language: str) -> None:
    """Put the words of `language` on a node's bindings (the class's `BINDINGS` are English).

    Textual builds a node's bindings from its class once; the footer, the palette and `?`
    read each binding's description, so the node's own copy gets the translated ones.
    """
    translated = {c.id: c.binding(language) for c in COMMANDS}
    key_map = node._bindings.key_to_bindings
    for key, items in key_map.items():
        key_map[key] = [translated.get(b.id or "", b) for b in items]
