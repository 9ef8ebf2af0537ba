"""Exactly what the store relies on in TinyDB (dispatcher/store/table.py), so that the range of
tinydb versions in pyproject.toml can be as wide as these tests pass on. The store overrides no
private method and reads no private attribute; these are the public behaviours it builds on."""

from __future__ import annotations

import inspect

from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage, Storage
from tinydb.table import Document, Table

from dispatcher.store import Store
from dispatcher.store.table import JournalTable, PartitionStorage


class Recording(MemoryStorage):
    def __init__(self, *args) -> None:
        super().__init__()
        self.args = args
        self.calls: list[str] = []

    def read(self):
        self.calls.append("read")
        return super().read()

    def write(self, data) -> None:
        self.calls.append("write")
        super().write(data)


class Marked(Table):
    pass


class Database(TinyDB):
    table_class = Marked


def test_the_storage_class_is_built_with_the_database_arguments_and_exposed() -> None:
    db = Database("partition", storage=Recording)
    assert isinstance(db.storage, Recording) and db.storage.args == ("partition",)


def test_tables_come_from_table_class_with_the_storage_and_name_and_are_cached() -> None:
    db = Database(storage=Recording)
    table = db.table("events")
    assert type(table) is Marked and table.name == "events" and table.storage is db.storage
    assert db.table("events") is table
    assert list(inspect.signature(Table.__init__).parameters)[:4] == [
        "self",
        "storage",
        "name",
        "cache_size",
    ]


def test_table_management_goes_through_the_storage_read_and_write_only() -> None:
    db = Database(storage=Recording)
    db.storage.write({"a": {"1": {"x": 1}}, "b": {}})
    db.storage.calls.clear()
    assert db.tables() == {"a", "b"}
    db.drop_table("b")
    assert db.storage.read() == {"a": {"1": {"x": 1}}}
    db.drop_tables()
    assert db.storage.read() == {}
    assert set(db.storage.calls) <= {"read", "write"}


def test_documents_queries_and_the_stock_methods_built_on_search() -> None:
    doc = Document({"n": 1}, doc_id=7)
    assert doc == {"n": 1} and doc.doc_id == 7 and isinstance(doc, dict)
    q = Query().n == 1
    assert hash(q) == hash(Query().n == 1) and q({"n": 1}) and q.is_cacheable()
    assert issubclass(PartitionStorage, Storage) and issubclass(JournalTable, Table)


def test_stock_methods_the_store_does_not_override_work_through_it(tmp_path) -> None:
    with Store(tmp_path / "data") as store:
        table = store.live.table("events")
        table.insert_multiple({"n": n} for n in range(5))
        assert table.count(Query().n >= 3) == 2  # stock count() -> our search()
        assert store.live.tables() == {"events"}
        assert len(store.live.table("events")) == 5
        store.live.drop_table("events")  # stock drop_table() -> our storage's read/write
        assert store.live.tables() == set()
    with Store(tmp_path / "data") as store:
        assert store.live.tables() == set()
