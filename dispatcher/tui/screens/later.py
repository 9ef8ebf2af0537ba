"""The screens a key opens, imported once the board shows its rows (in a worker) rather than
at launch: their widgets (Markdown, charts, Textual's DataTable) and what their actions use
(the engine's control) cost a loaded machine about a second of launch."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from textual.screen import Screen

LATER = {
    name: (f"dispatcher.tui.screens.{name}", screen)
    for name, screen in (
        ("callbacks", "CallbackQueueScreen"), ("detail", "DetailScreen"), ("drill", "DrillScreen"),
        ("handover", "HandoverScreen"), ("history", "HistoryScreen"), ("keys", "KeysScreen"),
        ("log", "LogScreen"),
        ("new_request", "NewRequestScreen"), ("oncall", "OnCallScreen"),
        ("outbox", "OutboxScreen"), ("reports", "ReportsScreen"),
    )
}  # fmt: skip


def later(name: str) -> Callable[..., Screen[Any]]:
    """One of the `LATER` screens (imported now if the worker has not yet): its class. The
    keys screen takes `(language, scope)`; every other one `(desk, language, ...)`."""
    module, screen = LATER[name]
    return getattr(importlib.import_module(module), screen)
