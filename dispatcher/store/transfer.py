"""Moving a history of requests in and out in bulk: one JSON object per line.

The format is `import_schema.py`'s. An import reads the file once and holds one batch at a
time, so its memory does not grow with the file (beyond one id per request): (1) every line is
parsed and checked, every problem listed as `FILE:LINE: field: reason`, and each record, as
the documents the store will hold, goes to a private spill file (unnamed, in the data
directory, gone when the import ends or is killed: as large as the input); (2) ids already in
the store are refused, or with `resume` skipped when the store holds exactly that record and
refused when it differs; only then (3) are the spilled records written, in batches of one
commit per partition. What is written is what was checked, whatever happens to the file
meanwhile. A file that passed (1) and (2) is written whole, or, if the process is killed
part-way, completed by running the same import again with `resume`.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO, Any

from dispatcher.domain.lifecycle import Status
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.text import escape
from dispatcher.errors import DispatcherError
from dispatcher.i18n import N_, NN_, translator
from dispatcher.store import codec
from dispatcher.store.bulk import Batch, differing, existing_ids, save_batch
from dispatcher.store.damage import StoreDamaged
from dispatcher.store.import_schema import check_agreement, check_record
from dispatcher.store.journal import store_errors
from dispatcher.store.paths import open_input
from dispatcher.store.requests import RequestFilter, RequestRepository

BATCH = 2_000
MAX_ERRORS_SHOWN = 20
MAX_LINE_BYTES = 4_000_000  # one SR with a long timeline fits many times over
Progress = Callable[[int], None]  # told how many more bytes (or records) are done
# One spilled record: its line number, the input bytes it accounts for, the stored documents.
Spilled = tuple[int, int, dict, list[dict]]


def _no_progress(done: int) -> None:
    """No progress to show."""


# The summary of an import refused, by whether every problem is shown above it.
ALL_SHOWN = NN_(
    "{path}: {total} problem; nothing was imported",
    "{path}: {total} problems; nothing was imported",
)
FIRST_SHOWN = NN_(
    "{path}: {total} problem (the first {count} above); nothing was imported",
    "{path}: {total} problems (the first {count} above); nothing was imported",
)
RESUME_HINT = N_("if an import of this file was interrupted, run it again with --resume")


class ImportFileError(DispatcherError):
    """Lines of an import file that are wrong; nothing was imported. Its message is English;
    `said(language)` says it in another, its count in that language's plural form."""

    def __init__(self, path: Path, errors: list[str], total: int, resume: bool = False) -> None:
        self.path, self.total, self.resume = path, total, resume
        super().__init__("", errors)
        self.args = (self.said("en"),)

    def said(self, language: str) -> str:
        """ "in.jsonl: 1 problem; nothing was imported" in `language`."""
        words = translator(language)
        template = FIRST_SHOWN if self.total > len(self.problems) else ALL_SHOWN
        line = words.ngettext(*template, self.total).format(
            path=self.path, total=self.total, count=len(self.problems)
        )
        return f"{line}; {words.gettext(RESUME_HINT)}" if self.resume else line


@dataclass(frozen=True)
class ImportSummary:
    requests: int
    open: int
    events: int
    skipped: int = 0  # already in the store, identical (with resume)


def _stored(record: dict[str, Any]) -> tuple[dict, list[dict]]:
    """A checked record as the documents the store holds: the request, and its timeline. The
    checker gives each event with its fields in order, time normalised and defaults filled,
    so with its SR and place first it is what `Event.to_dict` stores (tested)."""
    timeline = record.pop("timeline", [])
    sr = ServiceRequest.from_dict({**record, "event_count": len(timeline)})
    sr_id = sr.id
    events = [{"sr": sr_id, "seq": seq, **event} for seq, event in enumerate(timeline, start=1)]
    return sr.to_dict(), events


