"""The engine lease: one engine (timers, outbox) per data directory.

The holder keeps an exclusive lock on `engine.lease` for as long as it runs and writes who it
is into the file, so a second desk on the same data can say which process holds the engine.
The operating system drops the lock when the holder dies, however it dies.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from dispatcher.domain.localtime import local
from dispatcher.i18n import local_time, name_of, translator

LEASE_FILE = "engine.lease"
# A probe by `holder()` holds a shared lock for an instant, or longer when its thread waits for
# the interpreter: a free lease that is only probed is waited for up to this bound, never
# mistaken for a held one.
ACQUIRE_BOUND_SECONDS = 2.0
ACQUIRE_PAUSE_SECONDS = 0.01
READ_TRIES = 5


@dataclass(frozen=True)
class LeaseHolder:
    pid: int
    host: str
    role: str  # "desk" or "engine"
    since: str

    def describe(self, zone: tzinfo, language: str = "en") -> str:
        """ "desk pid 4242 on night-1 since 24/11/2026, 18:30" (the CSC's local time: `zone`),
        in `language`."""
        try:
            since = local_time(local(datetime.fromisoformat(self.since), zone), language)
        except ValueError:  # written by another version: shown as it is
            since = self.since
        text = translator(language).gettext("{role} pid {pid} on {host} since {since}")
        return text.format(
            role=name_of(self.role, language), pid=self.pid, host=self.host, since=since
        )


def _held_exclusively(fd: int) -> bool:
    """True when an engine holds the lease; False when only probes (shared locks) do."""
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(fd, fcntl.LOCK_UN)
    return False


class EngineLease:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LEASE_FILE
        self._held: int | None = None

    @property
    def held(self) -> bool:
        return self._held is not None

    def acquire(self, role: str) -> bool:
        """Take the lease if nobody holds it; True when this process now holds it."""
        if self._held is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + ACQUIRE_BOUND_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if _held_exclusively(fd) or time.monotonic() > deadline:
                    os.close(fd)
                    return False
                time.sleep(ACQUIRE_PAUSE_SECONDS)  # only probed: the probe ends in a moment
        me = LeaseHolder(
            os.getpid(), socket.gethostname(), role, datetime.now(UTC).isoformat(timespec="seconds")
        )
        written = json.dumps(me.__dict__).encode()
        os.pwrite(fd, written, 0)  # then cut what a longer earlier holder left: never empty
        os.ftruncate(fd, len(written))
        os.fsync(fd)
        self._held = fd
        return True

    def holder(self) -> LeaseHolder | None:
        """Who holds the lease now, or None when nobody does."""
        if self._held is not None:
            return self._read()
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return self._read()
        else:
            return None
        finally:
            os.close(fd)

    def _read(self) -> LeaseHolder | None:
        """The holder's own words; read again while a new holder is writing them."""
        for _ in range(READ_TRIES):
            try:
                return LeaseHolder(**json.loads(self.path.read_text()))
            except (OSError, ValueError, TypeError):
                time.sleep(ACQUIRE_PAUSE_SECONDS)
        return LeaseHolder(0, "?", "unknown", "?")

    def release(self) -> None:
        if self._held is not None:
            os.close(self._held)
            self._held = None
