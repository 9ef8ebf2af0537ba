"""The store: TinyDB databases in one data directory, kept in an append-only journal.

The public surface every other layer uses:

    store = Store(data_dir)            # creates the directory; reads nothing yet
    store.live                         # TinyDB of live records (open SRs, outbox, overrides...)
    store.counters                     # TinyDB of small counters, loaded without live
    store.archive("2026-11")           # TinyDB of an archive partition, opened on demand
    store.archive_periods()            # ["2026-10", "2026-11", ...]
    with store.atomic(db):             # every write to db's tables in the block is one commit
        ...
    store.append_new(db, {"events": [Document(..., doc_id=n)]})  # one commit of new documents
    store.adopt_new(db, {"events": {n: document}})  # new documents handed over (bulk loads)
    store.next_sequence("sr:20261124") # a counter that is unique across processes
    store.compact(db)                  # snapshot a partition now (it also happens by itself)
    store.refresh()                    # catch up with other processes now (reads do it anyway)
    store.version(db)                  # moves with every change to db seen by this process
    store.close_archive("2026-11")     # release a cached archive partition's memory
    store.close()

Layout of a data directory (see `files.py` for the formats):

    live/                   the live partition
    counters/               a tiny partition of counters (the day's SR numbers)
    archive/2026-11/        one directory per monthly archive partition
        snapshot  journal.<generation>  lock

A partition is read from disk by the first read or write that needs its tables, so opening a
store costs next to nothing and `append_new` + `counters` register an SR without reading live.
Every write call returns after its journal line is fsynced; several processes may share the
directory (each write takes the partition's file lock and first applies what the others
appended; reads catch up with one fstat). Errors are `StoreError`, one line naming the file.
"""

from __future__ import annotations

import contextlib
import os
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from tinydb import TinyDB
from tinydb.table import Document

from dispatcher.errors import StoreError
from dispatcher.store import files
from dispatcher.store.compaction import DEFAULT_COMPACT_MIN_BYTES, DEFAULT_COMPACT_RATIO, Policy
from dispatcher.store.damage import Damage, SequenceEnd, read_notice, warning, write_notice
from dispatcher.store.documents import SEQUENCES_TABLE, last_number
from dispatcher.store.journal import reason
from dispatcher.store.partition import Partition
from dispatcher.store.table import PartitionDB

DATA_ENV = "DISPATCHER_DATA"
PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])\Z")

__all__ = ["DATA_ENV", "SequenceEnd", "Store", "StoreError", "default_data_dir"]


def default_data_dir() -> Path:
    """`DISPATCHER_DATA` if set, else the platform's user data folder."""
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured)
    return Path(platformdirs.user_data_dir("dispatcher", appauthor=False))


