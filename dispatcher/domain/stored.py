"""Enumerations read back from records: a record keeps each member's value (a `StrEnum`
member is its value, so a document holds the very string it held before the enumeration).

A record written by a newer version, or imported, may hold a value this version does not
know: it is kept as its string, never replaced, so the record is written back as it was read.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


def member(kind: type[E], value: str) -> E:
    """`kind(value)` (ValueError for a value it has no member of), found by a lookup: calling
    the enumeration costs ten times as much, which a desk reading 10,000 requests of five
    enumerated fields each feels at launch."""
    found = kind._value2member_map_.get(value)
    return kind(value) if found is None else found  # type: ignore[return-value]


def member_or_value(kind: type[E], value: str) -> E | str:
    """`kind(value)`, or `value` itself when `kind` has no member of that value."""
    return kind._value2member_map_.get(value, value)  # type: ignore[return-value]
