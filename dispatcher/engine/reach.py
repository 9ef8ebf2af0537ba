"""What each channel enabled here reaches: the routes an engine started here would page by,
for a view that says so before it does (`sr new --dry-run`, `drill run --dry-run`, the desk's
new-request preview). The rule that picks a person's routes from them is one
(`callout.routes_for`); this only says which channels it has to pick from.
"""

from __future__ import annotations

from dispatcher.domain.callout import MANUAL_CHANNEL
from dispatcher.domain.oncall import Roster
from dispatcher.engine.context import default_reaches
from dispatcher.plugins.manager import PluginManager


def enabled_reaches(
    roster: Roster, plugins: PluginManager | None = None
) -> dict[str, frozenset[str]]:
    """Channel name -> the contact kinds it reaches, for every channel `plugins` (those
    installed and configured here, loaded when None) enables, and the desk's relay, which
    every engine has and which reaches every kind `roster` uses. A built-in channel without
    its provider's credentials (no Twilio: no voice, no SMS) is not in it, as in the engine."""
    loaded = (plugins or PluginManager()).load()
    relay = default_reaches(roster)[MANUAL_CHANNEL]
    return {
        MANUAL_CHANNEL: relay,
        **{name: frozenset(channel.reaches) for name, channel in loaded.channels.items()},
    }
