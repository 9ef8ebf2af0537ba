"""One partition: its tables in memory, kept equal to its snapshot and journal on disk.

Writes run between `begin` and `end` (see `writing()`): the first one takes the partition's
file lock, catches up with what other processes appended and refuses if the partition is
damaged; every change to the tables goes through `put`/`delete`/`clear`/`drop`, which keep
the undo log (`undo.py`); the outermost end turns the log into one journal line, appends and
fsyncs it (`journal.py`), compacts when due (`compaction.py`) and releases the lock.

Reads call `refresh()`: one fstat of the journal tells whether another process appended to it
(the file grew) or compacted the partition (the file was unlinked). Opening reads nothing: the
tables are loaded (`snapshots.load`) by the first read or write that needs them. Damage found
on the way is kept in `damage`; reads go on with what could be read. `append_new()` adds new
documents without loading, after `snapshots.quick_check` and a checksum pass over the journal.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dispatcher.errors import StoreError
from dispatcher.store import codec, compaction, files, snapshots
from dispatcher.store.damage import Damage, StoreDamaged, ids_in_line
from dispatcher.store.journal import Journal, store_errors
from dispatcher.store.lock import FileLock
from dispatcher.store.undo import LoggedTables, apply_commit


class Partition(LoggedTables):
    """The tables of one partition directory, shared by every process that opens it.
    `label` names it in messages ("live", "archive/2026-11")."""

    def __init__(
        self,
        directory: Path,
        *,
        label: str | None = None,
        policy: compaction.Policy | None = None,
    ) -> None:
        super().__init__()
        self.directory = directory
        self.label = label or directory.name
        self.mutex = threading.RLock()
        self.damage: list[Damage] = []
        self.loaded = False  # the tables are read on first use (`_ensure_loaded`)
        self._policy = policy or compaction.Policy()
        self._compact_retry_at = 0
        self._depth = 0
        self._journal: Journal | None = None
        self._snapshot_generation: int | None = None
        self._pos = 0  # bytes of the journal applied to memory
        self._lineno = 1  # line number of the next journal line
        self._snapshot_size = 0
        self._closed = False
        with store_errors(f"cannot open {directory}"):
            directory.mkdir(mode=files.DIR_MODE, parents=True, exist_ok=True)
        self._lock = FileLock(directory / files.LOCK)

    # -- loading and catching up -------------------------------------------------------------

    def _ensure_loaded(self) -> None:
        """Read the partition now if this process has not yet (call with `mutex` held)."""
        if not self.loaded:
            with self._lock.held():
                self._load_locked()

    def _load_locked(self) -> None:
        image = snapshots.load(self.directory, self.label)
        journal = Journal(self.directory, image.current)
        if self._journal is not None:
            self._journal.close()
        self._journal = journal
        self._snapshot_generation = image.generation
        self._pos, self._lineno, self._snapshot_size = image.pos, image.lineno, image.snapshot_size
        self.tables, self.high, self.damage = image.tables, image.high, image.damage
        self.version += 1
        self.loaded = True
        self._read_journal()  # what was appended between reading the file and opening it

    def refresh(self) -> None:
        """Catch up with other processes' commits (call with `mutex` held)."""
        self._check_open()
        if self._depth:
            return  # inside a write the file lock is held: nobody else can have written
        if not self.loaded:
            self._ensure_loaded()
        elif self._loaded_journal.unlinked():  # another process compacted: read the new pair
            with self._lock.held():
                self._load_locked()
        elif self._loaded_journal.size() > self._pos:
            self._read_journal()

    def _sync_locked(self) -> None:
        """Under the file lock: catch up, reloading if the snapshot changed meanwhile."""
        current = snapshots.current_generation(self.directory)
        if (
            not self.loaded
            or self._loaded_journal.unlinked()
            or current != self._snapshot_generation
        ):
            self._load_locked()
        else:
            self._read_journal()

    def _read_journal(self) -> None:
        """Apply the complete journal lines past `_pos`; a damaged one is noted in `damage`
        (after a second look under the file lock) and skipped, never dropped from the file."""
        journal = self._loaded_journal
        size = journal.size()
        if size <= self._pos:
            return
        found = files.scan(journal.read(self._pos, size), self._lineno)
        if found.bad and not self._lock.locked:
            with self._lock.held():  # confirm with no writer mid-append
                self._sync_locked()
            return
        name = f"{self.label}/{journal.path.name}"
        for lineno, commit in found.commits:
            try:
                apply_commit(self.tables, self.high, commit)
            except (KeyError, TypeError, ValueError, AttributeError):
                self.damage.append(Damage(name, lineno, "not a valid commit"))
        for bad in found.bad:
            self.damage.append(Damage(name, bad.lineno, bad.reason, ids_in_line(bad.raw[9:])))
        self._pos += found.used
        self._lineno += len(found.commits) + len(found.bad)
        if found.commits:
            self.version += 1

    # -- writing -----------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One commit, or a part of the enclosing one; rolled back if the block raises."""
        mark = self._begin()
        try:
            yield
        except BaseException:
            self._end(mark, failed=True)
            raise
        self._end(mark, failed=False)

    def _begin(self) -> int:
        self.mutex.acquire()
        try:
            self._check_open()
            if self._depth == 0:
                self._lock.acquire()
                try:
                    self._sync_locked()
                    if self.damage:
                        raise StoreDamaged(self.damage)
                except BaseException:
                    self._lock.release()
                    raise
        except BaseException:
            self.mutex.release()
            raise
        self._depth += 1
        return self._undo.mark()

    def _end(self, mark: int, failed: bool) -> None:
        try:
            if failed:
                self._rollback(mark)
            if self._depth == 1:
                try:
                    if not failed:
                        if self._undo:
                            self._commit()
                        self._maybe_compact()
                finally:
                    self._undo.clear()
                    self._lock.release()
        finally:
            self._depth -= 1
            self.mutex.release()

    def append_new(self, docs: dict[str, dict[int, dict]]) -> None:
        """Insert new documents as one commit; DuplicateId if any id is taken.

        When this process has not loaded the partition, under the file lock the snapshot's
        header and size and every journal line's checksum are verified (StoreDamaged if
        anything is wrong), a torn tail is cut, and the line is appended and synced, with no
        document parsed, if every id is surely new (`files.surely_new`: above the snapshot's
        high-water mark, named nowhere in the journal). Otherwise, or when compaction is due,
        the ordinary write path loads the partition and refuses an id that exists.
        """
        if not any(docs.values()):
            return
        with self.mutex:
            self._check_open()
            if not self.loaded and not self._depth:
                payload = codec.dumps(
                    {"t": {name: {"set": table} for name, table in docs.items() if table}}
                )
                with self._lock.held():
                    if self._append_unloaded_locked(payload, docs):
                        return
            with self.writing():  # loads the partition if need be, and compacts when due
                for name, table in docs.items():
                    for doc_id, doc in table.items():
                        self.put_new(name, int(doc_id), doc, self.label)

    def _append_unloaded_locked(self, payload: bytes, docs: dict[str, dict[int, dict]]) -> bool:
        quick = snapshots.quick_check(self.directory, self.label)
        if quick.damage:
            self.damage = quick.damage
            raise StoreDamaged(quick.damage)
        journal = self._journal
        if journal is None or journal.generation != quick.generation or journal.unlinked():
            if journal is not None:
                journal.close()
            journal = self._journal = Journal(self.directory, quick.generation)
        self._snapshot_size = quick.snapshot_size
        if self._policy.due(journal.size(), quick.snapshot_size):
            return False
        snapshot = self.directory / files.SNAPSHOT
        bad = journal.append_if_sound(
            files.encode_line(payload),
            lambda written: files.surely_new(docs, files.read_high(snapshot), written),
        )
        if bad is None:
            return False
        if bad:
            name = f"{self.label}/{journal.path.name}"
            self.damage = [Damage(name, line.lineno, line.reason) for line in bad]
            raise StoreDamaged(self.damage)
        return True

    def _commit(self) -> None:
        try:
            payload = codec.dumps(self._undo.commit(self.tables))
        except (TypeError, ValueError):
            self._rollback(0)
            raise
        read_back = self._undo.copied_in()
        journal = self._loaded_journal
        try:
            if journal.size() > self._pos:  # an unterminated tail: `_sync_locked` read the rest
                journal.cut_torn_tail(self._pos)
            self._pos = journal.append(files.encode_line(payload))
        except StoreError:
            self._rollback(0)
            raise
        self._lineno += 1
        if not read_back:  # adopted documents are JSON values nobody else holds
            return
        # From now on memory holds the documents exactly as a replay would read them back,
        # sharing nothing with the objects the caller passed in.
        for name, change in codec.loads(payload)["t"].items():
            if "set" in change:
                table = self.tables[name]
                for key, doc in change["set"].items():
                    table[int(key)] = doc

    # -- compaction --------------------------------------------------------------------------

    def _maybe_compact(self) -> None:
        if self._pos >= self._compact_retry_at and self._policy.due(self._pos, self._snapshot_size):
            try:
                self._compact_locked()
            except StoreError:  # the commit is safe in the journal: again after more growth
                self._compact_retry_at = self._pos + self._policy.min_bytes

    def compact(self, if_due: bool = False) -> None:
        """Write a snapshot of the partition now and start a new, empty journal; with
        `if_due`, only if this process wrote it and its journal has grown past the policy."""
        with self.mutex:
            self._check_open()
            if self._depth:
                raise StoreError(f"cannot compact {self.directory} inside an atomic block")
            if if_due and not self.loaded:
                return
            with self._lock.held():
                self._sync_locked()
                if self.damage:
                    raise StoreDamaged(self.damage)
                if not if_due or self._policy.grown(self._pos, self._snapshot_size):
                    self._compact_locked()

    def _compact_locked(self) -> None:
        journal = self._loaded_journal
        generation = journal.generation + 1
        size = compaction.install_snapshot(self.directory, generation, self.tables, self.high)
        journal.close()
        self._journal = Journal(self.directory, generation, create=False)
        self._snapshot_generation = generation
        self._pos, self._lineno, self._snapshot_size = 0, 1, size
        self._compact_retry_at = 0
        compaction.drop_superseded(self.directory, generation)

    # -- closing -----------------------------------------------------------------------------

    @property
    def _loaded_journal(self) -> Journal:
        """The journal `_load_locked` opened (the partition is loaded)."""
        assert self._journal is not None, f"{self.label} is not loaded"
        return self._journal

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"the store partition {self.directory} is closed")

    def close(self) -> None:
        with self.mutex:
            if self._closed:
                return
            self._closed = True
            if self._journal is not None:
                self._journal.close()
            self._lock.close()
