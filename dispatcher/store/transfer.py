"""Moving a history of requests in and out in bulk: one JSON object per line.

The format is `import_schema.py`'s. An import reads the file three times and holds one batch at
a time, so its memory does not grow with the file (beyond one id per request): (1) every line is
checked and every problem listed as `FILE:LINE: field: reason`; (2) ids already in the store are
refused, or with `resume` skipped when the store holds exactly that record and refused when it
differs; only then (3) are the records written, in batches of one commit per partition. A file
that passed (1) and (2) is written whole, or, if the process is killed part-way, completed by
running the same import again with `resume`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.text import escape
from dispatcher.domain.timeline import Event
from dispatcher.errors import DispatcherError
from dispatcher.store.bulk import Batch, differing, existing_ids, save_batch
from dispatcher.store.damage import StoreDamaged
from dispatcher.store.import_schema import check_record, normalise_checked
from dispatcher.store.paths import open_input
from dispatcher.store.requests import RequestFilter, RequestRepository

BATCH = 2_000
MAX_ERRORS_SHOWN = 20
MAX_LINE_BYTES = 4_000_000  # one SR with a long timeline fits many times over
Progress = Callable[[int], None]  # told how many more bytes (or records) are done


def _no_progress(done: int) -> None:
    """No progress to show."""


class ImportFileError(DispatcherError):
    """Lines of an import file that are wrong; nothing was imported."""

    def __init__(self, path: Path, errors: list[str], total: int, hint: str = "") -> None:
        shown = f" (the first {len(errors)} above)" if total > len(errors) else ""
        super().__init__(f"{path}: {total} problems{shown}; nothing was imported{hint}", errors)


@dataclass(frozen=True)
class ImportSummary:
    requests: int
    open: int
    events: int
    skipped: int = 0  # already in the store, identical (with resume)


def _parse(record: dict[str, Any]) -> tuple[ServiceRequest, list[dict]]:
    """The request, and its timeline as stored documents."""
    timeline = record.get("timeline", [])
    fields = {k: v for k, v in record.items() if k != "timeline"}
    sr = ServiceRequest.from_dict({**fields, "event_count": len(timeline)})
    events = [
        Event.canonical({**event, "sr": sr.id, "seq": index})
        for index, event in enumerate(timeline, start=1)
    ]
    return sr, events


def _records(
    path: Path, progress: Progress, checked: bool = False
) -> Iterator[tuple[int, dict[str, Any] | None, list[str]]]:
    """(line number, normalised record or None, problems) for every non-blank line; when the
    file was `checked` already, records are only normalised."""
    with open_input(path) as handle:  # only a regular file
        number = 0
        while line := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            progress(len(line))
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    progress(len(rest))
                progress(len(rest))
                yield number, None, [f"(line): longer than {MAX_LINE_BYTES:,} bytes"]
                continue
            if not line.strip():
                continue
            try:
                raw = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError as error:
                yield number, None, [f"(line): not UTF-8 text ({error.reason})"]
                continue
            except json.JSONDecodeError as error:
                yield number, None, [f"(line): not JSON ({error.msg} at column {error.colno})"]
                continue
            if checked:
                yield number, normalise_checked(raw), []
            else:
                yield number, *check_record(raw)


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path, self.total = path, 0
        self.shown: list[str] = []

    def add(self, number: int, problem: str) -> None:
        self.total += 1
        if len(self.shown) < MAX_ERRORS_SHOWN:
            self.shown.append(f"{self.path}:{number}: {problem}")

    def raise_any(self, hint: str = "") -> None:
        if self.total:
            raise ImportFileError(self.path, self.shown, self.total, hint)


def check_file(
    path: Path,
    repository: RequestRepository,
    resume: bool = False,
    progress: Progress = _no_progress,
) -> set[str]:
    """Check every line and the ids against the store; raise with all that is wrong, or return
    the ids to skip (with `resume`: already in the store, identical)."""
    problems = _Problems(path)
    seen: dict[str, int] = {}
    for number, record, found in _records(path, progress):
        for problem in found:
            problems.add(number, problem)
        if record is not None:
            if record["id"] in seen:
                problems.add(number, f"id: {record['id']} is also on line {seen[record['id']]}")
            seen.setdefault(record["id"], number)
    problems.raise_any()
    clashes = existing_ids(repository, seen)
    damage = repository.store.damage()
    if damage:  # refused before the first batch, not part-way through
        raise StoreDamaged(damage)
    if clashes and not resume:
        for sr_id in sorted(clashes, key=seen.__getitem__):
            problems.add(seen[sr_id], f"id: {sr_id} is already in the store")
        problems.raise_any(
            "; if an import of this file was interrupted, run it again with --resume"
        )
    return clashes


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError as error:
        raise DispatcherError(f"{path}: cannot read: {error.strerror}") from error
    return stat.st_size, stat.st_mtime_ns


def _refuse_differing(path: Path, repository: RequestRepository, skip: set[str]) -> None:
    """With resume: every record already in the store must be there exactly as in the file."""
    problems = _Problems(path)
    batch: dict[str, tuple[int, tuple[ServiceRequest, list[dict]]]] = {}

    def compare() -> None:
        for sr_id in sorted(differing(repository, [pair for _, pair in batch.values()])):
            problems.add(batch[sr_id][0], f"id: {sr_id} is in the store with other contents")
        batch.clear()

    for number, record, _ in _records(path, _no_progress, checked=True):
        assert record is not None  # checked: every line is a record
        if record["id"] in skip:
            batch[record["id"]] = (number, _parse(record))
            if len(batch) >= BATCH:
                compare()
    compare()
    problems.raise_any()


def import_file(
    path: Path,
    repository: RequestRepository,
    resume: bool = False,
    progress: Progress = _no_progress,
    check_progress: Progress = _no_progress,
) -> ImportSummary:
    """Check the whole file, then write it in batches (each batch one commit per partition)."""
    checked = _stamp(path)
    skip = check_file(path, repository, resume, check_progress)
    if skip:
        _refuse_differing(path, repository, skip)
    if _stamp(path) != checked:
        raise DispatcherError(f"{path}: changed while it was checked; nothing was imported")
    batch: Batch = []
    requests = open_count = events = 0
    with repository.store.bulk_load():
        for _, record, _ in _records(path, progress, checked=True):
            assert record is not None  # checked: every line is a record
            if record["id"] in skip:
                continue
            sr, timeline = _parse(record)
            batch.append((sr, timeline))
            requests += 1
            open_count += sr.is_open
            events += len(timeline)
            if len(batch) >= BATCH:
                repository.release_archives(keep=save_batch(repository, batch))
                batch = []
        if batch:
            save_batch(repository, batch)
    repository.release_archives()
    return ImportSummary(requests, open_count, events, len(skip))


def export_lines(
    repository: RequestRepository, request_filter: RequestFilter
) -> tuple[int, Iterator[str]]:
    """How many SRs match, and their JSON lines (with timelines), each read when it is due.
    Control characters JSON leaves raw (C1, bidirectional) are written as \\uXXXX: the same
    data, and inert when the file is shown in a terminal."""
    requests = repository.matching(request_filter)

    def lines() -> Iterator[str]:
        for sr in requests:
            record = sr.to_dict()
            del record["event_count"]
            record["timeline"] = [
                {k: v for k, v in event.to_dict().items() if k not in ("sr", "seq")}
                for event in repository.timeline(sr.id)
            ]
            yield escape(json.dumps(record, ensure_ascii=False)) + "\n"

    return len(requests), lines()
