"""The engine in a thread of its own, for a desk or a live drill: only the holder of the data
directory's engine lease runs it (see `lease.py`); a desk takes it over when nobody does."""

from __future__ import annotations

import asyncio
import logging
import os
import threading

from dispatcher.domain.oncall import Roster
from dispatcher.engine.clock import Clock
from dispatcher.engine.lease import EngineLease, LeaseHolder
from dispatcher.engine.settings import EngineSettings
from dispatcher.plugins.manager import PluginManager
from dispatcher.store import Store

log = logging.getLogger(__name__)


class EngineThread:
    """The engine in a thread of its own, with its own event loop, so that a desk's screen
    never waits on a provider or the disk. Only the holder of the data directory's engine
    lease runs it; any other desk reads and writes through the store."""

    def __init__(
        self,
        store: Store,
        roster: Roster,
        plugins: PluginManager,
        role: str = "desk",
        clock: Clock | None = None,
        settings: EngineSettings | None = None,
    ) -> None:
        self.store = store
        self.roster = roster
        self.plugins = plugins
        self.role = role
        self.clock = clock
        self.settings = settings or EngineSettings.from_environ(os.environ)
        self.lease = EngineLease(store.data_dir)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._starting = threading.Lock()  # a desk's start and its takeover never race
        self._stopped = False  # once stopped, never started again (a desk quitting)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def holder(self) -> LeaseHolder | None:
        return self.lease.holder()

    def start(self) -> bool:
        """Run the engine if no other process does; False when another holds the lease."""
        with self._starting:
            if self.running:
                return True
            if self._stopped:
                return False
            if not self.lease.acquire(self.role):
                return False
            self._ready.clear()
            self._thread = threading.Thread(
                target=self._main, name="dispatcher-engine", daemon=True
            )
            self._thread.start()
            self._ready.wait(timeout=10)
            return True

    def _main(self) -> None:
        # Imported here, in the engine's thread: a desk imports this module before its first
        # paint, and the engine (its chase, codes and paging) is not needed until it starts.
        from dispatcher.engine.runtime import Engine

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            engine = Engine(
                self.store, self.roster, self.plugins, self.clock, settings=self.settings
            )
            self._ready.set()
            try:
                await engine.run(self._stop)
            finally:
                await engine.aclose()

        try:
            asyncio.run(main())
        except Exception:
            log.exception("the engine stopped")
        finally:
            self._ready.set()
            self.lease.release()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the pass under way, and give the lease back, for good."""
        with self._starting:  # a start under way ends first; none begins after
            self._stopped = True
        if self._loop is not None and self._stop is not None and self.running:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None
