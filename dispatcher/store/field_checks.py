"""Checks of one field of a record read from outside, each adding `field: reason` problems.

A check is `(value, field path, problems) -> the normalised value`; these make them: `text`,
`choice` (an enumeration), `time` (ISO 8601 with a UTC offset), `boolean`, `count`, `fields`
(an object with exactly these fields) and `listing`. Types are strict (`"false"` is not a
boolean, 12 is not text); text may not hold control characters (`domain.text.check`); text of
only blanks is empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from dispatcher.domain.text import UnsafeText, check

Problems = list[str]
# A field check: (value, field path, problems) -> the normalised value (problems appended).
Check = Callable[[Any, str, Problems], Any]
MISSING = object()  # in `fields`: the field is required


def _unsafe(value: str, where: str, multiline: bool, problems: Problems) -> bool:
    try:
        check(value, where, multiline=multiline)
    except UnsafeText as unsafe:
        problems.append(str(unsafe))
        return True
    return False


def text(most: int, *, least: int = 0, block: bool = False, pattern: re.Pattern | None = None):
    """Text of `least` to `most` characters; text of only blanks is empty (normalised to "",
    refused where `least` is 1): a name of spaces names nobody."""

    def check(value: Any, where: str, problems: Problems) -> Any:
        if isinstance(value, str) and not value.strip():
            value = ""
        if not isinstance(value, str):
            problems.append(f"{where}: must be text, not {kind_of(value)}")
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
        problems.append(f"{where}: must be true or false, not {kind_of(value)}")
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
            problems.append(f"{where or '(line)'}: must be an object, not {kind_of(value)}")
            return value
        prefix = f"{where}." if where else ""
        out = {}
        for name in value:
            if name not in spec:
                problems.append(f"{where or '(record)'}: unknown field {shown_name(name)}")
        for name, (field_check, default) in spec.items():
            if name in value:
                out[name] = field_check(value[name], prefix + name, problems)
            elif default is MISSING:
                problems.append(f"{prefix}{name}: missing")
            else:
                out[name] = default
        return out

    return check


def listing(item: Check, most: int):
    def check(value: Any, where: str, problems: Problems) -> Any:
        if not isinstance(value, list):
            problems.append(f"{where}: must be a list, not {kind_of(value)}")
            return value
        if len(value) > most:
            problems.append(f"{where}: more than {most} items")
            return value
        return [item(each, f"{where}[{index}]", problems) for index, each in enumerate(value)]

    return check


def kind_of(value: Any) -> str:
    """How a problem names the JSON type of a value ("null", "a number", "text"...)."""
    return {
        type(None): "null",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def shown_name(name: str) -> str:
    """A field name from the file, safe to print: at most 40 printable characters."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in name[:40])
    return repr(shown)
