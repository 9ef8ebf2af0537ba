"""The import format, checked field by field before anything is written.

One JSON object per line: a request as `ServiceRequest.to_dict()` writes it, without
`event_count`, with its whole timeline under `"timeline"` (events without `sr` and `seq`,
which the position gives). `check_record` returns the record normalised (ids in their one
spelling, SR-20261124-0042; criteria in upper case; defaults filled in) or `field: reason`
problems, one per field. Types are strict (`"drill": "false"` is not a boolean, a site is
text, not a number); enumerations, time formats (ISO 8601 with a UTC offset) and lengths are
checked; text may not hold control characters (`domain.text.check`; multi-line fields may hold
newlines and tabs).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from dispatcher.domain.emergency import BASE_BY_ID
from dispatcher.domain.lifecycle import Status
from dispatcher.domain.request_ids import format_id, parse_id
from dispatcher.domain.request_parts import Category, IntakeChannel, Level, Severity, VipKind
from dispatcher.domain.text import UnsafeText, check
from dispatcher.errors import DispatcherError

Problems = list[str]
# A field check: (value, field path, problems) -> the normalised value (problems appended).
Check = Callable[[Any, str, Problems], Any]
_MISSING = object()
_CRITERION = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,31}\Z")
_KIND = re.compile(r"[a-z][a-z0-9_]{0,63}\Z")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}\Z")
MAX_DATA_BYTES = 16 * 1024
MULTILINE = frozenset({"words", "note", "text"})  # keys of event data that may hold newlines


def _unsafe(value: str, where: str, multiline: bool, problems: Problems) -> bool:
    try:
        check(value, where, multiline=multiline)
    except UnsafeText as unsafe:
        problems.append(str(unsafe))
        return True
    return False


def text(most: int, *, least: int = 0, block: bool = False, pattern: re.Pattern | None = None):
    def check(value: Any, where: str, problems: Problems) -> Any:
        if not isinstance(value, str):
            problems.append(f"{where}: must be text, not {_kind(value)}")
        elif len(value) < least:
            problems.append(f"{where}: must not be empty" if least == 1 else f"{where}: too short")
        elif len(value) > most:
            problems.append(f"{where}: longer than {most} characters")
        elif not value.isprintable() and _unsafe(value, where, block, problems):
            pass
        elif pattern is not None and not pattern.match(value):
            problems.append(f"{where}: not in the expected form")
        return value

    return check


def choice(enum: type[StrEnum], *, nullable: bool = False):
    values = [m.value for m in enum]

    def check(value: Any, where: str, problems: Problems) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, str) or value not in values:
            problems.append(f"{where}: must be one of {', '.join(values)}")
        return value

    return check


def time(*, nullable: bool = False):
    def check(value: Any, where: str, problems: Problems) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, str) or len(value) > 40:
            problems.append(f"{where}: must be an ISO 8601 time like 2026-11-24T03:10:00+08:00")
            return value
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            problems.append(f"{where}: not an ISO 8601 time")
            return value
        if parsed.tzinfo is None:
            problems.append(f"{where}: has no UTC offset")
        return parsed.isoformat()

    return check


def boolean(value: Any, where: str, problems: Problems) -> Any:
    if not isinstance(value, bool):
        problems.append(f"{where}: must be true or false, not {_kind(value)}")
    return value


def count(most: int):
    def check(value: Any, where: str, problems: Problems) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
            problems.append(f"{where}: must be a whole number from 0 to {most}")
        return value

    return check


def fields(spec: dict[str, tuple[Check, Any]], *, nullable: bool = False):
    """An object with exactly these fields: name -> (check, default; _MISSING: required)."""

    def check(value: Any, where: str, problems: Problems) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, dict):
            problems.append(f"{where or '(line)'}: must be an object, not {_kind(value)}")
            return value
        prefix = f"{where}." if where else ""
        out = {}
        for name in value:
            if name not in spec:
                problems.append(f"{where or '(record)'}: unknown field {_name(name)}")
        for name, (field_check, default) in spec.items():
            if name in value:
                out[name] = field_check(value[name], prefix + name, problems)
            elif default is _MISSING:
                problems.append(f"{prefix}{name}: missing")
            else:
                out[name] = default
        return out

    return check


def listing(item: Check, most: int):
    def check(value: Any, where: str, problems: Problems) -> Any:
        if not isinstance(value, list):
            problems.append(f"{where}: must be a list, not {_kind(value)}")
            return value
        if len(value) > most:
            problems.append(f"{where}: more than {most} items")
            return value
        return [item(each, f"{where}[{index}]", problems) for index, each in enumerate(value)]

    return check


def request_id(value: Any, where: str, problems: Problems) -> Any:
    if not isinstance(value, str) or len(value) > 32:
        problems.append(f"{where}: must be a request id like SR-20261124-0042")
        return value
    try:
        return format_id(*parse_id(value))
    except DispatcherError as error:
        problems.append(f"{where}: {error}")
        return value


def criterion(value: Any, where: str, problems: Problems) -> Any:
    if not isinstance(value, str) or not _CRITERION.match(value.strip().upper()):
        problems.append(f"{where}: must be a criterion id (1-12, or a product's own)")
        return value
    value = value.strip().upper()
    if value.isdigit() and value not in BASE_BY_ID:
        problems.append(f"{where}: base criteria are 1-12")
    return value


def event_data(value: Any, where: str, problems: Problems) -> Any:
    """An object of plain values: keys are identifiers, text is one line; at most about
    MAX_DATA_BYTES of keys and text."""
    if not isinstance(value, dict):
        problems.append(f"{where}: must be an object, not {_kind(value)}")
    elif value and _plain(value, where, problems) > MAX_DATA_BYTES:
        problems.append(f"{where}: larger than {MAX_DATA_BYTES} bytes")
    return value


def _plain(value: Any, where: str, problems: Problems) -> int:
    """Check one value of an event's data; returns about how many bytes it holds."""
    if isinstance(value, str):
        multiline = where.rsplit(".", 1)[-1] in MULTILINE
        text(1000, block=multiline)(value, where, problems)
        return len(value) + 2
    if isinstance(value, dict):
        size = 2
        for key, each in value.items():
            if not _KEY.match(key):
                problems.append(f"{where}: key {_name(key)} is not an identifier")
            else:
                size += len(key) + 3 + _plain(each, f"{where}.{key}", problems)
        return size
    if isinstance(value, list):
        return 2 + sum(_plain(each, f"{where}[{i}]", problems) for i, each in enumerate(value))
    return 8  # null, a boolean or a number


