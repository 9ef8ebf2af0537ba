"""The store: TinyDB databases in one data directory.

The public surface every other layer uses:

    store = Store(data_dir)            # creates the directory; opens the live partition
    store.live                         # TinyDB of live records (open SRs, outbox, overrides...)
    store.archive("2026-11")           # TinyDB of an archive partition, opened on demand
    store.archive_periods()            # ["2026-10", "2026-11", ...]
    with store.atomic(db):             # every write to db's tables in the block is one commit
        ...
    store.next_sequence("sr:20261124") # a counter that is unique across processes
    store.close()

NOTE: this first version keeps each partition in one TinyDB JSON file behind a process lock;
the durable journal storage replaces it behind the same surface.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from tinydb import TinyDB
from tinydb.storages import JSONStorage

from dispatcher.errors import StoreError

DATA_ENV = "DISPATCHER_DATA"


def default_data_dir() -> Path:
    """`DISPATCHER_DATA` if set, else the platform's user data folder."""
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured)
    return Path(platformdirs.user_data_dir("dispatcher", appauthor=False))


class Store:
    """One data directory: a live partition and monthly archive partitions."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir)
        try:
            (self.data_dir / "archive").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create data directory {self.data_dir}: {exc.strerror}") from exc
        self._lock_file = open(self.data_dir / "write.lock", "a+")
        self._lock_depth = 0
        self.live = TinyDB(self.data_dir / "live.json", storage=JSONStorage)
        self._archives: dict[str, TinyDB] = {}

    def archive(self, period: str) -> TinyDB:
        """The archive partition of one month ("YYYY-MM"), created when first written."""
        if period not in self._archives:
            self._archives[period] = TinyDB(self.data_dir / "archive" / f"{period}.json")
        return self._archives[period]

    def archive_periods(self) -> list[str]:
        return sorted(p.stem for p in (self.data_dir / "archive").glob("*.json"))

    @contextmanager
    def atomic(self, db: TinyDB | None = None) -> Iterator[None]:
        """Hold the data directory's write lock; nested blocks join the outer one."""
        if self._lock_depth == 0:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        self._lock_depth += 1
        try:
            yield
        finally:
            self._lock_depth -= 1
            if self._lock_depth == 0:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def next_sequence(self, key: str, db: TinyDB | None = None) -> int:
        """The next value of a named counter, starting at 1."""
        db = db or self.live
        counters = db.table("_sequences")
        with self.atomic(db):
            doc = counters.get(doc_id=_counter_id(key))
            value = (doc["value"] if doc else 0) + 1
            from tinydb.table import Document

            counters.upsert(Document({"key": key, "value": value}, doc_id=_counter_id(key)))
        return value

    def close(self) -> None:
        self.live.close()
        for db in self._archives.values():
            db.close()
        self._lock_file.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _counter_id(key: str) -> int:
    import zlib

    return zlib.crc32(key.encode()) + 1
