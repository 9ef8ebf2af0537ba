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
from dispatcher.testing.waiting import wait_for

Q = Query()
SR_BASE = 202600000000

WRITER = """
import os, sys, threading
from tinydb import Query
from tinydb.table import Document
from dispatcher.store import Store, compaction, files

data_dir, start, stop_at = sys.argv[1], int(sys.argv[2]), sys.argv[3]
Q = Query()

# Compaction stopped at the named point of its first run: the writer says where it stands and
# waits there for the SIGKILL, so that the kill lands exactly there.
phase = []

def stop(point):
    if point == stop_at:
        print(f"compacting: {point}", flush=True)
        threading.Event().wait(120)
        sys.exit(f"not killed at {point}")

def within(name, function):
    def run(*args, **kwargs):
        phase.append(name)
        try:
            return function(*args, **kwargs)
        finally:
            phase.pop()
    return run

write_snapshot, sync_directory, replace = files.write_snapshot, files.sync_directory, os.replace

def write_snapshot_then_stop(*args, **kwargs):
    size = write_snapshot(*args, **kwargs)
    stop("snapshot written")
    return size

def stop_then_sync(directory):
    if phase == ["install"] and (directory / files.SNAPSHOT_TMP).exists():
        stop("new journal created")
    if phase == ["drop"]:
        stop("old journal unlinked")
    sync_directory(directory)

def replace_then_stop(source, target):
    replace(source, target)
    if phase == ["install"]:
        stop("snapshot renamed")

compaction.install_snapshot = within("install", compaction.install_snapshot)
compaction.drop_superseded = within("drop", compaction.drop_superseded)
files.write_snapshot = write_snapshot_then_stop
files.sync_directory = stop_then_sync
os.replace = replace_then_stop

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


def _wait_until_due(child, lines: list[str], point: str, count: int) -> None:
    """Until the writer stands at `point` of a compaction, or (no point) has acknowledged
    `count` writes: the moment of the kill."""
    if point:
        wanted = f"compacting: {point}\n"
        wait_for(
            lambda: wanted in lines or child.poll() is not None,
            timeout=60,
            what=f"the writer stopped at {point}",
        )
    else:  # anywhere, most likely between or inside ordinary writes
        wait_for(
            lambda: len(lines) >= count or child.poll() is not None,
            timeout=60,
            what=f"{count} writes acknowledged",
        )


# The points where a kill lands inside a compaction, in its order, and what the partition's
# directory holds there: `snapshot.tmp` or not; the new journal beside the old one or not (an
# older journal a kill left behind may be there too, until a compaction completes).
COMPACTION_POINTS = {
    "snapshot written": (True, False),
    "new journal created": (True, True),
    "snapshot renamed": (False, True),
    "old journal unlinked": (False, False),
}


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_write(data_dir: Path, spawn) -> None:
    """Odd rounds kill the writer stopped at each point of a compaction in turn; even rounds
    after a random number of acknowledged writes."""
    rng = random.Random(20261124)
    points = list(COMPACTION_POINTS)
    reports: list[str] = []
    sequences: list[int] = []
    kills_in_compaction = 0
    started = time.monotonic()
    for round_ in range(32):
        point = points[(round_ // 2) % len(points)] if round_ % 2 else ""
        child = spawn(WRITER, str(data_dir), str(round_ * 100_000), point)
        lines: list[str] = []
        reader = _collect(child, lines)
        _wait_until_due(child, lines, point, rng.randint(3, 300))
        assert child.poll() is None, child.stderr.read()
        child.send_signal(signal.SIGKILL)
        child.wait()
        reader.join()
        assert child.returncode == -signal.SIGKILL, child.stderr.read()
        live = data_dir / "live"
        assert not (data_dir / "DAMAGED").exists()
        if point:
            kills_in_compaction += 1
            tmp, both_journals = COMPACTION_POINTS[point]
            assert (live / "snapshot.tmp").exists() == tmp, point
            assert both_journals <= (len(list(live.glob("journal.*"))) >= 2), point
        acknowledged = [line for line in lines if not line.startswith("compacting")]
        assert all(line.endswith("\n") for line in acknowledged[:-1])
        reports.extend(line for line in acknowledged if line.endswith("\n"))
        round_sequences: list[int] = []
        _check(data_dir, reports, round_sequences)
        sequences = round_sequences
    assert len(set(sequences)) == len(sequences)
    assert kills_in_compaction == 16
    print(
        f"\n{len(reports)} acknowledged writes, {kills_in_compaction} kills mid-compaction, "
        f"{time.monotonic() - started:.1f} s"
    )
