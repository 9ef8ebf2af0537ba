"""Typed reading of a YAML document that remembers where each value came from.

A `Node` is a value with its line, column and field path. Its readers return the value, or
None after recording a problem, so validation carries on and reports everything at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from dispatcher.domain.text import UnsafeText, check
from dispatcher.roster.errors import Problems
from dispatcher.roster.reader import Mapping as YamlMapping
from dispatcher.roster.reader import Sequence as YamlSequence

IDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
DURATION = re.compile(r"^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?$")
CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

E = TypeVar("E", bound=StrEnum)

LONGEST_DURATION = timedelta(days=366)  # a drill target or a window beyond a year is a typo


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    return repr(value)


@dataclass
class Node:
    value: Any
    line: int
    column: int
    path: str
    problems: Problems

    def error(self, message: str) -> None:
        self.problems.add(self.line, self.column, self.path, message)

    def _child(self, key: str | int, line: int, column: int) -> Node:
        path = (
            f"{self.path}[{key}]"
            if isinstance(key, int)
            else (f"{self.path}.{key}" if self.path else key)
        )
        value = self.value[key]
        return Node(value, line, column, path, self.problems)

    def mapping(
        self, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()
    ) -> dict[str, Node] | None:
        """The children of a mapping; unknown and missing keys are problems."""
        if not isinstance(self.value, YamlMapping):
            self.error(f"expected a mapping, got {describe(self.value)}")
            return None
        allowed = required + optional
        children: dict[str, Node] = {}
        for key in self.value:
            key_line, key_column = self.value.key_at[key]
            if key not in allowed:
                where = f"{self.path}.{key}" if self.path else str(key)
                self.problems.add(
                    key_line,
                    key_column,
                    where,
                    f"unknown key (expected one of: {', '.join(allowed)})",
                )
                continue
            # an empty value has no position of its own: point at its key
            line, column = (
                (key_line, key_column) if self.value[key] is None else self.value.value_at[key]
            )
            children[key] = self._child(key, line, column)
        for key in required:
            if key not in self.value:
                where = f"{self.path}.{key}" if self.path else key
                self.problems.add(self.line, self.column, where, "missing (required)")
        return children

    def items(self) -> list[Node] | None:
        if not isinstance(self.value, YamlSequence):
            self.error(f"expected a list, got {describe(self.value)}")
            return None
        return [self._child(index, *at) for index, at in enumerate(self.value.at)]

    def text(self) -> str | None:
        """One line of text: a control character (CR and LF included, which would break the
        mail headers a name or an address ends up in) is a problem."""
        if isinstance(self.value, str) and self.value.strip():
            value = str(self.value).strip()
            try:
                return check(value, "text")
            except UnsafeText as unsafe:
                self.error(str(unsafe).removeprefix("text: "))
                return None
        self.error(f"expected text, got {describe(self.value)}")
        return None

    def ident(self) -> str | None:
        value = self.text()
        if value is not None and not IDENT.match(value):
            self.error(f"{value!r} is not a valid id (letters, digits, '-', '_', '.')")
            return None
        return value

    def integer(self, minimum: int, maximum: int) -> int | None:
        """A whole number in [minimum, maximum]: every count the roster gives has a sane
        bound, so a typo of nine digits is refused here rather than overflow a date later."""
        if (
            isinstance(self.value, int)
            and not isinstance(self.value, bool)
            and minimum <= self.value <= maximum
        ):
            return int(self.value)
        self.error(
            f"expected a whole number from {minimum} to {maximum}, got {describe(self.value)}"
        )
        return None

    def boolean(self) -> bool | None:
        if isinstance(self.value, bool):
            return self.value
        self.error(f"expected true or false, got {describe(self.value)}")
        return None

    def choice(self, enum: type[E]) -> E | None:
        try:
            return enum(self.value)
        except (ValueError, TypeError):
            self.error(f"{describe(self.value)} is not one of: {', '.join(e.value for e in enum)}")
            return None

    def duration(self) -> timedelta | None:
        """A duration such as `15m`, `4h`, `1h30m` or `7d`."""
        match = DURATION.match(str(self.value).strip()) if isinstance(self.value, str) else None
        if not match or not any(match.groups()):
            self.error(f"{describe(self.value)} is not a duration such as 15m, 4h, 1h30m or 7d")
            return None
        days, hours, minutes = (int(g or 0) for g in match.groups())
        try:
            length = timedelta(days=days, hours=hours, minutes=minutes)
        except OverflowError:
            length = LONGEST_DURATION * 2
        if length > LONGEST_DURATION:
            self.error(f"{describe(self.value)} is longer than {LONGEST_DURATION.days} days")
            return None
        return length

    def day(self) -> date | None:
        try:
            return date.fromisoformat(str(self.value))
        except ValueError:
            self.error(f"{describe(self.value)} is not a date (YYYY-MM-DD)")
            return None

    def clock(self) -> time | None:
        match = CLOCK.match(self.value) if isinstance(self.value, str) else None
        if not match:
            self.error(f"{describe(self.value)} is not a time of day (HH:MM, 24-hour)")
            return None
        return time(int(match[1]), int(match[2]))

    def instant(self) -> datetime | None:
        """An ISO 8601 date and time with its UTC offset, e.g. 2026-12-24T20:00+08:00."""
        try:
            value = datetime.fromisoformat(str(self.value))
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            self.error(
                f"{describe(self.value)} is not a date and time with a UTC offset (2026-12-24T20:00+08:00)"
            )
            return None
        return value
