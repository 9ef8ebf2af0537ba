"""Partitions read nothing at open; `append_new` adds documents without loading a partition."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tinydb.table import Document

from dispatcher.domain.request_ids import doc_id
from dispatcher.domain.request_parts import Category
from dispatcher.domain.requests import ServiceRequest
from dispatcher.errors import StoreError
from dispatcher.store import Store, files
from dispatcher.store.requests import RequestFilter, RequestRepository

AT = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def _fill(data_dir: Path, count: int = 50, compact: bool = True) -> None:
    with Store(data_dir) as store:
        store.live.table("events").insert_multiple({"n": n} for n in range(count))
        if compact:
            store.compact()
        store.live.table("events").insert({"n": count})


def _events(data_dir: Path) -> list[int]:
    with Store(data_dir) as store:
        return sorted(d["n"] for d in store.live.table("events").all())


def _new(n: int) -> dict:
    return {
        "events": [Document({"n": n}, doc_id=1000 + n)],
        "requests": [Document({"r": n}, doc_id=n)],
    }


def _journal(data_dir: Path) -> Path:
    return max((data_dir / "live").glob("journal.*"))


def test_opening_reads_nothing_until_the_first_read(data_dir: Path, monkeypatch) -> None:
    _fill(data_dir)
    reads = []
    real = files.parse_snapshot
    monkeypatch.setattr(files, "parse_snapshot", lambda data: reads.append(data) or real(data))
    store = Store(data_dir)
    assert reads == [] and not store.live.partition.loaded
    assert len(store.live.table("events")) == 51
    assert len(reads) == 1 and store.live.partition.loaded
    store.close()


def test_append_new_from_a_process_that_never_loaded_is_seen_elsewhere_and_after_reopen(
    data_dir: Path, spawn
) -> None:
    _fill(data_dir)
    watcher = Store(data_dir)
    assert len(watcher.live.table("events")) == 51
    child = spawn(
        """
        import sys
        from tinydb.table import Document
        from dispatcher.store import Store, files
        files.read_snapshot = None  # loading would fail: append_new must not load
        store = Store(sys.argv[1])
        store.append_new(store.live, {"events": [Document({"n": 500}, doc_id=500)]})
        print(store.live.partition.loaded)
    """,
        str(data_dir),
    )
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert out.strip() == "False"
    assert watcher.live.table("events").get(doc_id=500) == {"n": 500}
    watcher.close()
    assert _events(data_dir) == [*range(51), 500]


def test_append_new_is_one_journal_line_and_keeps_the_high_water_mark(data_dir: Path) -> None:
    _fill(data_dir)
    before = _journal(data_dir).read_bytes().count(b"\n")
    with Store(data_dir) as store:
        store.append_new(store.live, _new(7))
        assert not store.live.partition.loaded
    assert _journal(data_dir).read_bytes().count(b"\n") == before + 1
    with Store(data_dir) as store:
        assert store.live.table("requests").get(doc_id=7) == {"r": 7}
        assert store.live.table("requests").insert({"r": "next"}) == 8


def test_append_new_on_a_loaded_partition_keeps_memory_equal_to_disk(data_dir: Path) -> None:
    _fill(data_dir)
    with Store(data_dir) as store:
        events = store.live.table("events")
        assert len(events) == 51
        store.append_new(store.live, _new(3))
        assert events.get(doc_id=1003) == {"n": 3}
        assert events.insert({"n": -1}) == 1004
    assert _events(data_dir) == sorted([-1, *range(51), 3])


@pytest.mark.parametrize("tail", [b'0badc0de {"t":', b"\x00" * 40])
def test_append_new_after_a_torn_tail_truncates_it_first(data_dir: Path, tail: bytes) -> None:
    _fill(data_dir, compact=False)
    journal = _journal(data_dir)
    good = journal.read_bytes()
    journal.write_bytes(good + tail)
    with Store(data_dir) as store:
        store.append_new(store.live, _new(90))  # ids the journal names nowhere: a blind append
        assert not store.live.partition.loaded
    data = journal.read_bytes()
    assert data.startswith(good) and data.count(b"\n") == good.count(b"\n") + 1
    assert _events(data_dir) == sorted([*range(51), 90])


def test_append_new_to_an_empty_store_and_a_new_journal(data_dir: Path) -> None:
    with Store(data_dir) as store:
        store.append_new(store.live, _new(1))
        store.append_new(store.live, _new(2))
    assert _events(data_dir) == [1, 2]


def test_a_failed_append_new_saves_nothing(data_dir: Path, monkeypatch) -> None:
    _fill(data_dir)
    journal = _journal(data_dir)
    before = journal.read_bytes()

    def failing_sync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    with Store(data_dir) as store:
        monkeypatch.setattr(files, "sync_data", failing_sync)
        with pytest.raises(StoreError) as caught:
            store.append_new(store.live, _new(4))
        monkeypatch.undo()
        message = str(caught.value)
        assert "no space left" in message and "not saved" in message and "\n" not in message
    assert journal.read_bytes() == before
    with Store(data_dir) as store:
        assert store.live.table("requests").all() == []


def test_blind_appends_respect_the_compaction_policy(data_dir: Path) -> None:
    _fill(data_dir)
    for n in range(100, 160):
        with Store(data_dir, compact_min_bytes=2_000, compact_ratio=0.5) as store:
            store.append_new(store.live, {"events": [Document({"n": n, "x": "y" * 50}, doc_id=n)]})
    journal = _journal(data_dir)
    assert journal.name != "journal.1", "the journal was compacted along the way"
    assert journal.stat().st_size < 2_000 + 200
    assert _events(data_dir) == [*range(51), *range(100, 160)]


def test_append_new_needs_doc_ids(store: Store) -> None:
    with pytest.raises(ValueError):
        store.append_new(store.live, {"events": [{"n": 1}]})


# -- the SR repository ---------------------------------------------------------------------------


def _register(repository: RequestRepository, summary: str) -> ServiceRequest:
    sr, _ = repository.register(
        AT,
        lambda i: ServiceRequest(i, AT, Category.COMPLAINT, summary),
        AT,
        "desk",
        "test",
        zone=ZoneInfo("Asia/Shanghai"),
    )
    return sr


def test_register_reads_only_the_counters_partition(data_dir: Path) -> None:
    with Store(data_dir) as store:
        first = _register(RequestRepository(store), "first")
    with Store(data_dir) as store:
        second = _register(RequestRepository(store), "second")
        assert not store.live.partition.loaded
        assert store.counters.partition.loaded
    assert first.id.endswith("-0001") and second.id.endswith("-0002")
    with Store(data_dir) as store:
        repository = RequestRepository(store)
        assert [sr.summary for sr in repository.matching(RequestFilter())] == ["first", "second"]
        assert [e.kind for e in repository.timeline(second.id)] == ["registered"]


def test_a_closed_request_stranded_in_live_is_archived_by_the_first_read(data_dir: Path) -> None:
    with Store(data_dir) as store:
        sr = _register(RequestRepository(store), "stranded")
        store.live.table("requests").update({"status": "closed"}, doc_ids=[doc_id(sr.id)])
    with Store(data_dir) as store:
        repository = RequestRepository(store)
        _register(repository, "new")
        assert not store.live.partition.loaded
        assert [r.summary for r in repository.matching(RequestFilter())] == ["new"]
        assert repository.get(sr.id).summary == "stranded"
        assert json.dumps(repository.get(sr.id).to_dict())