class Store:
    """One data directory: a live partition and monthly archive partitions.

    `compact_min_bytes` and `compact_ratio` set when a partition compacts by itself: once its
    journal is larger than both `compact_min_bytes` and `compact_ratio` x its snapshot.
    """

    def __init__(
        self,
        data_dir: Path | str,
        *,
        compact_min_bytes: int = DEFAULT_COMPACT_MIN_BYTES,
        compact_ratio: float = DEFAULT_COMPACT_RATIO,
    ) -> None:
        self.data_dir = Path(data_dir)
        self._policy = Policy(compact_min_bytes, compact_ratio)
        try:
            self.data_dir.mkdir(mode=files.DIR_MODE, parents=True, exist_ok=True)
            if os.stat(self.data_dir).st_mode & 0o077:  # made by an older version, or by hand
                with contextlib.suppress(PermissionError):  # not ours: leave it as it is
                    os.chmod(self.data_dir, files.DIR_MODE)
            (self.data_dir / "archive").mkdir(mode=files.DIR_MODE, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create data directory {self.data_dir}: {reason(exc)}"
            ) from None
        self.live = PartitionDB(self._open("live"))
        self.counters = PartitionDB(self._open("counters"))
        self._archives: dict[str, PartitionDB] = {}

    def archive(self, period: str) -> TinyDB:
        """The archive partition of one month ("YYYY-MM"), opened once and then cached."""
        if not isinstance(period, str) or not PERIOD.match(period):
            raise StoreError(f"archive period must look like 2026-11, not {period!r}")
        if period not in self._archives:
            self._archives[period] = PartitionDB(self._open(f"archive/{period}"))
        return self._archives[period]

    def holds_data(self, label: str) -> bool:
        """Whether a partition ("live", "counters", "archive/2026-11") has anything on disk."""
        return _has_data(self.data_dir / label)

    def _open(self, label: str) -> Partition:
        return Partition(self.data_dir / label, label=label, policy=self._policy)

    def close_archive(self, period: str) -> None:
        """Drop an archive partition from memory (an importer writing a year does this after
        each month). A later `archive(period)` opens it again."""
        db = self._archives.pop(period, None)
        if db is not None:
            if self._policy.held:  # a bulk load is done with this month: compacted once
                with contextlib.suppress(StoreError):  # the commits are safe in the journal
                    db.partition.compact(if_due=True)
            db.partition.close()

    def archive_periods(self) -> list[str]:
        """The months that have an archive partition holding data, oldest first."""
        root = self.data_dir / "archive"
        try:
            names = os.listdir(root)
        except OSError as exc:
            raise StoreError(f"cannot read {root}: {reason(exc)}") from None
        return sorted(name for name in names if PERIOD.match(name) and _has_data(root / name))

    @contextmanager
    def atomic(self, db: TinyDB | None = None) -> Iterator[None]:
        """Every write to `db`'s tables in the block is one commit, under one lock hold.

        Nested blocks join the outer one. If the block raises, its changes are undone in
        memory and nothing is written. Each partition commits on its own: a block on the live
        partition does not cover writes to an archive; when nesting blocks of two partitions,
        open the live one first, so that processes take the partition locks in one order.
        """
        with self._partition(db).writing():
            yield

    def append_new(self, db: TinyDB | None, docs: Mapping[str, Iterable[Document]]) -> None:
        """Insert documents into `db`'s tables as one commit; the caller guarantees that no
        document with any of these doc ids exists. A partition this process has not loaded
        stays unloaded: the commit is appended to its journal without reading the partition.
        Documents need a doc_id (`Document(..., doc_id=n)`)."""
        partition = self._partition(db)
        changes: dict[str, dict[int, dict]] = {}
        for name, documents in docs.items():
            table = changes.setdefault(name, {})
            for doc in documents:
                doc_id = getattr(doc, "doc_id", None)
                if not isinstance(doc_id, int):
                    raise ValueError(f"append_new needs Documents with a doc_id, not {doc!r}")
                table[doc_id] = dict(doc)
        partition.append_new(changes)

    def adopt_new(self, db: TinyDB | None, docs: Mapping[str, dict[int, dict]]) -> None:
        """Insert new documents (`{table: {doc_id: document}}`) into `db`'s tables, in the
        enclosing atomic block or as one commit; DuplicateId if an id is taken. The store
        keeps the dicts themselves: hand over JSON values as a decoder made them, and keep no
        reference to them (a bulk load's documents are then neither copied nor read back)."""
        partition = self._partition(db)
        with partition.writing():
            for name, table in docs.items():
                partition.adopt_new(name, table, partition.label)

    def next_sequence(self, key: str, db: TinyDB | None = None, *, last: int | None = None) -> int:
        """Next value of a named counter, from 1, unique across processes; SequenceEnd past `last`
        (default: the end of a day counter's ids, `documents.last_number`)."""
        last = last if last is not None else last_number(key)
        with self._sequence(key, db) as (value, store_value):
            if last is not None and value >= last:
                raise SequenceEnd(key, last)
            store_value(value + 1)
        return value + 1

    def raise_sequence(self, key: str, at_least: int, db: TinyDB | None = None) -> None:
        """Make sure the counter's next value is past `at_least` (values an import took); a day
        counter is raised at most to its end (`documents.last_number`: its last id is taken),
        never past it, which would be damage."""
        last = last_number(key)
        at_least = at_least if last is None else min(at_least, last)
        with self._sequence(key, db) as (value, store_value):
            if value < at_least:
                store_value(at_least)

    def release_sequence(self, key: str, value: int, db: TinyDB | None = None) -> None:
        """Give back a value that was never used, if nobody has taken a later one."""
        with self._sequence(key, db) as (current, store_value):
            if current == value:
                store_value(value - 1)

    @contextmanager
    def _sequence(self, key: str, db: TinyDB | None):
        """Inside one atomic block: a counter's current value and a way to set it."""
        db = db if db is not None else self.live
        counters = db.table(SEQUENCES_TABLE)
        with self.atomic(db):
            doc_id = _counter_id(key)
            while True:  # crc32 collisions between keys probe onwards
                doc = counters.get(doc_id=doc_id)
                if doc is None or doc.get("key") == key:
                    break
                doc_id += 1
            yield (
                doc["value"] if doc else 0,
                lambda value: counters.upsert(
                    Document({"key": key, "value": value}, doc_id=doc_id)
                ),
            )

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Partitions grow their journals without compacting in the block; each is compacted
        once, if due, when it is closed (`close_archive`) or the block ends. An import of a
        year so writes each month's snapshot once, not again after every batch."""
        self._policy.held = True
        try:
            yield
        finally:
            self._policy.held = False
            for partition in self._partitions():
                with contextlib.suppress(StoreError):  # the commits are safe in the journals
                    partition.compact(if_due=True)

    def compact(self, db: TinyDB | None = None) -> None:
        """Snapshot a partition now and start a new, empty journal generation."""
        self._partition(db).compact()

    def refresh(self, db: TinyDB | None = None) -> None:
        """Catch up with other processes' writes now (reads do this by themselves)."""
        dbs = [db] if db is not None else [self.live, self.counters, *self._archives.values()]
        for each in dbs:
            partition = self._partition(each)
            with partition.mutex:
                if partition.loaded:  # an unloaded partition reads everything on first use
                    partition.refresh()

    def version(self, db: TinyDB | None = None) -> int:
        """A number that moves with every change to `db`'s tables this process has seen: its
        own writes, from any thread, and other processes' once read (`refresh`). A reader
        waiting for any change compares two."""
        return self._partition(db).version

    def damage(self) -> list[Damage]:
        """The damage this process has found in the partitions it read, and what the damage
        notice (`DAMAGED`, written by any process that found damage) lists."""
        found = {d.describe(): d for p in self._partitions() for d in p.damage}
        for line in read_notice(self.data_dir):
            where, _, why = line.partition(": ")
            file, _, lineno = where.partition(" line ")
            damage = Damage(file, int(lineno) if lineno.isdigit() else None, why)
            found.setdefault(damage.describe(), damage)
        return list(found.values())

    def damage_warning(self) -> str | None:
        """One line naming what is damaged, or None: for every command and the desk."""
        found = self.damage()
        return warning(found) if found else None

    def close(self) -> None:
        """Close every partition; damage found meanwhile goes into the damage notice, so
        that every later command names it, whatever it reads."""
        found = [d for p in self._partitions() for d in p.damage]
        if found:
            write_notice(self.data_dir, [d.describe() for d in self.damage()])
        for partition in self._partitions():
            partition.close()

    def _partitions(self) -> list[Partition]:
        return [self._partition(db) for db in (self.live, self.counters, *self._archives.values())]

    def _partition(self, db: TinyDB | None) -> Partition:
        db = db if db is not None else self.live
        if not isinstance(db, PartitionDB):
            raise StoreError(f"{db!r} is not a database of the store at {self.data_dir}")
        return db.partition

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _counter_id(key: str) -> int:
    return zlib.crc32(key.encode()) + 1


def _has_data(directory: Path) -> bool:
    if (directory / files.SNAPSHOT).exists():
        return True
    try:
        return any(
            os.stat(directory / files.journal_name(g)).st_size > 0
            for g in files.journal_generations(directory)
        )
    except OSError:
        return False
