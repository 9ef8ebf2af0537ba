"""`dispatcher store repair`: every recoverable record copied into a new data directory, and a
report of exactly what was lost. The damaged directory is only read (under each partition's
lock, shared), never changed.

In the copy, a damaged or inconsistent partition is one verified snapshot (written through
`compaction`); a sound one is its snapshot and journal copied as they were read. A request
whose timeline lost events gets, at each lost position, a `record_lost` event saying so, so a
timeline comes back whole or visibly incomplete, never silently shorter. Events whose request
record is lost are kept in the `lost_and_found` table and named in the report. Every day
counter is raised past the highest id present or held by a damaged line (`sequences.held_ids`).

The copy is built in a hidden directory beside the target (`.<target>.incomplete-…`) and
renamed to the target only once complete, so a repair that fails or is killed never leaves a
copy that looks sound; a failure is one line (exit 2). A store repaired before holds the
earlier `REPAIR-REPORT.txt`: the copy keeps it as `REPAIR-REPORT.<its UTC time>.txt` beside
the new report, with any older ones.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tinydb import Query

from dispatcher.domain.timeline import EventKind
from dispatcher.errors import DispatcherError, StoreError
from dispatcher.store import Store, compaction, documents, files
from dispatcher.store.check import (
    LOST_AND_FOUND,
    partition_labels,
    read_partition,
    readable_id,
    sequences_in,
    shared_lock,
)
from dispatcher.store.damage import DAMAGE_NOTICE, Damage
from dispatcher.store.documents import LOST_TABLE
from dispatcher.store.journal import reason
from dispatcher.store.request_layout import EVENT_ID_FACTOR, EVENTS, REQUESTS, request_problem
from dispatcher.store.sequences import (
    held_ids,
    id_range,
    issued_unheld,
    numbered_ids,
    reported_lost,
)
from dispatcher.store.snapshots import Image

REPORT_NAME = "REPAIR-REPORT.txt"
REPAIR_ACTOR = "dispatcher store repair"


@dataclass
class RepairReport:
    source: Path
    target: Path
    recovered: int = 0
    lost: list[str] = field(default_factory=list)  # one line per loss, naming file, line, ids

    def lines(self) -> list[str]:
        """The report, in English (the command line says each line in its language)."""
        records = "record" if self.recovered == 1 else "records"
        losses = "loss" if len(self.lost) == 1 else "losses"
        return [
            f"repair of {self.source}",
            f"recovered {self.recovered} {records} into {self.target}",
            *(f"lost: {line}" for line in self.lost),
            f"{len(self.lost)} {losses}; the damaged directory is untouched. Check the copy with "
            f"`dispatcher store check --data {self.target}`, then put it in place of {self.source}",
        ]


def default_target(data_dir: Path, now: datetime) -> Path:
    return data_dir.with_name(f"{data_dir.name}.repaired-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}")


def repair_store(
    data_dir: Path,
    target: Path | None,
    progress: Callable[[int], None] = lambda done: None,
    now: datetime | None = None,
) -> RepairReport:
    """Copy what can be read from `data_dir` into `target` (default: beside it, named
    `<name>.repaired-<UTC time>`); `progress` is told 1 per partition copied. Raises
    DispatcherError (one line; no copy is left) when the copy cannot be made."""
    labels = partition_labels(data_dir)
    now = now or datetime.now(UTC)
    target = target or default_target(data_dir, now)
    if target.exists():
        raise DispatcherError(f"{target}: already exists; name a new directory with --into")
    report = RepairReport(data_dir, target)
    try:
        building = Path(tempfile.mkdtemp(prefix=f".{target.name}.incomplete-", dir=target.parent))
    except OSError as exc:
        raise StoreError(f"cannot repair into {target}: {reason(exc)}; no copy was made") from None
    try:
        _build(data_dir, labels, building, report, progress)
        if target.exists():
            raise DispatcherError(f"{target}: already exists; name a new directory with --into")
        os.rename(building, target)
    except (OSError, DispatcherError) as exc:
        shutil.rmtree(building, ignore_errors=True)  # our own unfinished copy, nothing else
        why = reason(exc) if isinstance(exc, OSError) else str(exc)
        raise StoreError(f"cannot repair into {target}: {why}; no copy was made") from None
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    with suppress(OSError):  # the copy is complete and named; this only hastens durability
        files.sync_directory(target.parent)
    return report


def _build(
    data_dir: Path,
    labels: list[str],
    building: Path,
    report: RepairReport,
    progress: Callable[[int], None],
) -> None:
    """Every partition, the top-level files, the raised counters and the report, into the
    new directory `building`."""
    (building / "archive").mkdir(mode=files.DIR_MODE)
    present: dict[str, int] = {}  # the highest number of each day counter in the copy
    highest: dict[str, int] = {}  # ... and of those damaged places held
    unknown: list[Damage] = []
    counters: dict[str, int] = {}
    reported: dict[str, int] = {}
    counters_sound = False  # holding counters, undamaged: ahead of every id handed out
    for label in labels:
        with shared_lock(data_dir / label):  # the files copied are the files read
            image = read_partition(data_dir, label)
            report.recovered += sum(len(t) for t in image.tables.values())
            for damage in image.damage:
                report.lost.append(_lost_line(damage))
            lost_before = len(report.lost)
            _set_aside_misshapen(label, image.tables, report)
            _mark_gaps(image.tables, image.damage, report)
            held, unreadable = held_ids(image.damage)
            unknown += unreadable
            if label == "counters":
                counters_sound = not image.damage and bool(sequences_in(image.tables))
                counters, reported = sequences_in(image.tables), reported_lost(image.tables)
            for key, number in numbered_ids(image.tables, label.startswith("archive/")):
                present[key] = max(present.get(key, 0), number)
            for key, number in held:
                highest[key] = max(highest.get(key, 0), number)
            directory = building / label
            directory.mkdir(mode=files.DIR_MODE, parents=True)
            if image.damage or len(report.lost) > lost_before:
                compaction.install_snapshot(directory, 1, image.tables, image.high)
            else:  # sound and consistent: its files, as they were read
                _copy_partition(data_dir / label, directory, image)
            progress(1)
    if unknown and not counters_sound:
        report.lost.append(
            f"counters: rebuilt from the ids present, but what {unknown[0].where} held cannot "
            "be read: compare new ids with the requests named lost"
        )
    for path in data_dir.iterdir():
        if path.is_file() and path.name not in (DAMAGE_NOTICE, f"{DAMAGE_NOTICE}.tmp"):
            shutil.copy2(path, _kept_name(path, building))
    for key, number in present.items():
        highest[key] = max(highest.get(key, 0), number)
    _raise_counters(building, counters, highest, present, reported, report)
    fd = os.open(building / REPORT_NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL, files.FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(report.lines()) + "\n")
        out.flush()
        os.fsync(out.fileno())
    files.sync_directory(building)


def _raise_counters(
    building: Path,
    counters: dict[str, int],
    highest: dict[str, int],
    present: dict[str, int],
    reported: dict[str, int],
    report: RepairReport,
) -> None:
    """Raise the copy's day counters past every id present or held by damage (`highest`);
    name the ids the counters handed out that nothing holds or held (`issued_unheld`); and
    record in the copy's `_lost` table every id past those it holds (`present`), named lost
    in this report or an earlier one, so that its `store check` does not name them again."""
    for key, first, last in issued_unheld(counters, highest, reported):
        report.lost.append(
            f"{id_range(key, first, last)}: handed out by the counters, held by no partition"
        )
    with Store(building) as store, store.atomic(store.counters):
        for key, number in highest.items():
            store.raise_sequence(key, number, db=store.counters)
        lost = store.counters.table(LOST_TABLE)
        final = {k: max(counters.get(k, 0), highest.get(k, 0)) for k in counters | highest}
        for key, _, last in issued_unheld(final, present, {}):
            lost.upsert({"key": key, "through": last}, Query().key == key)


def _kept_name(path: Path, building: Path) -> Path:
    """Where a top-level file goes in the copy: as it is named, but an earlier repair's report
    as `REPAIR-REPORT.<its UTC time>.txt` (its modification time), so the new one is
    REPAIR-REPORT.txt and none is lost."""
    if path.name != REPORT_NAME:
        return building / path.name
    made = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    stem, n = f"REPAIR-REPORT.{made:%Y%m%dT%H%M%SZ}", 1
    kept = building / f"{stem}.txt"
    while kept.exists() or (path.parent / kept.name).exists():
        n += 1
        kept = building / f"{stem}-{n}.txt"
    return kept


def _copy_partition(source: Path, directory: Path, image: Image) -> None:
    """Copy a sound partition's snapshot and current journal (up to its last complete
    line), fsynced: the same records in the same files, without serialising them again."""
    names = [files.journal_name(image.current)]
    if image.generation is not None:
        names.append(files.SNAPSHOT)
    for name in names:
        with open(source / name, "rb") as reading:
            data = reading.read(image.pos if name != files.SNAPSHOT else -1)
        fd = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, files.FILE_MODE)
        try:
            files.write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    files.sync_directory(directory)


def _lost_line(damage: Damage) -> str:
    ids = ", ".join(readable_id(table, key) for table, key in damage.doc_ids)
    held = f"; it held {ids}" if ids else "; what it held cannot be read"
    return f"{damage.where} ({damage.reason}){held}"


def _set_aside_misshapen(
    label: str, tables: dict[str, dict[int, dict]], report: RepairReport
) -> None:
    """Requests and events of the wrong shape (`documents.problem`: an `event_count` that is
    text, an event without its position) are kept in `lost_and_found`, named in the report;
    a request's timeline then comes back marked incomplete, its events in `lost_and_found`."""
    for table in (REQUESTS, EVENTS):
        documents_of = tables.get(table, {})
        for key in list(documents_of):
            problem = documents.problem(table, key, documents_of[key])
            if table == REQUESTS and not problem and (unread := request_problem(documents_of[key])):
                problem = f"{readable_id(REQUESTS, key)}: {unread}"
            if problem:
                tables.setdefault(LOST_AND_FOUND, {})[key] = documents_of.pop(key)
                report.lost.append(f"{label}: {problem}; kept in {LOST_AND_FOUND}")


