"""A partition's tables in memory, kept equal to its snapshot and journal on disk.

Opening reads nothing: the tables are loaded (`snapshots.load`) by the first read or write that
needs them. `refresh()` catches up with other processes: one fstat of the journal tells whether
another process appended to it (the file grew) or compacted the partition (the file was
unlinked). Damage found on the way is kept in `damage`; reads go on with what could be read.
Writing is `partition.Partition`'s, on top of this.
"""

from __future__ import annotations

import threading
from pathlib import Path

from dispatcher.errors import StoreError
from dispatcher.store import files, snapshots
from dispatcher.store.damage import Damage, commit_damage, ids_in_line
from dispatcher.store.journal import Journal, store_errors
from dispatcher.store.lock import FileLock
from dispatcher.store.undo import LoggedTables, apply_commit


class LoadedPartition(LoggedTables):
    """The tables of one partition directory as this process has read them.
    `label` names it in messages ("live", "archive/2026-11")."""

    def __init__(self, directory: Path, *, label: str | None = None) -> None:
        super().__init__()
        self.directory = directory
        self.label = label or directory.name
        self.mutex = threading.RLock()
        self.damage: list[Damage] = []
        self.loaded = False  # the tables are read on first use (`_ensure_loaded`)
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
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                self.damage.append(commit_damage(name, lineno, error))
        for bad in found.bad:
            self.damage.append(Damage(name, bad.lineno, bad.reason, ids_in_line(bad.raw[9:])))
        self._pos += found.used
        self._lineno += len(found.commits) + len(found.bad)
        if found.commits:
            self.version += 1

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