def _records(
    path: Path, progress: Progress, zone: tzinfo, now: datetime
) -> Iterator[tuple[int, int, dict | None, list[str]]]:
    """(line number, bytes read since the last record, normalised record or None, problems)
    for every non-blank line (`check_record`'s, with the CSC's `zone` and the time `now`)."""
    with open_input(path) as handle:  # only a regular file
        number = read = 0
        while line := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            read += len(line)
            progress(len(line))
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    progress(len(rest))
                progress(len(rest))
                yield number, read, None, [f"(line): longer than {MAX_LINE_BYTES:,} bytes"]
                read = 0
                continue
            if not line.strip():
                continue
            try:
                raw = codec.loads_strict(line.decode("utf-8"))
            except UnicodeDecodeError as error:
                yield number, read, None, [f"(line): not UTF-8 text ({error.reason})"]
            except codec.DecodeError as error:
                yield (
                    number,
                    read,
                    None,
                    [f"(line): not JSON ({error.msg} at column {error.colno})"],
                )
            else:
                record, problems = check_record(raw)
                if record is not None:
                    problems = check_agreement(record, zone, now)
                yield number, read, None if problems else record, problems
            read = 0


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path, self.total = path, 0
        self.shown: list[str] = []

    def add(self, number: int, problem: str) -> None:
        self.total += 1
        if len(self.shown) < MAX_ERRORS_SHOWN:
            self.shown.append(f"{self.path}:{number}: {problem}")

    def raise_any(self, resume: bool = False) -> None:
        """ImportFileError if any problem was added (`resume`: say that --resume completes an
        interrupted import)."""
        if self.total:
            raise ImportFileError(self.path, self.shown, self.total, resume)


class _Spill:
    """The checked records, as stored documents, in an unnamed private file."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file

    def add(self, number: int, read: int, request: dict, events: list[dict]) -> None:
        with store_errors("cannot write the import's temporary file"):
            self.file.write(codec.dumps([number, read, request, events]) + b"\n")

    def __iter__(self) -> Iterator[Spilled]:
        with store_errors("cannot read the import's temporary file"):
            self.file.seek(0)
            for line in self.file:
                number, read, request, events = codec.loads(line)
                yield number, read, request, events


def check_file(
    path: Path,
    repository: RequestRepository,
    spill: _Spill,
    resume: bool = False,
    progress: Progress = _no_progress,
    *,
    zone: tzinfo,
    now: datetime,
) -> set[str]:
    """Check every line, spill what passed, and check the ids against the store; raise with
    all that is wrong, or return the ids to skip (with `resume`: already in the store)."""
    problems = _Problems(path)
    seen: dict[str, int] = {}
    for number, read, record, found in _records(path, progress, zone, now):
        for problem in found:
            problems.add(number, problem)
        if record is not None:
            if record["id"] in seen:
                problems.add(number, f"id: {record['id']} is also on line {seen[record['id']]}")
            seen.setdefault(record["id"], number)
            if not problems.total:  # past the first problem nothing is written: stop spilling
                spill.add(number, read, *_stored(record))
    problems.raise_any()
    clashes = existing_ids(repository, seen)
    damage = repository.store.damage()
    if damage:  # refused before the first batch, not part-way through
        raise StoreDamaged(damage)
    if clashes and not resume:
        for sr_id in sorted(clashes, key=seen.__getitem__):
            problems.add(seen[sr_id], f"id: {sr_id} is already in the store")
        problems.raise_any(resume=True)
    return clashes


def _refuse_differing(
    path: Path, repository: RequestRepository, skip: set[str], spill: _Spill
) -> None:
    """With resume: every record already in the store must be there exactly as in the file."""
    problems = _Problems(path)
    batch: dict[str, tuple[int, tuple[dict, list[dict]]]] = {}

    def compare() -> None:
        for sr_id in sorted(differing(repository, [pair for _, pair in batch.values()])):
            problems.add(batch[sr_id][0], f"id: {sr_id} is in the store with other contents")
        batch.clear()

    for number, _, request, events in spill:
        if request["id"] in skip:
            batch[request["id"]] = (number, (request, events))
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
    *,
    zone: tzinfo,
    now: datetime | None = None,
) -> ImportSummary:
    """Check the whole file, then write it in batches (each batch one commit per partition).
    `zone` is the CSC's (`dispatcher.store.zone`): a request's id names its local day of
    receipt there; `now` (default: the wall clock) is the latest time a record may hold."""
    directory = repository.store.data_dir
    with ExitStack() as stack, codec.decoding_in_bulk(collect_after=True):
        with store_errors(f"cannot write a temporary file in {directory}"):
            spill = _Spill(stack.enter_context(tempfile.TemporaryFile(dir=directory)))
        skip = check_file(
            path,
            repository,
            spill,
            resume,
            check_progress,
            zone=zone,
            now=now or datetime.now(UTC),
        )
        if skip:
            _refuse_differing(path, repository, skip, spill)
        return _write(repository, spill, skip, progress)


def _write(
    repository: RequestRepository, spill: _Spill, skip: set[str], progress: Progress
) -> ImportSummary:
    batch: Batch = []
    requests = open_count = events = 0
    with repository.store.bulk_load():
        for _, read, request, timeline in spill:
            progress(read)
            if request["id"] in skip:
                continue
            batch.append((request, timeline))
            requests += 1
            open_count += request["status"] != Status.CLOSED.value
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
