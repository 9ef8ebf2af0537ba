"""One partition's writes: commits, the append that does not load, and compaction.

Writes run between `begin` and `end` (see `writing()`): the first one catches up with what
other processes appended, takes the partition's file lock, catches up with what they appended
meanwhile and refuses if the partition is damaged. (Reading the others' commits before the
lock keeps its hold short: while an engine wrote hundreds of pages a second, a desk's
registration held the lock 0.2-0.4 s to read them, and the engine waited for it.) Every
change to the tables goes through `put`/`delete`/`clear`/`drop`/`adopt_new`, which keep the
undo log (`undo.py`); the outermost end turns the log into one journal line, appends and
fsyncs it (`journal.py`), compacts when due (`compaction.py`) and releases the lock. Loading
and catching up with other processes are `loaded.LoadedPartition`'s.
`append_new()` adds new documents without loading, after `snapshots.quick_check` and a
checksum pass over the journal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dispatcher.errors import StoreError
from dispatcher.store import codec, compaction, files, snapshots
from dispatcher.store.damage import Damage, StoreDamaged
from dispatcher.store.journal import Journal
from dispatcher.store.loaded import LoadedPartition


class Partition(LoadedPartition):
    """One partition, shared by every process that opens it: its writes and compaction over
    the tables `LoadedPartition` keeps."""

    def __init__(
        self,
        directory: Path,
        *,
        label: str | None = None,
        policy: compaction.Policy | None = None,
    ) -> None:
        super().__init__(directory, label=label)
        self._policy = policy or compaction.Policy()
        self._compact_retry_at = 0

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
                if self.loaded:  # what other processes wrote is read before the lock is taken
                    self.refresh()
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
