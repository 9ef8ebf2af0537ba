"""Moving a history of requests in and out in bulk: one JSON object per line.

Each line is one SR as `ServiceRequest.to_dict()` writes it (without `event_count`), with its
whole timeline under `"timeline"` as a list of events (`at`, `actor`, `kind`, and optionally
`text`, `channel`, `data`). An import checks every line first and writes nothing if any line is
wrong; each error names the file, the line and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from dispatcher.domain.requests import (
    Category,
    Event,
    IntakeChannel,
    Level,
    ServiceRequest,
    Severity,
    Status,
    VipKind,
    parse_id,
)
from dispatcher.domain.text import UnsafeText, check
from dispatcher.errors import DispatcherError
from dispatcher.store.paths import open_input
from dispatcher.store.requests import RequestFilter, RequestRepository

BATCH = 2_000
MAX_LINE_BYTES = 4_000_000  # one SR with a long timeline fits many times over
MULTILINE = frozenset({"description", "text", "words", "note"})  # fields that may hold newlines
MAX_ERRORS_SHOWN = 20


class ImportFileError(DispatcherError):
    """Lines of an import file that are wrong; nothing was imported."""

    def __init__(self, path: Path, errors: list[str], total: int) -> None:
        shown = f" (the first {len(errors)} above)" if total > len(errors) else ""
        super().__init__(f"{path}: {total} problems{shown}; nothing was imported", errors)


@dataclass(frozen=True)
class ImportSummary:
    requests: int
    open: int
    events: int


ENUMS: dict[str, type[StrEnum]] = {
    "category": Category,
    "severity": Severity,
    "intake": IntakeChannel,
    "level": Level,
    "status": Status,
}


def _check_time(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be an ISO 8601 time string"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return f"'{value}' is not an ISO 8601 time"
    if parsed.tzinfo is None:
        return f"'{value}' has no UTC offset"
    return None


def record_errors(raw: Any) -> list[str]:
    """What is wrong with one record, as `field: reason` strings."""
    if not isinstance(raw, dict):
        return ["(line): must be a JSON object"]
    errors = []
    for key in ("id", "received", "category", "summary"):
        if key not in raw:
            errors.append(f"{key}: missing")
    if "id" in raw:
        try:
            parse_id(str(raw["id"]))
        except DispatcherError as error:
            errors.append(f"id: {error}")
    if "received" in raw and (problem := _check_time(raw["received"])):
        errors.append(f"received: {problem}")
    for key, enum in ENUMS.items():
        if key in raw and raw[key] not in {m.value for m in enum}:
            errors.append(f"{key}: '{raw[key]}' is not one of {', '.join(m.value for m in enum)}")
    vip = (raw.get("customer") or {}).get("vip") if isinstance(raw.get("customer"), dict) else None
    if vip is not None and vip not in {m.value for m in VipKind}:
        errors.append(f"customer.vip: '{vip}' is not one of {', '.join(m.value for m in VipKind)}")
    for key in ("reporter", "customer", "owner"):
        if key in raw and not isinstance(raw[key], dict):
            errors.append(f"{key}: must be an object")
    if "criteria" in raw and not (
        isinstance(raw["criteria"], list) and all(isinstance(c, str) for c in raw["criteria"])
    ):
        errors.append("criteria: must be a list of criterion ids")
    timeline = raw.get("timeline", [])
    if not isinstance(timeline, list):
        errors.append("timeline: must be a list of events")
        timeline = []
    for index, event in enumerate(timeline):
        where = f"timeline[{index}]"
        if not isinstance(event, dict):
            errors.append(f"{where}: must be an object")
            continue
        for key in ("at", "actor", "kind"):
            if key not in event:
                errors.append(f"{where}.{key}: missing")
        if "at" in event and (problem := _check_time(event["at"])):
            errors.append(f"{where}.at: {problem}")
    errors += _unsafe_text(raw)
    if not errors:
        try:
            _parse(raw)
        except (KeyError, TypeError, ValueError) as error:
            errors.append(f"(record): {error}")
    return errors


def _unsafe_text(value: Any, field: str = "") -> list[str]:
    """A `field: reason` for each text holding a control character (`domain.text.check`)."""
    if isinstance(value, str):
        name = field.rsplit(".", 1)[-1].split("[", 1)[0]
        try:
            check(value, field, multiline=name in MULTILINE)
        except UnsafeText as unsafe:
            return [str(unsafe)]
        return []
    if isinstance(value, dict):
        return [e for k, v in value.items() for e in _unsafe_text(v, f"{field}.{k}".strip("."))]
    if isinstance(value, list):
        return [e for i, v in enumerate(value) for e in _unsafe_text(v, f"{field}[{i}]")]
    return []


def _parse(raw: dict[str, Any]) -> tuple[ServiceRequest, list[Event]]:
    timeline = raw.get("timeline", [])
    sr = ServiceRequest.from_dict({**raw, "event_count": len(timeline)})
    events = [
        Event.from_dict({**event, "sr": sr.id, "seq": index})
        for index, event in enumerate(timeline, start=1)
    ]
    return sr, events


def _records(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON) of each non-blank line; a line over `MAX_LINE_BYTES` or not
    JSON comes as a `_BadJson`. Only a regular file is read (`open_input`)."""
    with open_input(path) as handle:
        number = 0
        while line := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(line) > MAX_LINE_BYTES:
                yield number, _BadJson(f"longer than {MAX_LINE_BYTES:,} bytes")
                while line and not line.endswith(b"\n"):  # skip the rest, a bounded read each
                    line = handle.readline(MAX_LINE_BYTES + 1)
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as error:
                raise DispatcherError(f"{path}:{number}: not UTF-8 text ({error.reason})") from None
            if not text.strip():
                continue
            try:
                yield number, json.loads(text)
            except json.JSONDecodeError as error:
                yield number, _BadJson(f"not JSON ({error.msg} at column {error.colno})")


