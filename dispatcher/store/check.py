"""`dispatcher store check`: every partition read, not a byte changed, and verified.

Checked: the files (every journal line's and the snapshot's checksum, as `snapshots.load`
reads them), the ids (a request's doc id is its id's, an event's its request's and sequence
number's, an archived request lies in the month its id names, no request in two partitions),
the timelines (events 1..event_count of every request present, no event without its request),
the references between tables (call-outs and notifications name a request that exists) and
the sequences (no day counter below an id it numbered). A `snapshot.tmp` that an interrupted
compaction left is a note, not a problem: no record is in it alone, and the partition's next
compaction (or a repair, which does not copy it) replaces it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dispatcher.domain.request_ids import SR_ID, doc_id
from dispatcher.errors import DispatcherError
from dispatcher.store import PERIOD, SEQUENCES_TABLE, documents, files, snapshots
from dispatcher.store.callouts import CALLOUTS
from dispatcher.store.documents import LAST
from dispatcher.store.outbox import OUTBOX
from dispatcher.store.replies import REPLIES, STRIKES
from dispatcher.store.request_layout import (
    EVENT_ID_FACTOR,
    EVENTS,
    REQUESTS,
    period_of,
    request_problem,
)
from dispatcher.store.sequences import (
    held_ids,
    id_range,
    issued_unheld,
    numbered_ids,
    reported_lost,
)

LOST_AND_FOUND = "lost_and_found"  # where `store repair` keeps events whose request is lost
# Tables of other repositories whose records belong to one SR (their "sr" field); each
# repository's `moving_with` says which of them move to the archive with it.
COMPANIONS = (CALLOUTS, OUTBOX, REPLIES, STRIKES)


@dataclass(frozen=True)
class Finding:
    """One problem: where (a file and line, or a partition) and what. `damage` is true for
    files that cannot be read as written, false for records that disagree with each other."""

    where: str
    problem: str
    damage: bool

    def line(self) -> str:
        return f"{self.where}: {self.problem}"


@dataclass
class Report:
    partitions: list[str] = field(default_factory=list)
    documents: int = 0
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what is worth knowing but no problem

    @property
    def exit_code(self) -> int:
        return 1 if self.findings else 0


def partition_labels(data_dir: Path) -> list[str]:
    """ "live", "counters" and "archive/YYYY-MM" for every partition directory present."""
    if not data_dir.is_dir():
        raise DispatcherError(f"{data_dir}: no data directory there")
    labels = [name for name in ("live", "counters") if (data_dir / name).is_dir()]
    archive = data_dir / "archive"
    if archive.is_dir():
        labels += [f"archive/{n}" for n in sorted(os.listdir(archive)) if PERIOD.match(n)]
    return labels


@contextmanager
def shared_lock(directory: Path) -> Iterator[None]:
    """Hold writers off while a partition is read, without creating any file."""
    try:
        fd = os.open(directory / files.LOCK, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def read_partition(data_dir: Path, label: str) -> snapshots.Image:
    with shared_lock(data_dir / label):
        return snapshots.load(data_dir / label, label)


def readable_id(table: str, key: int) -> str:
    """A document id as a person reads it: SR-20261124-0003, SR-20261124-0003 event 4."""
    if table == EVENTS or key >= 10**17:
        return f"{readable_id(REQUESTS, key // EVENT_ID_FACTOR)} event {key % EVENT_ID_FACTOR}"
    day, number = divmod(key, 100_000)
    if 19_000_101 <= day <= 99_991_231 and table in (REQUESTS, "?", *COMPANIONS):
        return f"SR-{day}-{number:04d}"
    return f"{table} document {key}"


def check_store(data_dir: Path, progress: Callable[[int], None] = lambda done: None) -> Report:
    """Read every partition once; `progress` is told 1 per partition read."""
    report = Report(partition_labels(data_dir))
    where_sr: dict[str, str] = {}
    referenced: dict[str, str] = {}
    highest: dict[str, int] = {}
    known: dict[str, int] = {}  # the highest number damaged places are known to have held
    counters: dict[str, int] = {}
    reported: dict[str, int] = {}
    for label in report.partitions:
        image = read_partition(data_dir, label)
        report.findings += [Finding(d.where, d.reason, True) for d in image.damage]
        report.documents += sum(len(t) for t in image.tables.values())
        report.findings += check_records(label, image.tables, where_sr, referenced)
        for key, number in numbered_ids(image.tables, label.startswith("archive/")):
            highest[key] = max(highest.get(key, 0), number)
        for key, number in held_ids(image.damage)[0]:
            known[key] = max(known.get(key, 0), number)
        if label == "counters":
            counters, reported = sequences_in(image.tables), reported_lost(image.tables)
        if (data_dir / label / files.SNAPSHOT_TMP).exists():
            report.notes.append(
                f"{label}/{files.SNAPSHOT_TMP}: left by an interrupted compaction; no record is "
                "in it alone, and the next compaction replaces it"
            )
        progress(1)
    for sr_id, label in sorted(referenced.items()):
        if sr_id not in where_sr:
            report.findings.append(
                Finding(label, f"names {sr_id}, which is not in the store", False)
            )
    for key, value in sorted(counters.items()):
        kind = key.partition(":")[0]
        if kind in LAST and value >= LAST[kind]:
            report.findings.append(
                Finding(
                    "counters",
                    f"{key} is at {value}, its end: no more ids of that day can be handed out",
                    False,
                )
            )
    for key, number in highest.items():
        known[key] = max(known.get(key, 0), number)
    for key, first, last in issued_unheld(counters, known, reported):
        report.findings.append(
            Finding(
                "counters",
                f"{key} handed out {id_range(key, first, last)}, which no partition holds: "
                "lost (or never saved, if a crash came between numbering and saving)",
                True,
            )
        )
    for key, number in sorted(highest.items()):
        if counters.get(key, 0) < number:
            report.findings.append(
                Finding(
                    "counters",
                    f"{key} is at {counters.get(key, 0)} but number {number} exists: "
                    "an id would be handed out twice",
                    False,
                )
            )
    return report


def sequences_in(tables: dict[str, dict[int, dict]]) -> dict[str, int]:
    return {
        doc["key"]: doc["value"]
        for doc in tables.get(SEQUENCES_TABLE, {}).values()
        if isinstance(doc, dict) and isinstance(doc.get("value"), int)
    }


def check_records(
    label: str, tables: dict[str, dict[int, dict]], where_sr: dict[str, str], referenced: dict
) -> list[Finding]:
    """The ids, timelines and references of one partition's records."""
    found: list[Finding] = []
    requests, events = tables.get(REQUESTS, {}), tables.get(EVENTS, {})
    for table in (REQUESTS, EVENTS):
        found += [
            Finding(label, shape, True)
            for key, raw in tables.get(table, {}).items()
            if (shape := documents.problem(table, key, raw))
        ]
    for key, raw in requests.items():
        if documents.problem(REQUESTS, key, raw):
            continue  # named above
        sr_id = raw["id"]
        if unreadable := request_problem(raw):
            found.append(Finding(label, f"{readable_id(REQUESTS, key)}: {unreadable}", True))
        if _doc_id(sr_id) != key:
            found.append(Finding(label, f"{readable_id(REQUESTS, key)} holds id {sr_id!r}", False))
            continue
        if label.startswith("archive/") and label != f"archive/{period_of(sr_id)}":
            found.append(Finding(label, f"{sr_id} belongs to archive/{period_of(sr_id)}", False))
        if sr_id in where_sr:
            found.append(Finding(label, f"{sr_id} is also in {where_sr[sr_id]}", False))
        where_sr[sr_id] = label
        missing = [
            seq
            for seq in range(1, raw["event_count"] + 1)
            if key * EVENT_ID_FACTOR + seq not in events
        ]
        if missing:
            found.append(
                Finding(label, f"the timeline of {sr_id} lacks events {_runs(missing)}", False)
            )
    for key, raw in events.items():
        owner = key // EVENT_ID_FACTOR
        if owner not in requests:
            found.append(Finding(label, f"{readable_id(EVENTS, key)} has no request", False))
        elif documents.problem(EVENTS, key, raw) is None and raw["seq"] != key % EVENT_ID_FACTOR:
            found.append(Finding(label, f"{readable_id(EVENTS, key)} holds another event", False))
    for name in COMPANIONS:
        for raw in tables.get(name, {}).values():
            if isinstance(raw, dict) and isinstance(raw.get("sr"), str) and SR_ID.match(raw["sr"]):
                referenced.setdefault(raw["sr"], f"{label}/{name}")
    return found


def _doc_id(sr_id: str) -> int | None:
    """The doc id an SR id gives, None for one that is not an id (a day that is no date)."""
    if not SR_ID.match(sr_id):
        return None
    try:
        return doc_id(sr_id)
    except DispatcherError:
        return None


def _runs(numbers: list[int]) -> str:
    """[4, 5, 6, 9] -> "4-6, 9"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)
