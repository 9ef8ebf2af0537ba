"""The TinyDB surface: atomic blocks, doc_ids, counters, query caches, threads."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from tinydb import Query, where
from tinydb.operations import increment
from tinydb.table import Document

from dispatcher.store import Store

Q = Query()


def journal_lines(partition_dir: Path) -> list[bytes]:
    (journal,) = partition_dir.glob("journal.*")
    return journal.read_bytes().splitlines()


def test_an_atomic_block_is_one_journal_line(store: Store, data_dir: Path) -> None:
    live = store.live
    with store.atomic(live):
        sr = live.table("requests").insert({"ref": "SR-1"})
        live.table("events").insert_multiple([{"sr": sr, "n": 1}, {"sr": sr, "n": 2}])
        live.table("requests").update({"state": "open"}, doc_ids=[sr])
        live.table("outbox").upsert({"to": "a", "sr": sr}, Q.to == "a")
    assert len(journal_lines(data_dir / "live")) == 1
    assert live.table("requests").get(doc_id=sr) == {"ref": "SR-1", "state": "open"}


def test_an_atomic_block_that_raises_leaves_nothing(store: Store, data_dir: Path) -> None:
    live = store.live
    sr = live.table("requests").insert({"ref": "SR-1", "state": "open"})
    live.table("events").insert({"n": 0})
    with pytest.raises(RuntimeError), store.atomic():
        live.table("requests").update({"state": "closed"}, doc_ids=[sr])
        live.table("events").remove(Q.n == 0)
        live.table("events").insert({"n": 1})
        live.table("outbox").insert({"to": "a"})
        live.table("requests").truncate()
        live.drop_table("events")
        raise RuntimeError("boom")
    assert live.table("requests").all() == [{"ref": "SR-1", "state": "open"}]
    assert live.table("events").all() == [{"n": 0}]
    assert "outbox" not in live.tables()
    assert len(journal_lines(data_dir / "live")) == 2
    with Store(data_dir) as again:
        assert again.live.table("requests").all() == [{"ref": "SR-1", "state": "open"}]
        assert again.live.table("events").all() == [{"n": 0}]
    # ids handed out inside the failed block are free again
    assert live.table("events").insert({"n": 1}) == 2


def test_nested_blocks_join_the_outer_one(store: Store, data_dir: Path) -> None:
    events = store.live.table("events")
    with store.atomic():
        events.insert({"n": 1})
        with store.atomic(store.live):
            events.insert({"n": 2})
        with pytest.raises(ValueError), store.atomic():
            events.insert({"n": 3})
            raise ValueError("inner block fails")
        events.insert({"n": 4})
    assert [d["n"] for d in events.all()] == [1, 2, 4]
    assert len(journal_lines(data_dir / "live")) == 1
    with Store(data_dir) as again:
        assert [d["n"] for d in again.live.table("events").all()] == [1, 2, 4]


def test_a_failing_insert_multiple_inserts_nothing(store: Store) -> None:
    events = store.live.table("events")
    events.insert(Document({"n": 0}, doc_id=5))
    with pytest.raises(ValueError, match="already exists"):
        events.insert_multiple([{"n": 1}, Document({"n": 2}, doc_id=5)])
    assert events.all() == [{"n": 0}]


def test_explicit_doc_ids(store: Store, data_dir: Path) -> None:
    requests = store.live.table("requests")
    assert requests.insert(Document({"ref": "a"}, doc_id=202611240042)) == 202611240042
    assert requests.insert({"ref": "b"}) == 202611240043
    assert requests.insert_multiple(
        [Document({"ref": "c"}, doc_id=7), Document({"ref": "d"}, doc_id=202611240100)]
    ) == [7, 202611240100]
    with pytest.raises(ValueError):
        requests.insert(Document({"ref": "again"}, doc_id=7))
    assert requests.upsert(Document({"ref": "c2"}, doc_id=7)) == [7]
    assert requests.get(doc_id=202611240042) == {"ref": "a"}
    assert requests.get(doc_id=202611240042).doc_id == 202611240042
    assert requests.contains(doc_id=7) and not requests.contains(doc_id=8)
    assert [d.doc_id for d in requests.get(doc_ids=[7, 8, 202611240043])] == [7, 202611240043]
    with Store(data_dir) as again:
        assert again.live.table("requests").get(doc_id=7) == {"ref": "c2"}
        assert again.live.table("requests").insert({"ref": "e"}) == 202611240101


def test_next_sequence_counts_per_key_and_survives_reopen(data_dir: Path) -> None:
    with Store(data_dir) as store:
        assert [store.next_sequence("sr:20261124") for _ in range(3)] == [1, 2, 3]
        assert store.next_sequence("sr:20261125") == 1
        assert store.next_sequence("sr:20261124", store.archive("2026-11")) == 1
    with Store(data_dir) as store:
        assert store.next_sequence("sr:20261124") == 4


def test_a_sequence_can_be_raised_past_values_taken_elsewhere_and_given_back(store: Store) -> None:
    assert store.next_sequence("sr:20261124") == 1
    store.raise_sequence("sr:20261124", 41)
    store.raise_sequence("sr:20261124", 7)  # never lowers it
    assert store.next_sequence("sr:20261124") == 42
    store.release_sequence("sr:20261124", 42)  # 42 was never used: it is handed out again
    assert store.next_sequence("sr:20261124") == 42
    taken = store.next_sequence("sr:20261124")
    store.release_sequence("sr:20261124", 42)  # a later value was taken: 42 stays spent
    assert (taken, store.next_sequence("sr:20261124")) == (43, 44)
    store.raise_sequence("sr:20261125", 3)
    assert store.next_sequence("sr:20261125") == 4


def test_queries_updates_and_operations(store: Store) -> None:
    events = store.live.table("events")
    events.insert_multiple({"sr": f"SR-{n % 3}", "n": n, "seen": 0} for n in range(9))
    assert events.count(where("sr") == "SR-1") == 3
    assert sorted(events.update(increment("seen"), Q.sr == "SR-1")) == [2, 5, 8]
    assert events.search(Q.seen == 1) == events.search(Q.sr == "SR-1")
    events.update_multiple([({"tag": "a"}, Q.n == 0), ({"tag": "b"}, Q.n == 1)])
    assert [d["tag"] for d in events.search(Q.tag.exists())] == ["a", "b"]
    assert events.remove(doc_ids=[1, 99]) == [1]
    assert len(events) == 8 and events.get(Q.n == 0) is None


def test_stored_documents_do_not_share_objects_with_the_caller(store: Store) -> None:
    events = store.live.table("events")
    doc = {"steps": [1]}
    doc_id = events.insert(doc)
    doc["steps"].append(2)
    assert events.get(doc_id=doc_id) == {"steps": [1]}


def test_query_cache_sees_another_stores_write(data_dir: Path) -> None:
    with Store(data_dir) as one, Store(data_dir) as two:
        one.live.table("events").insert({"n": 1})
        assert len(two.live.table("events").search(Q.n >= 1)) == 1
        one.live.table("events").insert({"n": 2})
        assert len(two.live.table("events").search(Q.n >= 1)) == 2


def test_threads_sharing_a_store_get_distinct_ids(store: Store) -> None:
    events = store.live.table("events")
    ids: list[int] = []

    def write(tag: str) -> None:
        for n in range(100):
            ids.append(events.insert({"tag": tag, "n": n}))
            events.search(Q.tag == tag)

    threads = [threading.Thread(target=write, args=(tag,)) for tag in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 200 and len(events) == 200