LINE = text(200)
EVENT = fields(
    {
        "at": (time(), _MISSING),
        "actor": (text(200, least=1), _MISSING),
        "kind": (text(64, pattern=_KIND), _MISSING),
        "text": (text(20_000, block=True), ""),
        "channel": (text(32), ""),
        "data": (event_data, {}),
    }
)
RECORD = fields(
    {
        "id": (request_id, _MISSING),
        "received": (time(), _MISSING),
        "category": (choice(Category), _MISSING),
        "summary": (text(500, least=1), _MISSING),
        "severity": (choice(Severity), Severity.MINOR.value),
        "intake": (choice(IntakeChannel), IntakeChannel.PHONE.value),
        "reporter": (fields({"name": (LINE, ""), "phone": (LINE, ""), "email": (LINE, "")}), {}),
        "customer": (
            fields({"name": (LINE, ""), "vip": (choice(VipKind, nullable=True), None)}),
            {},
        ),
        "site": (text(100), ""),
        "product": (text(100), ""),
        "description": (text(20_000, block=True), ""),
        "criteria": (listing(criterion, 30), []),
        "owner": (fields({"unit": (text(100), ""), "person": (text(100), "")}), {}),
        "level": (choice(Level), Level.L1.value),
        "status": (choice(Status), Status.NEW.value),
        "red_flag": (
            fields(
                {"opened": (time(), _MISSING), "closed": (time(nullable=True), None)}, nullable=True
            ),
            None,
        ),
        "drill": (boolean, False),
        "callback_attempts": (count(1000), 0),
        "timeline": (listing(EVENT, 10_000), []),
    }
)


def normalise_checked(raw: dict) -> dict:
    """The normalised form of a record that `check_record` accepted (the file is read again
    to write it): its id in its one spelling and its criteria in upper case; times and
    defaults are normalised when the record becomes a `ServiceRequest`."""
    raw["id"] = format_id(*parse_id(raw["id"]))
    raw["criteria"] = [c.strip().upper() for c in raw.get("criteria", [])]
    return raw


def check_record(raw: Any) -> tuple[dict | None, Problems]:
    """The record normalised, or None and its problems as `field: reason`."""
    problems: Problems = []
    record = RECORD(raw, "", problems)
    return (None, problems) if problems else (record, [])


def _kind(value: Any) -> str:
    return {
        type(None): "null",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _name(name: str) -> str:
    """A field name from the file, safe to print: at most 40 printable characters."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in name[:40])
    return repr(shown)
