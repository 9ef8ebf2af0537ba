"""SIGKILL a writer at random moments, compaction included: every acknowledged write survives."""

from __future__ import annotations

import random
import signal
import threading
import time
from pathlib import Path

import pytest
from tinydb import Query

from dispatcher.store import Store

Q = Query()
SR_BASE = 202600000000

WRITER = """
import os, sys, time
from tinydb import Query
from tinydb.table import Document
from dispatcher.store import Store, files

data_dir, start, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
Q = Query()

# Stretch compaction out so that kills land inside it: announce it, pause between its steps.
def stretched(function, announce=False):
    def run(*args, **kwargs):
        if announce:
            print("compacting", flush=True)
        time.sleep(pause)
        result = function(*args, **kwargs)
        time.sleep(pause)
        return result
    return run

files.write_snapshot = stretched(files.write_snapshot, announce=True)
files.sync_directory = stretched(files.sync_directory)
os.replace = stretched(os.replace)

store = Store(data_dir, compact_min_bytes=3000, compact_ratio=0.0)
live = store.live
i = start
while True:
    kind = i % 4
    if kind == 0:
        doc_id = live.table("events").insert({"i": i, "kind": "note", "text": "no answer"})
        report = f"E {i} {doc_id}"
    elif kind == 1:
        sr_id = 202600000000 + i
        with store.atomic():
            live.table("requests").insert(Document({"i": i, "state": "open"}, doc_id=sr_id))
            ev = live.table("events").insert({"i": i, "kind": "opened", "sr": sr_id})
            ob = live.table("outbox").insert({"i": i, "sr": sr_id})
        report = f"A {i} {sr_id} {ev} {ob}"
    elif kind == 2:
        report = f"S {i} {store.next_sequence('sr:20261124')}"
    else:
        sr_id = 202600000000 + i - 2
        with store.atomic():
            live.table("requests").update({"state": "ack", "at": i}, doc_ids=[sr_id])
            live.table("outbox").remove(Q.sr == sr_id)
        report = f"U {i} {sr_id}"
    print(report, flush=True)
    i += 1
"""


def _collect(child, lines: list[str]) -> threading.Thread:
    def read() -> None:
        for line in child.stdout:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


def _check(data_dir: Path, reports: list[str], sequences: list[int]) -> None:
    with Store(data_dir) as store:
        live = store.live
        requests, events, outbox = (live.table(n) for n in ("requests", "events", "outbox"))
        for report in reports:
            kind, i, *rest = report.split()
            i = int(i)
            if kind == "E":
                assert events.get(doc_id=int(rest[0])) == {
                    "i": i,
                    "kind": "note",
                    "text": "no answer",
                }
            elif kind == "A":
                sr_id, ev, ob = map(int, rest)
                request = requests.get(doc_id=sr_id)
                assert request is not None and request["i"] == i, report
                assert events.get(doc_id=ev) == {"i": i, "kind": "opened", "sr": sr_id}, report
                # the outbox item is there unless an acknowledgement removed it
                assert outbox.get(doc_id=ob) is not None or request["state"] == "ack", report
            elif kind == "S":
                sequences.append(int(rest[0]))
            elif kind == "U":
                sr_id = int(rest[0])
                if requests.get(doc_id=sr_id) is not None:
                    assert requests.get(doc_id=sr_id)["at"] == i, report
                    assert outbox.search(Q.sr == sr_id) == [], report
        assert store.damage() == [], "a kill is a torn write at most, never damage"
        counter = live.table("_sequences").all()
        if sequences:
            assert counter[0]["value"] >= max(sequences)


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_write(data_dir: Path, spawn) -> None:
    rng = random.Random(20261124)
    pause = 0.01
    reports: list[str] = []
    sequences: list[int] = []
    kills_in_compaction = 0
    started = time.monotonic()
    for round_ in range(32):
        child = spawn(WRITER, str(data_dir), str(round_ * 100_000), str(pause))
        lines: list[str] = []
        reader = _collect(child, lines)
        if round_ % 2:  # kill inside a compaction
            deadline = time.monotonic() + 10
            while not any(line == "compacting\n" for line in lines[5:]):
                assert child.poll() is None, child.stderr.read()
                assert time.monotonic() < deadline, "the writer never compacted"
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 5 * pause))
        else:  # kill anywhere, most likely between or inside ordinary writes
            deadline = time.monotonic() + rng.uniform(0.05, 0.5)
            while time.monotonic() < deadline or len(lines) < 3:
                assert child.poll() is None, child.stderr.read()
                time.sleep(0.002)
        child.send_signal(signal.SIGKILL)
        child.wait()
        reader.join()
        assert child.returncode == -signal.SIGKILL, child.stderr.read()
        live = data_dir / "live"
        assert not (data_dir / "DAMAGED").exists()
        if (live / "snapshot.tmp").exists() or len(list(live.glob("journal.*"))) > 1:
            kills_in_compaction += 1
        acknowledged = [line for line in lines if line.endswith("\n") and line != "compacting\n"]
        reports.extend(acknowledged)
        round_sequences: list[int] = []
        _check(data_dir, reports, round_sequences)
        sequences = round_sequences
    assert len(set(sequences)) == len(sequences)
    print(
        f"\n{len(reports)} acknowledged writes, {kills_in_compaction} kills mid-compaction, "
        f"{time.monotonic() - started:.1f} s"
    )
