"""TinyDB's interface over a partition, through its documented extension points only: a custom
`Storage`, a `Table` subclass given as `table_class`, TinyDB's `Document` as the document class
and `int` as the document id class.

Stock `Table` funnels every write through its private `_update_table`, which reads the whole
database from the storage, converts every key of the table, and writes the whole database back.
Here every public method is overridden: writes change only the documents they touch, through the
partition (which logs them for the journal and for rollback), and reads look documents up in
memory by integer doc_id. No private method of TinyDB is overridden or called; a stock method
this class does not override still works, through the storage's whole-database `read`/`write`.
`tests/store/test_tinydb_contract.py` pins the behaviour of TinyDB that this relies on.

Documents handed out are shallow copies, as with TinyDB's MemoryStorage: change them through
the table's write methods, never by mutating nested values of a returned document.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any

from tinydb import TinyDB
from tinydb.queries import QueryLike
from tinydb.storages import Storage
from tinydb.table import Document, Table

from dispatcher.store.partition import Partition


class PartitionStorage(Storage):
    """The TinyDB storage of one partition. Whole-database reads and writes are only used by
    TinyDB's table management (`tables()`, `drop_table()`, `drop_tables()`)."""

    def __init__(self, partition: Partition) -> None:
        self.partition = partition

    def read(self) -> dict[str, dict[int, Any]]:
        partition = self.partition
        with partition.mutex:
            partition.refresh()
            return dict(partition.tables)  # a new outer dict: callers may delete from it

    def write(self, data: dict[str, dict]) -> None:
        partition = self.partition
        with partition.writing():
            for name in list(partition.tables):
                if name not in data:
                    partition.drop(name)
            for name, docs in data.items():
                if partition.tables.get(name) is not docs:
                    partition.clear(name)
                    for doc_id, doc in docs.items():
                        partition.put(name, int(doc_id), dict(doc))

    def close(self) -> None:
        """The Store closes partitions; closing one TinyDB handle must not."""


