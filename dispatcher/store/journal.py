"""One journal file, `journal.<generation>` of a partition: append, read, fsync.

`store_errors` is the one place that turns an OSError into the one-line `StoreError` a user
reads. A journal is only ever appended to; the two cuts it allows are the bytes of this
process's own append that failed (never acknowledged) and an unterminated last line, a torn
write (see `damage.py`), both under the partition's file lock.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from dispatcher.errors import StoreError
from dispatcher.store import files


def reason(exc: OSError) -> str:
    """An OSError as the lower-case phrase a one-line message needs."""
    if exc.errno:
        return os.strerror(exc.errno).lower()
    return str(exc) or type(exc).__name__


@contextmanager
def store_errors(what: str, then: str = "") -> Iterator[None]:
    """Turn an OSError in the block into `StoreError("<what>: <reason><then>")`."""
    try:
        yield
    except OSError as exc:
        raise StoreError(f"{what}: {reason(exc)}{then}") from None


class Journal:
    """An open journal file. `create` makes it when missing (and syncs the directory)."""

    def __init__(self, directory: Path, generation: int, *, create: bool = True) -> None:
        self.directory = directory
        self.generation = generation
        self.path = directory / files.journal_name(generation)
        with store_errors(f"cannot open {self.path}"):
            created = create and not self.path.exists()
            flags = os.O_RDWR | os.O_APPEND | (os.O_CREAT if create else 0)
            self.fd = os.open(self.path, flags, files.FILE_MODE)
            if created:
                files.sync_directory(directory)

    def size(self) -> int:
        with store_errors(f"cannot read {self.path}"):
            return os.fstat(self.fd).st_size

    def unlinked(self) -> bool:
        """Another process compacted the partition and removed this file."""
        with store_errors(f"cannot read {self.path}"):
            return os.fstat(self.fd).st_nlink == 0

    def read(self, start: int, end: int) -> bytes:
        with store_errors(f"cannot read {self.path}"):
            return os.pread(self.fd, end - start, start) if end > start else b""

    def append(self, line: bytes) -> int:
        """Write one whole line and fdatasync it; returns the new size. On failure the bytes
        of this append are cut off again and nothing counts as saved."""
        start = self.size()
        try:
            files.write_all(self.fd, line)
            files.sync_data(self.fd)
        except OSError as exc:
            with suppress(OSError):  # else the next writer finds them as a torn tail
                os.ftruncate(self.fd, start)
                os.fsync(self.fd)
            raise StoreError(
                f"cannot save to {self.path}: {reason(exc)}; the change was not saved"
            ) from None
        return start + len(line)

    def append_if_sound(
        self, line: bytes, fresh: Callable[[bytes], bool]
    ) -> list[files.BadLine] | None:
        """Append `line` if every complete line already there passes its checksum (cutting a
        torn tail first) and `fresh(what is there)` holds. Appends nothing and returns the
        damaged lines if any, or None if not `fresh`; [] once appended."""
        found = files.scan(written := self.read(0, self.size()), 1, parse=False)
        if found.bad:
            return found.bad
        if not fresh(written):
            return None
        if found.torn:
            self.cut_torn_tail(found.used)
        self.append(line)
        return []

    def cut_torn_tail(self, end_of_last_line: int) -> None:
        """Under the file lock: drop an unterminated last line, which only a writer killed
        mid-append leaves. The caller has read every byte before it as complete lines."""
        with store_errors(f"cannot repair {self.path}", "; its last line is torn"):
            os.ftruncate(self.fd, end_of_last_line)
            os.fsync(self.fd)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
