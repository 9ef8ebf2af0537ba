"""Several processes on one data directory: unique ids, unique counters, prompt visibility."""

from __future__ import annotations

import json
from pathlib import Path

from tinydb.table import Document

from dispatcher.store import Store

WRITER = """
import json, sys
from dispatcher.store import Store

data_dir, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = Store(data_dir, compact_min_bytes=30_000, compact_ratio=0.0)
events = store.live.table("events")
print("ready", flush=True)
sys.stdin.readline()
ids, sequences = [], []
for k in range(count):
    ids.append(events.insert({"tag": tag, "k": k}))
    sequences.append(store.next_sequence("sr:20261124"))
print(json.dumps({"ids": ids, "sequences": sequences}), flush=True)
"""

READER = """
import json, sys
from dispatcher.store import Store

store = Store(sys.argv[1])
events = store.live.table("events")
print("ready", flush=True)
for line in sys.stdin:
    doc_id = int(line)
    doc = events.get(doc_id=doc_id)
    print(json.dumps([doc, len(events), len(store.archive("2026-11").table("events"))]), flush=True)
"""


def test_two_processes_writing_at_once_lose_nothing_and_share_no_id(data_dir: Path, spawn) -> None:
    Store(data_dir).close()
    count = 1000
    children = [spawn(WRITER, str(data_dir), tag, str(count), stdin=True) for tag in "ab"]
    for child in children:
        assert child.stdout.readline() == "ready\n", child.stderr.read()
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    results = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        results.append(json.loads(out))
    ids = results[0]["ids"] + results[1]["ids"]
    sequences = results[0]["sequences"] + results[1]["sequences"]
    assert len(set(ids)) == 2 * count
    assert sorted(sequences) == list(range(1, 2 * count + 1))
    with Store(data_dir) as store:
        events = store.live.table("events")
        assert len(events) == 2 * count
        for tag, result in zip("ab", results, strict=False):
            assert [events.get(doc_id=i) for i in result["ids"]] == [
                {"tag": tag, "k": k} for k in range(count)
            ]
    # both writers compacted along the way, so they also followed each other's generations
    assert not (data_dir / "live" / "journal.0").exists()


def test_an_open_process_sees_another_process_write_on_its_next_read(data_dir: Path, spawn) -> None:
    with Store(data_dir) as store:
        events = store.live.table("events")
        first = events.insert({"n": 1})
        reader = spawn(READER, str(data_dir), stdin=True)
        assert reader.stdout.readline() == "ready\n", reader.stderr.read()

        def ask(doc_id: int) -> list:
            reader.stdin.write(f"{doc_id}\n")
            reader.stdin.flush()
            return json.loads(reader.stdout.readline())

        assert ask(first) == [{"n": 1}, 1, 0]
        second = events.insert({"n": 2})
        assert ask(second) == [{"n": 2}, 2, 0]
        store.compact()  # a new generation: the reader follows it
        third = events.insert({"n": 3})
        assert ask(third) == [{"n": 3}, 3, 0]
        store.compact()
        store.compact()  # two generations ahead: the reader reloads
        events.remove(doc_ids=[first])
        fourth = events.insert(Document({"n": 4}, doc_id=202611240042))
        assert ask(fourth) == [{"n": 4}, 3, 0]
        assert ask(first) == [None, 3, 0]
        store.archive("2026-11").table("events").insert({"n": 5})
        assert ask(first) == [None, 3, 1]
        reader.stdin.close()
        reader.wait(timeout=10)
