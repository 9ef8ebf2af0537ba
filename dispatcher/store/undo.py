"""The undo log of a write in progress: named entries, rollback, and the commit they make.

Every change a partition makes to its tables in memory records how to undo it. If the write
block raises, `rollback` restores memory back to a mark; if it succeeds, `commit` turns the log
into the one journal line that replays the same changes (see `files.py` for its format).
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.store.damage import DuplicateId
from dispatcher.store.documents import check_documents, verified

Tables = dict[str, dict[int, dict]]


@dataclass(frozen=True)
class DocumentWritten:
    """A document was put or deleted; `old` is None when it did not exist."""

    table: str
    doc_id: int
    old: dict | None
    high: int


@dataclass(frozen=True)
class DocumentsAdopted:
    """New documents were put, the dicts themselves, handed over by the caller (`adopt_new`);
    `high` is the table's high-water mark before."""

    table: str
    doc_ids: tuple[int, ...]
    high: int


@dataclass(frozen=True)
class TableCreated:
    table: str


@dataclass(frozen=True)
class TableCleared:
    table: str
    old: dict[int, dict]
    high: int


@dataclass(frozen=True)
class TableDropped:
    table: str
    old: dict[int, dict]
    high: int


Entry = DocumentWritten | DocumentsAdopted | TableCreated | TableCleared | TableDropped


class UndoLog:
    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def __bool__(self) -> bool:
        return bool(self.entries)

    def mark(self) -> int:
        return len(self.entries)

    def record(self, entry: Entry) -> None:
        self.entries.append(entry)

    def clear(self) -> None:
        self.entries.clear()

    def rollback(self, tables: Tables, high: dict[str, int], mark: int = 0) -> None:
        """Undo, newest first, every entry after `mark`."""
        entries = self.entries
        while len(entries) > mark:
            entry = entries.pop()
            name = entry.table
            if isinstance(entry, DocumentWritten):
                if entry.old is None:
                    tables[name].pop(entry.doc_id, None)
                else:
                    tables[name][entry.doc_id] = entry.old
                high[name] = entry.high
            elif isinstance(entry, DocumentsAdopted):
                table = tables[name]
                for doc_id in entry.doc_ids:
                    del table[doc_id]
                high[name] = entry.high
            elif isinstance(entry, TableCreated):
                tables.pop(name, None)
                high.pop(name, None)
            else:
                tables[name] = entry.old
                high[name] = entry.high

    def commit(self, tables: Tables) -> dict:
        """The log as one commit: per table it touched, the final state of what it touched."""
        touched: dict[str, dict[int, None]] = {}
        reset: set[str] = set()
        for entry in self.entries:
            ids = touched.setdefault(entry.table, {})
            if isinstance(entry, DocumentWritten):
                ids[entry.doc_id] = None
            elif isinstance(entry, DocumentsAdopted):
                ids.update(dict.fromkeys(entry.doc_ids))
            elif not isinstance(entry, TableCreated):
                reset.add(entry.table)
        changes: dict[str, dict] = {}
        for name, ids in touched.items():
            table = tables.get(name)
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
        return {"t": changes}

    def copied_in(self) -> bool:
        """Whether a document of the log came from a caller who may still hold it (anything
        but `DocumentsAdopted`): the commit then reads its documents back from its line."""
        return any(isinstance(entry, DocumentWritten) for entry in self.entries)


class LoggedTables:
    """Tables in memory whose every change is logged for undo. `high` is the highest doc id
    ever used per table (since its truncation); `version` is bumped on every change, and
    tables drop their query caches on it."""

    def __init__(self) -> None:
        self.tables: Tables = {}
        self.high: dict[str, int] = {}
        self.version = 0
        self._undo = UndoLog()

    def table_for_write(self, name: str) -> dict[int, dict]:
        table = self.tables.get(name)
        if table is None:
            table = self.tables[name] = {}
            self.high[name] = 0
            self._undo.record(TableCreated(name))
        return table

    def put_new(self, name: str, doc_id: int, doc: dict, label: str) -> None:
        """`put` a document whose id must be new to its table (`label` names the partition);
        DuplicateId if the id is taken: an id is never reused."""
        if doc_id in self.tables.get(name, {}):
            raise DuplicateId(
                f"{label}/{name}: document {doc_id} already exists; an id is never reused"
            )
        self.put(name, doc_id, doc)

    def adopt_new(self, name: str, docs: dict[int, dict], label: str) -> None:
        """`put_new` many documents at once, keeping the dicts themselves: the caller hands
        over JSON values as a decoder made them (no tuples, no shared objects) and keeps no
        reference to them, so they need no copy read back. DuplicateId if an id is taken."""
        table = self.table_for_write(name)
        taken = table.keys() & docs.keys()
        if taken:
            raise DuplicateId(
                f"{label}/{name}: document {min(taken)} already exists; an id is never reused"
            )
        if not docs:
            return
        high = self.high[name]
        self._undo.record(DocumentsAdopted(name, tuple(docs), high))
        table.update(docs)
        self.high[name] = max(high, max(docs))
        self.version += 1

    def put(self, name: str, doc_id: int, doc: dict) -> None:
        table = self.table_for_write(name)
        high = self.high[name]
        self._undo.record(DocumentWritten(name, doc_id, table.get(doc_id), high))
        table[doc_id] = doc
        if doc_id > high:
            self.high[name] = doc_id
        self.version += 1

    def delete(self, name: str, doc_id: int) -> None:
        old = self.tables[name].pop(doc_id)
        self._undo.record(DocumentWritten(name, doc_id, old, self.high[name]))
        self.version += 1

    def clear(self, name: str) -> None:
        old = self.tables.get(name)
        if old is None:
            self.table_for_write(name)
            return
        self._undo.record(TableCleared(name, old, self.high[name]))
        self.tables[name] = {}
        self.high[name] = 0
        self.version += 1

    def drop(self, name: str) -> None:
        old = self.tables.pop(name, None)
        if old is not None:
            self._undo.record(TableDropped(name, old, self.high.pop(name, 0)))
            self.version += 1

    def _rollback(self, mark: int) -> None:
        self._undo.rollback(self.tables, self.high, mark)
        self.version += 1


def apply_commit(tables: Tables, high: dict[str, int], commit: dict) -> None:
    """Replay one journal commit onto tables in memory (raises KeyError, TypeError,
    ValueError or AttributeError for a commit that is not one, `documents.BadDocument` for
    one holding a document of the wrong shape; either way before changing anything)."""
    changes = commit["t"].items()
    for name, change in changes:
        if verified(name) and change.get("set"):
            check_documents(name, change["set"])
    for name, change in changes:
        if change.get("drop"):
            tables.pop(name, None)
            high.pop(name, None)
            continue
        table = tables.get(name)
        if table is None or change.get("clear"):
            table = tables[name] = {}
            high[name] = 0
        for doc_id in change.get("del", ()):
            table.pop(doc_id, None)
        sets = change.get("set")
        if sets:
            doc_ids = list(map(int, sets))  # a partition's load replays every commit: kept lean
            table.update(zip(doc_ids, sets.values(), strict=True))
            high[name] = max(high.get(name, 0), *doc_ids)
