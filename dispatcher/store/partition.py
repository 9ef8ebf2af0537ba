"""One partition: its tables in memory, kept equal to its snapshot and journal on disk.

Writes run between `begin()` and `end()` (see `writing()`): the first one takes the
partition's file lock and catches up with what other processes appended; every change to the
in-memory tables goes through `put`/`delete`/`clear`/`drop`, which keep an undo log; the
outermost `end()` turns the undo log into one journal line, appends and fsyncs it, and
releases the lock. On an exception the undo log restores memory, back to the savepoint of the
block that raised.

Reads call `refresh()`: one fstat of the journal tells whether another process appended to it
(the file grew) or compacted the partition (the file was unlinked).

Opening a partition reads nothing: the snapshot and journal are loaded by the first read or
write that needs the tables. `append_new()` adds documents with new doc ids as one commit
without loading at all: under the file lock it reads only the snapshot's header and the
journal's last line.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from dispatcher.errors import StoreError
from dispatcher.store import files

_DOC, _CREATE, _CLEAR, _DROP = "doc", "create", "clear", "drop"
_MISSING = object()

DEFAULT_COMPACT_MIN_BYTES = 8 * 1024 * 1024
DEFAULT_COMPACT_RATIO = 1.0


def reason(exc: OSError) -> str:
    """An OSError as the lower-case phrase a one-line message needs."""
    if exc.errno:
        return os.strerror(exc.errno).lower()
    return str(exc) or type(exc).__name__


class Partition:
    """The tables of one partition directory, shared by every process that opens it."""

    def __init__(
        self,
        directory: Path,
        *,
        compact_min_bytes: int = DEFAULT_COMPACT_MIN_BYTES,
        compact_ratio: float = DEFAULT_COMPACT_RATIO,
    ) -> None:
        self.directory = directory
        self.tables: dict[str, dict[int, dict]] = {}
        self.high: dict[str, int] = {}  # highest doc_id ever used per table, since its truncation
        self.version = 0  # bumped on every change in memory; tables drop query caches on it
        self.mutex = threading.RLock()
        self._compact_min_bytes = compact_min_bytes
        self._compact_ratio = compact_ratio
        self._compact_retry_at = 0
        self._depth = 0
        self._undo: list[tuple] = []
        self._fd = -1
        self._generation = 0
        self._pos = 0  # bytes of the journal applied to memory
        self._lineno = 1  # line number of the next journal line
        self._snapshot_size = 0
        self._locked = False
        self._closed = False
        self.loaded = False  # the tables are read on first use (`_ensure_loaded`)
        try:
            directory.mkdir(mode=files.DIR_MODE, parents=True, exist_ok=True)
            self._lock_fd = os.open(directory / files.LOCK, os.O_RDWR | os.O_CREAT, files.FILE_MODE)
        except OSError as exc:
            raise StoreError(f"cannot open {directory}: {reason(exc)}") from None

    # -- paths -------------------------------------------------------------------------------

    @property
    def journal_path(self) -> Path:
        return self.directory / files.journal_name(self._generation)

    @property
    def snapshot_path(self) -> Path:
        return self.directory / files.SNAPSHOT

    # -- the file lock -----------------------------------------------------------------------

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        if self._locked:
            yield
            return
        self._lock()
        try:
            yield
        finally:
            self._unlock()

    def _lock(self) -> None:
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        except OSError as exc:
            raise StoreError(f"cannot lock {self.directory / files.LOCK}: {reason(exc)}") from None
        self._locked = True

    def _unlock(self) -> None:
        self._locked = False
        fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    # -- loading and catching up -------------------------------------------------------------

    def _ensure_loaded(self) -> None:
        """Read the partition now if this process has not yet (call with `mutex` held)."""
        if not self.loaded:
            with self._file_lock():
                self._load_locked()

    def _load_locked(self) -> None:
        """Read the snapshot and replay its journal; tidy what a crashed compaction left."""
        try:
            snapshot = files.read_snapshot(self.snapshot_path)
        except files.BadSnapshot as exc:
            raise StoreError(
                f"{self.snapshot_path} is damaged ({exc}); refusing to open it"
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot read {self.snapshot_path}: {reason(exc)}") from None
        generation, tables, high, size = snapshot or (0, {}, {}, 0)
        try:
            for stale in files.journal_generations(self.directory):
                if stale != generation:
                    os.unlink(self.directory / files.journal_name(stale))
            tmp = self.directory / files.SNAPSHOT_TMP
            if tmp.exists():
                tmp.unlink()
            path = self.directory / files.journal_name(generation)
            created = not path.exists()
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, files.FILE_MODE)
            if created:
                files.sync_directory(self.directory)
        except OSError as exc:
            raise StoreError(f"cannot open {self.directory}: {reason(exc)}") from None
        if self._fd >= 0:
            os.close(self._fd)
        self._fd, self._generation, self._pos, self._lineno = fd, generation, 0, 1
        self.tables, self.high, self._snapshot_size = tables, high, size
        self.version += 1
        self.loaded = True
        try:
            self._read_journal()
        except BaseException:
            self.loaded = False  # the next use reads it all again
            raise

    def refresh(self) -> None:
        """Catch up with other processes' commits (call with `mutex` held)."""
        self._check_open()
        if self._depth:
            return  # inside a write the file lock is held: nobody else can have written
        if not self.loaded:
            self._ensure_loaded()
            return
        try:
            stat = os.fstat(self._fd)
        except OSError as exc:
            raise StoreError(f"cannot read {self.journal_path}: {reason(exc)}") from None
        if stat.st_nlink == 0:
            self._follow_generation()
        elif stat.st_size > self._pos:
            self._read_journal()

    def _sync_locked(self) -> None:
        """Under the file lock: the snapshot's header says which generation is current."""
        if not self.loaded:
            self._load_locked()
            return
        current = self._current_generation()
        if current == self._generation:
            self._read_journal()
        elif not (current == self._generation + 1 and self._switch(current)):
            self._load_locked()

    def _current_generation(self) -> int:
        """The generation the snapshot's header names (0 without a snapshot)."""
        try:
            return files.read_header(self.snapshot_path) or 0
        except files.BadSnapshot as exc:
            raise StoreError(
                f"{self.snapshot_path} is damaged ({exc}); refusing to open it"
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot read {self.snapshot_path}: {reason(exc)}") from None

    def _follow_generation(self) -> None:
        """The journal was unlinked: another process compacted. Move to the new generation."""
        try:
            current = files.read_header(self.snapshot_path) or 0
        except (files.BadSnapshot, OSError):
            current = -1
        if current == self._generation + 1 and self._switch(current):
            return
        with self._file_lock():
            self._load_locked()

    def _switch(self, generation: int) -> bool:
        """Finish the old journal, whose end the new snapshot covers, then open the new one."""
        self._read_journal(final=True)
        try:
            fd = os.open(self.directory / files.journal_name(generation), os.O_RDWR | os.O_APPEND)
            self._snapshot_size = os.stat(self.snapshot_path).st_size
        except OSError:
            return False  # compacted again meanwhile: the caller reloads
        os.close(self._fd)
        self._fd, self._generation, self._pos, self._lineno = fd, generation, 0, 1
        for stale in files.journal_generations(self.directory):
            if stale < generation:
                with suppress(OSError):
                    os.unlink(self.directory / files.journal_name(stale))
        self._read_journal()
        return True

    def _read_journal(self, final: bool = False) -> None:
        """Apply the journal lines past `_pos`; drop a torn tail (truncate it if locked)."""
        path = self.journal_path
        try:
            size = os.fstat(self._fd).st_size
            if size <= self._pos:
                return
            buf = os.pread(self._fd, size - self._pos, self._pos)
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {reason(exc)}") from None
        try:
            commits, used, torn = files.scan(buf, self._lineno)
        except files.CorruptLine as exc:
            if not self._locked and not final:
                with self._file_lock():  # confirm with no writer mid-append
                    self._sync_locked()
                return
            raise StoreError(
                f"{path}: line {exc.lineno} is damaged and later lines follow it; refusing to open it"
            ) from None
        for offset, commit in enumerate(commits):
            try:
                self._apply(commit)
            except (KeyError, TypeError, ValueError, AttributeError):
                raise StoreError(
                    f"{path}: line {self._lineno + offset} is not a valid commit; refusing to open it"
                ) from None
        self._pos += used
        self._lineno += len(commits)
        if commits:
            self.version += 1
        if torn and not final:
            self._drop_torn_tail()

    def _drop_torn_tail(self) -> None:
        """Truncate an incomplete last line, but only under the lock: it may be mid-write."""
        if not self._locked:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return  # a writer holds the lock; the line may be in progress
            self._locked = True
            try:
                self._sync_locked()
            finally:
                self._unlock()
            return
        self._truncate_torn(self._pos)

    def _truncate_torn(self, offset: int) -> None:
        """Under the lock: cut the journal back to `offset`, the end of its last good line."""
        try:
            os.ftruncate(self._fd, offset)
            os.fsync(self._fd)
        except OSError as exc:
            raise StoreError(
                f"cannot repair {self.journal_path}: {reason(exc)}; its last line is torn"
            ) from None

    def _apply(self, commit: dict) -> None:
        for name, change in commit["t"].items():
            if change.get("drop"):
                self.tables.pop(name, None)
                self.high.pop(name, None)
                continue
            table = self.tables.get(name)
            if table is None or change.get("clear"):
                table = self.tables[name] = {}
                self.high[name] = 0
            for doc_id in change.get("del", ()):
                table.pop(doc_id, None)
            sets = change.get("set")
            if sets:
                high = self.high.get(name, 0)
                for key, doc in sets.items():
                    doc_id = int(key)
                    table[doc_id] = doc
                    if doc_id > high:
                        high = doc_id
                self.high[name] = high

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

    @property
    def in_write(self) -> bool:
        return self._depth > 0

    def _begin(self) -> int:
        self.mutex.acquire()
        try:
            self._check_open()
            if self._depth == 0:
                self._lock()
                try:
                    self._sync_locked()
                except BaseException:
                    self._unlock()
                    raise
        except BaseException:
            self.mutex.release()
            raise
        self._depth += 1
        return len(self._undo)

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
                    self._unlock()
        finally:
            self._depth -= 1
            self.mutex.release()

    def append_new(self, docs: dict[str, dict[int, dict]]) -> None:
        """Insert documents whose doc ids the caller knows are new, as one commit.

        When this process has loaded the partition, this is an ordinary write, so memory stays
        equal to disk. Otherwise, under the file lock, only the snapshot's header and the
        journal's last line are read: a torn tail is truncated as any writer would, the line
        is appended and synced, and nothing is parsed. A journal grown past the compaction
        threshold is loaded and compacted by the ordinary write path instead.
        """
        if not any(docs.values()):
            return
        with self.mutex:
            self._check_open()
            if not self.loaded and not self._depth:
                payload = files.dumps(
                    {
                        "t": {
                            name: {"set": {int(doc_id): doc for doc_id, doc in table.items()}}
                            for name, table in docs.items()
                            if table
                        }
                    }
                )
                self._lock()
                try:
                    if self._append_unloaded_locked(payload):
                        return
                finally:
                    self._unlock()
            with self.writing():  # loads the partition if need be, and compacts when due
                for name, table in docs.items():
                    for doc_id, doc in table.items():
                        self.put(name, int(doc_id), doc)

    def _append_unloaded_locked(self, payload: bytes) -> bool:
        """Append one commit to the current journal without loading; False if the journal is
        due for compaction (the caller then writes through a loaded partition)."""
        generation = self._current_generation()
        path = self.directory / files.journal_name(generation)
        try:
            stat = os.fstat(self._fd) if self._fd >= 0 else None
            if stat is None or stat.st_nlink == 0 or generation != self._generation:
                created = not path.exists()
                fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, files.FILE_MODE)
                if created:
                    files.sync_directory(self.directory)
                if self._fd >= 0:
                    os.close(self._fd)
                self._fd, self._generation = fd, generation
            size = os.fstat(self._fd).st_size
            self._snapshot_size = os.stat(self.snapshot_path).st_size if generation else 0
        except OSError as exc:
            raise StoreError(f"cannot open {path}: {reason(exc)}") from None
        if size >= max(self._compact_min_bytes, self._compact_ratio * self._snapshot_size):
            return False
        start = self._last_line_start(size)
        try:
            buf = os.pread(self._fd, size - start, start)
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {reason(exc)}") from None
        _, used, torn = files.scan(buf, 1)  # at most one complete line: never CorruptLine
        if torn:
            self._truncate_torn(start + used)
        start += used
        line = files.encode_line(payload)
        try:
            files.write_all(self._fd, line)
            files.sync_data(self._fd)
        except OSError as exc:
            self._truncate_to(start)
            raise StoreError(
                f"cannot save to {path}: {reason(exc)}; the change was not saved"
            ) from None
        return True

    def _last_line_start(self, size: int) -> int:
        """The offset where the journal's last complete line begins (or its torn tail, if it
        has no complete line), reading backwards from the end."""
        path = self.journal_path
        chunk = 64 * 1024
        while True:
            start = max(0, size - chunk)
            try:
                buf = os.pread(self._fd, size - start, start)
            except OSError as exc:
                raise StoreError(f"cannot read {path}: {reason(exc)}") from None
            last = buf.rfind(b"\n")
            if last >= 0:
                before = buf.rfind(b"\n", 0, last)
                if before >= 0:
                    return start + before + 1
            if start == 0:
                return 0
            chunk *= 4

    def table_for_write(self, name: str) -> dict[int, dict]:
        table = self.tables.get(name)
        if table is None:
            table = self.tables[name] = {}
            self.high[name] = 0
            self._undo.append((_CREATE, name))
        return table

    def put(self, name: str, doc_id: int, doc: dict) -> None:
        table = self.table_for_write(name)
        high = self.high[name]
        self._undo.append((_DOC, name, doc_id, table.get(doc_id, _MISSING), high))
        table[doc_id] = doc
        if doc_id > high:
            self.high[name] = doc_id
        self.version += 1

    def delete(self, name: str, doc_id: int) -> None:
        old = self.tables[name].pop(doc_id)
        self._undo.append((_DOC, name, doc_id, old, self.high[name]))
        self.version += 1

    def clear(self, name: str) -> None:
        old = self.tables.get(name)
        if old is None:
            self.table_for_write(name)
            return
        self._undo.append((_CLEAR, name, old, self.high[name]))
        self.tables[name] = {}
        self.high[name] = 0
        self.version += 1

    def drop(self, name: str) -> None:
        old = self.tables.pop(name, None)
        if old is not None:
            self._undo.append((_DROP, name, old, self.high.pop(name, 0)))
            self.version += 1

    def _rollback(self, mark: int) -> None:
        undo = self._undo
        while len(undo) > mark:
            entry = undo.pop()
            kind, name = entry[0], entry[1]
            if kind is _DOC:
                _, _, doc_id, old, high = entry
                if old is _MISSING:
                    self.tables[name].pop(doc_id, None)
                else:
                    self.tables[name][doc_id] = old
                self.high[name] = high
            elif kind is _CREATE:
                self.tables.pop(name, None)
                self.high.pop(name, None)
            else:
                self.tables[name] = entry[2]
                self.high[name] = entry[3]
        self.version += 1

    def _changes(self) -> dict:
        """The undo log as one commit: per table, the final state of what it touched."""
        touched: dict[str, dict[int, None]] = {}
        reset: set[str] = set()
        for entry in self._undo:
            ids = touched.setdefault(entry[1], {})
            if entry[0] is _DOC:
                ids[entry[2]] = None
            elif entry[0] is not _CREATE:
                reset.add(entry[1])
        changes: dict[str, dict] = {}
        for name, ids in touched.items():
            table = self.tables.get(name)
            if table is None:
                changes[name] = {"drop": 1}
                continue
            change: dict = {}
            if name in reset:
                change["clear"] = 1
            removed = [doc_id for doc_id in ids if doc_id not in table]
            if removed and name not in reset:
                change["del"] = removed
            sets = {doc_id: table[doc_id] for doc_id in ids if doc_id in table}
            if sets:
                change["set"] = sets
            changes[name] = change
        return changes

    def _commit(self) -> None:
        try:
            payload = files.dumps({"t": self._changes()})
        except (TypeError, ValueError):
            self._rollback(0)
            raise
        line = files.encode_line(payload)
        start = self._pos
        try:
            files.write_all(self._fd, line)
            files.sync_data(self._fd)
        except OSError as exc:
            self._truncate_to(start)
            self._rollback(0)
            raise StoreError(
                f"cannot save to {self.journal_path}: {reason(exc)}; the change was not saved"
            ) from None
        self._pos = start + len(line)
        self._lineno += 1
        # From now on memory holds the documents exactly as a replay would read them back,
        # sharing nothing with the objects the caller passed in.
        for name, change in json.loads(payload)["t"].items():
            table = self.tables[name] if "set" in change else None
            for key, doc in change.get("set", {}).items():
                table[int(key)] = doc

    def _truncate_to(self, offset: int) -> None:
        try:
            os.ftruncate(self._fd, offset)
            os.fsync(self._fd)
        except OSError:
            pass  # the next writer finds the torn tail under the lock and truncates it

    # -- compaction --------------------------------------------------------------------------

    def _maybe_compact(self) -> None:
        threshold = max(self._compact_min_bytes, self._compact_ratio * self._snapshot_size)
        if self._pos < threshold or self._pos < self._compact_retry_at:
            return
        try:
            self._compact_locked()
        except StoreError:
            # The commit itself is safe in the journal; try again after more growth.
            self._compact_retry_at = self._pos + self._compact_min_bytes

    def compact(self) -> None:
        """Write a snapshot of the partition now and start a new, empty journal."""
        with self.mutex:
            self._check_open()
            if self._depth:
                raise StoreError(f"cannot compact {self.directory} inside an atomic block")
            with self._file_lock():
                self._sync_locked()
                self._compact_locked()

    def _compact_locked(self) -> None:
        directory = self.directory
        generation = self._generation + 1
        new_journal = directory / files.journal_name(generation)
        fd = -1
        try:
            size = files.write_snapshot(directory, generation, self.tables, self.high)
            fd = os.open(
                new_journal, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC, files.FILE_MODE
            )
            os.replace(directory / files.SNAPSHOT_TMP, self.snapshot_path)
        except OSError as exc:
            if fd >= 0:
                os.close(fd)
            for leftover in (new_journal, directory / files.SNAPSHOT_TMP):
                with suppress(OSError):
                    leftover.unlink()
            raise StoreError(
                f"cannot compact {directory}: {reason(exc)}; nothing was lost"
            ) from None
        old_journal = self.journal_path
        os.close(self._fd)
        self._fd, self._generation, self._pos, self._lineno = fd, generation, 0, 1
        self._snapshot_size = size
        self._compact_retry_at = 0
        try:
            files.sync_directory(directory)
            old_journal.unlink()
            files.sync_directory(directory)
        except OSError as exc:
            raise StoreError(f"cannot compact {directory}: {reason(exc)}") from None

    # -- closing -----------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"the store partition {self.directory} is closed")

    def close(self) -> None:
        with self.mutex:
            if self._closed:
                return
            self._closed = True
            for fd in (self._fd, getattr(self, "_lock_fd", -1)):
                if fd >= 0:
                    os.close(fd)
            self._fd = -1
