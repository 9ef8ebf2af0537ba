"""The screens a key on the board opens, imported once the board shows its rows (in a worker)
rather than at launch: their widgets (Markdown, charts) and what their actions use (the
engine's control) cost a loaded machine about a second of launch."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from dispatcher.tui.screens.desk_screen import DeskScreen

LATER = {
    name: (f"dispatcher.tui.screens.{name}", screen)
    for name, screen in (
        ("callbacks", "CallbackQueueScreen"), ("detail", "DetailScreen"), ("drill", "DrillScreen"),
        ("handover", "HandoverScreen"), ("history", "HistoryScreen"), ("log", "LogScreen"),
        ("new_request", "NewRequestScreen"), ("oncall", "OnCallScreen"),
        ("outbox", "OutboxScreen"), ("reports", "ReportsScreen"),
    )
}  # fmt: skip


def later(name: str) -> Callable[..., DeskScreen[Any]]:
    """One of the `LATER` screens (imported now if the worker has not yet): its class, which
    takes `(desk, language, ...)`."""
    module, screen = LATER[name]
    return getattr(importlib.import_module(module), screen)