@dataclass(frozen=True)
class _BadJson:
    reason: str


def check_file(path: Path, repository: RequestRepository) -> int:
    """Check every line; raise with all that is wrong, or return the number of records."""
    errors: list[str] = []
    total_errors = 0
    seen: dict[str, int] = {}
    count = 0
    for number, raw in _records(path):
        count += 1
        problems = [f"(line): {raw.reason}"] if isinstance(raw, _BadJson) else record_errors(raw)
        if not problems:
            sr_id = str(raw["id"]).upper()
            if sr_id in seen:
                problems = [f"id: {sr_id} is also on line {seen[sr_id]}"]
            seen[sr_id] = number
        total_errors += len(problems)
        errors += [f"{path}:{number}: {p}" for p in problems][
            : max(0, MAX_ERRORS_SHOWN - len(errors))
        ]
    clashes = repository.existing_ids(seen)
    repository.release_archives()
    for sr_id in sorted(clashes, key=seen.__getitem__):
        total_errors += 1
        if len(errors) < MAX_ERRORS_SHOWN:
            errors.append(f"{path}:{seen[sr_id]}: id: {sr_id} is already in the store")
    if errors:
        raise ImportFileError(path, errors, total_errors)
    return count


def import_file(path: Path, repository: RequestRepository) -> ImportSummary:
    """Check the whole file, then write it in batches (each batch one commit per partition)."""
    check_file(path, repository)
    batch: list[tuple[ServiceRequest, list[Event]]] = []
    requests = open_count = events = 0
    for _, raw in _records(path):
        sr, timeline = _parse(raw)
        batch.append((sr, timeline))
        requests += 1
        open_count += sr.is_open
        events += len(timeline)
        if len(batch) >= BATCH:
            repository.release_archives(keep=repository.import_batch(batch))
            batch = []
    if batch:
        repository.import_batch(batch)
    repository.release_archives()
    return ImportSummary(requests, open_count, events)


def export_records(
    repository: RequestRepository, request_filter: RequestFilter, out: TextIO
) -> int:
    """Write matching SRs with their timelines as JSON lines; returns how many."""
    count = 0
    for sr, timeline in repository.export(request_filter):
        record = sr.to_dict()
        del record["event_count"]
        record["timeline"] = [
            {k: v for k, v in event.to_dict().items() if k not in ("sr", "seq")}
            for event in timeline
        ]
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