class JournalTable(Table):
    """A TinyDB table whose writes cost O(changed documents) and go to the journal."""

    def __init__(
        self,
        storage: PartitionStorage,
        name: str,
        cache_size: int = 10,
        persist_empty: bool = False,
    ) -> None:
        super().__init__(storage, name, cache_size=cache_size)
        self._partition = storage.partition
        self._results: dict[QueryLike, list[Document]] = {}  # query cache, per partition version
        self._results_size = cache_size
        self._cache_version = -1
        if persist_empty:
            with self._partition.writing():
                self._partition.table_for_write(name)

    # -- reading -----------------------------------------------------------------------------

    def _docs(self) -> dict[int, dict]:
        """The table's documents, after catching up; call with the partition mutex held."""
        partition = self._partition
        partition.refresh()
        if self._cache_version != partition.version:
            self._results.clear()
            self._cache_version = partition.version
        return partition.tables.get(self.name, {})

    def clear_cache(self) -> None:
        self._results.clear()

    def column(self, field: str) -> list[Any]:
        """The value of `field` (None where absent) in every document, copying none of them:
        for a scan that needs one field of all (the acknowledgement codes in use)."""
        with self._partition.mutex:
            return [doc.get(field) for doc in self._docs().values()]

    def all(self) -> list[Document]:
        with self._partition.mutex:
            return [Document(doc, doc_id) for doc_id, doc in self._docs().items()]

    def __iter__(self) -> Iterator[Document]:
        return iter(self.all())

    def __len__(self) -> int:
        with self._partition.mutex:
            return len(self._docs())

    def search(self, cond: QueryLike) -> list[Document]:
        with self._partition.mutex:
            docs = self._docs()
            cached = self._results.get(cond)
            if cached is not None:
                return cached[:]
            found = [Document(doc, doc_id) for doc_id, doc in docs.items() if cond(doc)]
            if getattr(cond, "is_cacheable", lambda: True)():
                if len(self._results) >= self._results_size:
                    self._results.pop(next(iter(self._results)))
                self._results[cond] = found[:]
            return found

    def get(
        self, cond: QueryLike | None = None, doc_id: int | None = None, doc_ids: list | None = None
    ):
        with self._partition.mutex:
            docs = self._docs()
            if doc_id is not None:
                doc = docs.get(int(doc_id))
                return None if doc is None else Document(doc, int(doc_id))
            if doc_ids is not None:
                wanted = dict.fromkeys(int(i) for i in doc_ids)
                return [Document(docs[i], i) for i in wanted if i in docs]
            if cond is not None:
                for key, doc in docs.items():
                    if cond(doc):
                        return Document(doc, key)
                return None
        raise RuntimeError("You have to pass either cond or doc_id or doc_ids")

    def contains(self, cond: QueryLike | None = None, doc_id: int | None = None) -> bool:
        if doc_id is not None:
            with self._partition.mutex:
                return int(doc_id) in self._docs()
        if cond is not None:
            return self.get(cond) is not None
        raise RuntimeError("You have to pass either cond or doc_id")

    def next_doc_id(self) -> int:
        """Only meaningful inside a write: the file lock makes the id unique across processes,
        and the high-water mark keeps a removed document's id from being handed out again."""
        return self._partition.high.get(self.name, 0) + 1

    # -- writing -----------------------------------------------------------------------------

    def insert(self, document: Mapping) -> int:
        return self.insert_multiple([document])[0]

    def insert_multiple(self, documents: Iterable[Mapping]) -> list[int]:
        """A `Document` keeps its doc_id (DuplicateId if taken); any other mapping gets the
        next one."""
        partition = self._partition
        doc_ids = []
        with partition.writing():
            partition.table_for_write(self.name)
            for document in documents:
                if not isinstance(document, Mapping):
                    raise ValueError("Document is not a Mapping")
                if isinstance(document, Document):
                    doc_id = int(document.doc_id)
                    partition.put_new(self.name, doc_id, dict(document), partition.label)
                else:
                    doc_id = self.next_doc_id()
                    partition.put(self.name, doc_id, dict(document))
                doc_ids.append(doc_id)
        return doc_ids

    def _matching(
        self, docs: dict[int, dict], cond: QueryLike | None, doc_ids: Iterable[int] | None
    ) -> list[int]:
        if doc_ids is not None:
            return [doc_id for doc_id in dict.fromkeys(int(i) for i in doc_ids) if doc_id in docs]
        if cond is not None:
            return [doc_id for doc_id, doc in docs.items() if cond(doc)]
        return list(docs)

    def _updated(self, old: dict, fields: Mapping | Callable[[MutableMapping], None]) -> dict:
        """A new document object: the old one stays untouched for rollback."""
        if callable(fields):
            new = copy.deepcopy(old)
            fields(new)
            return new
        new = dict(old)
        new.update(fields)
        return new

    def update(
        self,
        fields: Mapping | Callable[[MutableMapping], None],
        cond: QueryLike | None = None,
        doc_ids: Iterable[int] | None = None,
    ) -> list[int]:
        partition = self._partition
        with partition.writing():
            docs = partition.tables.get(self.name, {})
            updated = self._matching(docs, cond, doc_ids)
            for doc_id in updated:
                partition.put(self.name, doc_id, self._updated(docs[doc_id], fields))
        return updated

    def update_multiple(self, updates: Iterable[tuple[Mapping | Callable, QueryLike]]) -> list[int]:
        partition = self._partition
        updates = list(updates)
        updated = []
        with partition.writing():
            docs = partition.tables.get(self.name, {})
            for doc_id in list(docs):
                for fields, cond in updates:
                    if cond(docs[doc_id]):
                        updated.append(doc_id)
                        partition.put(self.name, doc_id, self._updated(docs[doc_id], fields))
        return updated

    def upsert(self, document: Mapping, cond: QueryLike | None = None) -> list[int]:
        doc_ids = [document.doc_id] if isinstance(document, Document) else None
        if doc_ids is None and cond is None:
            raise ValueError(
                "If you don't specify a search query, you must specify a doc_id. "
                "Hint: use a table.Document object."
            )
        with self._partition.writing():
            updated = self.update(document, cond, doc_ids)
            if updated:
                return updated
            return [self.insert(document)]

    def remove(
        self, cond: QueryLike | None = None, doc_ids: Iterable[int] | None = None
    ) -> list[int]:
        if cond is None and doc_ids is None:
            raise RuntimeError("Use truncate() to remove all documents")
        partition = self._partition
        with partition.writing():
            removed = self._matching(partition.tables.get(self.name, {}), cond, doc_ids)
            for doc_id in removed:
                partition.delete(self.name, doc_id)
        return removed

    def truncate(self) -> None:
        with self._partition.writing():
            self._partition.clear(self.name)


class PartitionDB(TinyDB):
    """A TinyDB over one partition of the store."""

    table_class = JournalTable

    def __init__(self, partition: Partition) -> None:
        super().__init__(partition, storage=PartitionStorage)

    @property
    def partition(self) -> Partition:
        return self.storage.partition  # type: ignore[attr-defined]

    def close(self) -> None:
        """Closing is the Store's job (`Store.close()`); a TinyDB handle cannot close it."""

    def __repr__(self) -> str:
        return f"<PartitionDB {self.partition.directory}>"
