"""What every screen of one desk shares: the store, the roster, the clock, who sits there."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dispatcher.domain.localtime import local
from dispatcher.domain.oncall import Roster
from dispatcher.domain.rotation import Override
from dispatcher.engine.clock import Clock, SystemClock
from dispatcher.engine.lease import EngineLease
from dispatcher.engine.reach import enabled_reaches
from dispatcher.plugins.manager import PluginManager
from dispatcher.roster.overrides import OverrideRepository
from dispatcher.store import Store
from dispatcher.tui.data.history import HistoryIndex


@dataclass
class DeskContext:
    store: Store
    roster: Roster
    actor: str
    clock: Clock = field(default_factory=SystemClock)
    roster_path: Path | None = None  # where the roster came from: drill scenarios sit beside it
    confirm_days: int = 30  # a phone no acknowledgement came through for longer shows on call
    _history: HistoryIndex | None = field(default=None, init=False, repr=False)
    _reaches: dict[str, frozenset[str]] | None = field(default=None, init=False, repr=False)
    _reaches_read: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def zone(self) -> ZoneInfo:
        """The CSC's zone (the roster's csc unit's): the desk's clock and every local time it
        shows, never the machine's."""
        return self.roster.zone

    def local(self, at: datetime) -> datetime:
        return local(at, self.zone)

    def overrides(self) -> tuple[Override, ...]:
        """Overrides arranged at run time (the roster file's own are in the roster)."""
        return OverrideRepository(self.store).all()

    def history(self) -> HistoryIndex:
        """The archive months this desk's history searches have read (see `HistoryIndex`)."""
        if self._history is None:
            self._history = HistoryIndex(self.store)
        return self._history

    def reaches(self) -> dict[str, frozenset[str]]:
        """What each channel enabled here reaches (`engine.reach.enabled_reaches`), read
        once: what a preview of the pages names, as the engine here will page by them."""
        with self._reaches_read:  # previews on several workers at once: the plugins load once
            if self._reaches is None:
                self._reaches = enabled_reaches(self.roster, PluginManager(store=self.store))
            return self._reaches

    def lease(self) -> EngineLease:
        return EngineLease(Path(self.store.data_dir))
