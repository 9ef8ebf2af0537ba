"""The write lock of a partition: an exclusive flock on its `lock` file, re-entrant within
one holder (a write that reloads, a read that confirms damage under the lock)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dispatcher.store import files
from dispatcher.store.journal import store_errors


class FileLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.locked = False
        with store_errors(f"cannot open {path.parent}"):
            self.fd = os.open(path, os.O_RDWR | os.O_CREAT, files.FILE_MODE)

    def acquire(self) -> None:
        with store_errors(f"cannot lock {self.path}"):
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        self.locked = True

    def release(self) -> None:
        self.locked = False
        fcntl.flock(self.fd, fcntl.LOCK_UN)

    @contextmanager
    def held(self) -> Iterator[None]:
        """The lock for the block, unless this holder has it already."""
        if self.locked:
            yield
            return
        self.acquire()
        try:
            yield
        finally:
            self.release()

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
