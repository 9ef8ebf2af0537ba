"""The journal and snapshot on disk: round trips, torn tails, corruption, compaction."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tinydb import Query
from tinydb.table import Document

from dispatcher.errors import StoreError
from dispatcher.store import Store

SR = Query()


def _fill(store: Store) -> None:
    live = store.live
    live.table("requests").insert(Document({"ref": "SR-1", "state": "open"}, doc_id=202611240001))
    live.table("requests").insert(Document({"ref": "SR-2", "state": "open"}, doc_id=202611240002))
    events = live.table("events")
    for n in range(5):
        events.insert({"sr": "SR-1", "kind": "note", "n": n, "text": "电话无人接听"})
    live.table("requests").update({"state": "acknowledged"}, SR.ref == "SR-1")
    events.remove(SR.n == 3)
    live.table("outbox").insert({"to": "+15555550100"})
    live.table("outbox").truncate()
    live.table("scratch").insert({"x": 1})
    live.drop_table("scratch")


def _dump(store: Store) -> dict:
    return {
        name: {doc.doc_id: dict(doc) for doc in store.live.table(name).all()}
        for name in sorted(store.live.tables())
    }


def test_every_kind_of_write_survives_a_reopen(data_dir: Path) -> None:
    with Store(data_dir) as store:
        _fill(store)
        before = _dump(store)
    with Store(data_dir) as store:
        assert _dump(store) == before
    assert set(before) == {"requests", "events", "outbox"}
    assert before["requests"][202611240001]["state"] == "acknowledged"
    assert sorted(before["events"]) == [1, 2, 3, 5]
    assert before["outbox"] == {}


def test_each_write_is_one_checksummed_line(store: Store, data_dir: Path) -> None:
    store.live.table("events").insert({"n": 1})
    store.live.table("events").insert({"n": 2})
    lines = (data_dir / "live" / "journal.0").read_bytes().splitlines()
    assert len(lines) == 2
    crc, _, body = lines[0].partition(b" ")
    assert len(crc) == 8 and body.startswith(b"{")


def test_a_torn_last_line_is_ignored_by_reads_and_cut_by_the_next_write(data_dir: Path) -> None:
    with Store(data_dir) as store:
        store.live.table("events").insert({"n": 1})
        store.live.table("events").insert({"n": 2})
    journal = data_dir / "live" / "journal.0"
    good = journal.read_bytes()
    last = good.splitlines(keepends=True)[-1]
    with open(journal, "ab") as handle:
        handle.write(last[: len(last) // 2])  # a writer killed half way through a line
    torn = journal.read_bytes()
    with Store(data_dir) as store:
        assert [d["n"] for d in store.live.table("events").all()] == [1, 2]
        assert store.damage() == []
        assert journal.read_bytes() == torn  # a read changes no file
        store.live.table("events").insert({"n": 3})
        assert journal.read_bytes().startswith(good)
    with Store(data_dir) as store:
        assert [d["n"] for d in store.live.table("events").all()] == [1, 2, 3]


def _damage_line(journal: Path, index: int) -> bytes:
    lines = journal.read_bytes().splitlines(keepends=True)
    lines[index] = lines[index].replace(b'"n":', b'"m":', 1)
    journal.write_bytes(b"".join(lines))
    return b"".join(lines)


@pytest.mark.parametrize("index", [1, 3], ids=["middle", "last"])
def test_a_complete_bad_line_is_damage_reads_go_on_and_writes_refuse(
    data_dir: Path, index: int
) -> None:
    with Store(data_dir) as store:
        for n in range(4):
            store.live.table("events").insert({"n": n})
    journal = data_dir / "live" / "journal.0"
    damaged = _damage_line(journal, index)
    with Store(data_dir) as store:
        assert [d["n"] for d in store.live.table("events").all()] == [
            n for n in range(4) if n != index
        ]
        assert [d.where for d in store.damage()] == [f"live/journal.0 line {index + 1}"]
        assert store.damage()[0].doc_ids == (("events", index + 1),)
        with pytest.raises(StoreError) as caught:
            store.live.table("events").insert({"n": 9})
        assert str(caught.value) == (
            f"the store is damaged at live/journal.0 line {index + 1}; "
            "run `dispatcher store repair`"
        )
        with pytest.raises(StoreError, match=r"damaged at live/journal\.0"):
            store.append_new(store.live, {"events": [Document({"n": 3}, doc_id=99)]})
    assert journal.read_bytes() == damaged  # nothing was dropped or truncated
    with Store(data_dir) as store:  # a process that never read live refuses a blind append
        with pytest.raises(StoreError, match=f"line {index + 1}"):
            store.append_new(store.live, {"events": [Document({"n": 3}, doc_id=99)]})
        assert "live/journal.0" in store.damage_warning()
    assert journal.read_bytes() == damaged


def test_a_damaged_snapshot_keeps_what_it_can_and_refuses_writes(data_dir: Path) -> None:
    with Store(data_dir) as store:
        store.live.table("events").insert({"n": 1})
        store.compact()
    snapshot = data_dir / "live" / "snapshot"
    data = bytearray(snapshot.read_bytes())
    data[-3] ^= 0x01
    snapshot.write_bytes(bytes(data))
    with Store(data_dir) as store:  # opening reads nothing
        assert len(store.live.table("events").all()) == 1  # salvaged, unverified
        assert store.damage()[0].describe() == "live/snapshot: checksum mismatch"
        with pytest.raises(StoreError, match="damaged at live/snapshot") as caught:
            store.live.table("events").insert({"n": 2})
        assert "\n" not in str(caught.value)
    assert snapshot.read_bytes() == bytes(data)
    # append_new reads only the header and size: a damaged header stops it too
    snapshot.write_bytes(b"XSTORE1" + bytes(data)[7:])
    with Store(data_dir) as store, pytest.raises(StoreError, match="damaged at live/snapshot"):
        store.append_new(store.live, {"events": [Document({"n": 3}, doc_id=9)]})


def test_a_data_dir_that_is_a_file_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "data"
    path.write_text("not a directory")
    with pytest.raises(StoreError, match=str(path)):
        Store(path)


def test_compaction_keeps_everything(data_dir: Path) -> None:
    with Store(data_dir, compact_min_bytes=2_000, compact_ratio=0.5) as store:
        _fill(store)
        events = store.live.table("events")
        for n in range(300):
            events.insert({"n": 100 + n, "text": "x" * 40})
        events.remove(SR.n == 150)
        top = events.insert({"n": "top"})
        events.remove(doc_ids=[top])
        before = _dump(store)
        generations = sorted((data_dir / "live").glob("journal.*"))
        assert len(generations) == 1 and generations[0].name != "journal.0"
        store.compact()
        assert _dump(store) == before
    with Store(data_dir) as store:
        assert _dump(store) == before
        # the highest id ever used is remembered, so a removed id is not handed out again
        assert store.live.table("events").insert({"n": "next"}) == top + 1
    assert not (data_dir / "live" / "snapshot.tmp").exists()


def test_leftovers_of_an_interrupted_compaction_are_ignored(data_dir: Path) -> None:
    with Store(data_dir) as store:
        store.live.table("events").insert({"n": 1})
        store.compact()
        store.live.table("events").insert({"n": 2})
    live = data_dir / "live"
    (live / "snapshot.tmp").write_bytes(b"DSTORE1 2 half-writ")
    (live / "journal.2").write_bytes(b"")
    (live / "journal.0").write_bytes(b"stale generation")
    with Store(data_dir) as store:
        assert [d["n"] for d in store.live.table("events").all()] == [1, 2]
        assert store.damage() == []
        # only the next compaction, after its snapshot is in place, removes what it supersedes
        assert (live / "journal.0").exists()
        store.compact()
    assert sorted(p.name for p in live.iterdir()) == ["journal.2", "lock", "snapshot"]
    with Store(data_dir) as store:
        assert [d["n"] for d in store.live.table("events").all()] == [1, 2]


def test_archives_open_on_demand_and_are_listed_when_they_hold_data(data_dir: Path) -> None:
    with Store(data_dir) as store:
        store.archive("2026-10").table("events").insert({"n": 1})
        store.archive("2026-11")  # opened, never written
        assert store.archive_periods() == ["2026-10"]
        with pytest.raises(StoreError, match="2026-13"):
            store.archive("2026-13")
    # archives are not read at open: a damaged one does not stop the live partition
    (data_dir / "archive" / "2026-10" / "journal.0").write_bytes(b"garbage\nmore garbage\n")
    with Store(data_dir) as store:
        store.live.table("events").insert({"n": 2})
        assert store.archive("2026-10").table("events").all() == []
        assert [d.where for d in store.damage()] == [
            "archive/2026-10/journal.0 line 1",
            "archive/2026-10/journal.0 line 2",
        ]
        with pytest.raises(StoreError, match="line 1"):
            store.archive("2026-10").table("events").insert({"n": 3})


def test_a_failed_fsync_saves_nothing_and_keeps_memory_equal_to_disk(
    store: Store, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dispatcher.store import files

    events = store.live.table("events")
    events.insert({"n": 1})
    journal = data_dir / "live" / "journal.0"
    size = journal.stat().st_size

    def failing_sync(fd: int) -> None:
        raise OSError(5, os.strerror(5))

    monkeypatch.setattr(files, "sync_data", failing_sync)
    with pytest.raises(StoreError) as caught, store.atomic():
        events.insert({"n": 2})
        store.live.table("requests").insert({"ref": "SR-9"})
    assert str(caught.value) == (
        f"cannot save to {journal}: input/output error; the change was not saved"
    )
    assert journal.stat().st_size == size
    assert [d["n"] for d in events.all()] == [1]
    assert store.live.table("requests").all() == []
    monkeypatch.undo()
    assert events.insert({"n": 3}) == 2


def test_a_document_json_cannot_hold_is_refused_before_anything_is_written(
    store: Store, data_dir: Path
) -> None:
    import datetime

    with pytest.raises(TypeError):
        store.live.table("events").insert({"at": datetime.datetime(2026, 11, 24)})
    assert store.live.table("events").all() == []
    assert (data_dir / "live" / "journal.0").stat().st_size == 0


def test_a_closed_archive_is_released_and_opens_again(store: Store) -> None:
    store.archive("2026-09").table("events").insert({"n": 1})
    archive = store.archive("2026-09")
    store.close_archive("2026-09")
    with pytest.raises(StoreError, match="closed"):
        archive.table("events").all()
    assert store.archive("2026-09").table("events").all() == [{"n": 1}]


def test_adopted_documents_are_one_commit_and_a_taken_id_saves_none(tmp_path: Path) -> None:
    from dispatcher.store.damage import DuplicateId

    with Store(tmp_path) as store:
        store.adopt_new(store.live, {"events": {1: {"a": 1}, 2: {"a": [1, {"b": None}]}}})
        with pytest.raises(DuplicateId):
            store.adopt_new(store.live, {"events": {3: {"a": 3}, 2: {"a": 9}}})
        with pytest.raises(RuntimeError), store.atomic(store.live):  # a later failure undoes it
            store.adopt_new(store.live, {"events": {4: {"a": 4}}})
            raise RuntimeError("the block failed")
        events = store.live.table("events")
        assert events.get(doc_id=3) is None and events.get(doc_id=4) is None
        assert events.insert({"a": 5}) == 3  # the next id: past the adopted, not the undone
    with Store(tmp_path) as store:  # as the journal replays it
        replayed = {d.doc_id: dict(d) for d in store.live.table("events").all()}
        assert replayed == {1: {"a": 1}, 2: {"a": [1, {"b": None}]}, 3: {"a": 5}}