def _mark_gaps(
    tables: dict[str, dict[int, dict]], damage: list[Damage], report: RepairReport
) -> None:
    """A `record_lost` event at every lost position of a timeline; events without their
    request to `lost_and_found`."""
    requests, events = tables.get(REQUESTS, {}), tables.setdefault(EVENTS, {})
    places = ", ".join(d.where for d in damage) or "an earlier write"
    for key, raw in requests.items():
        at = raw["received"]
        for seq in range(1, raw["event_count"] + 1):
            event = events.get(key * EVENT_ID_FACTOR + seq)
            if event is not None:
                at = event.get("at", at)
                continue
            events[key * EVENT_ID_FACTOR + seq] = {
                "sr": raw["id"],
                "seq": seq,
                "at": at,
                "actor": REPAIR_ACTOR,
                "kind": EventKind.RECORD_LOST.value,
                "text": f"this event was lost to damage at {places}",
                "channel": "",
                "data": {},
            }
            report.lost.append(f"{raw['id']} event {seq}: marked as lost in its timeline")
    orphans = [k for k in events if k // EVENT_ID_FACTOR not in requests]
    for key in orphans:
        tables.setdefault(LOST_AND_FOUND, {})[key] = events.pop(key)
    for owner in sorted({k // EVENT_ID_FACTOR for k in orphans}):
        count = sum(1 for k in orphans if k // EVENT_ID_FACTOR == owner)
        kept = "its event is" if count == 1 else f"its {count} events are"
        report.lost.append(
            f"{readable_id(REQUESTS, owner)}: its request record is lost; {kept} kept in "
            f"{LOST_AND_FOUND}"
        )
