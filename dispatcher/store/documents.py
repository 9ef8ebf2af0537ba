"""The shape of the documents the store itself reads, verified as they come from disk.

A line whose checksum holds may still hold a document the store cannot use: a counter whose
value is "abc", null, -3 or past the last number an id of its day can hold (`LAST`: 99999999
for `sr:20261201` numbers no SR-20261201-…), a request whose `event_count` is text. A counter of the wrong
shape is damage like a bad checksum (`damage.py`), found as the partition is read: the commit
that holds it is not applied, reads go on without it, the place is named with its file, line
and field, writes are refused until `dispatcher store repair` copies what is sound and
rebuilds the counters from the ids present. A request or event of the wrong shape (the fields
the store reads for itself: a request's id, status, received time and event count; an event's
request, position and time) is named by `store check` and kept out of the copy by `store
repair`, its id named lost.

`problem(table, doc_id, doc)` gives "<record>: <field>: must be …, not <value>", or None.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from dispatcher.domain import planned, request_ids

SEQUENCES_TABLE = "_sequences"
# In the counters partition: per day counter, the ids up to `through` that `store repair`
# found handed out but held by no partition, and reported lost (`sequences.issued_unheld`).
LOST_TABLE = "_lost"

# The last number of a day each kind of day counter hands out (SR-…-9999, PS-…-99): a
# counter (or a `_lost` mark) of such a key past it numbers no id that can be written, so it
# is damage like a negative one. Other counters (audits, overrides) have no end.
LAST = {"sr": request_ids.LAST_NUMBER, "ps": planned.LAST_NUMBER}
_NUMBERS = frozenset({"value", "through"})  # the fields of a counter that number a day's ids

# (field, check, what it must be) for each table whose documents the store reads itself
_Check = Callable[[Any], bool]


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _text(value: Any) -> bool:
    return type(value) is str and value != ""


_FIELDS: dict[str, tuple[tuple[str, _Check, str], ...]] = {
    SEQUENCES_TABLE: (
        ("key", _text, "non-empty text"),
        ("value", _count, "a whole number from 0"),
    ),
    LOST_TABLE: (
        ("key", _text, "non-empty text"),
        ("through", _count, "a whole number from 0"),
    ),
    "requests": (
        ("id", _text, "non-empty text"),
        ("status", _text, "non-empty text"),
        ("received", _text, "non-empty text"),
        ("event_count", _count, "a whole number from 0"),
    ),
    "events": (
        ("sr", _text, "non-empty text"),
        ("seq", _count, "a whole number from 0"),
        ("at", _text, "non-empty text"),
    ),
}


class BadDocument(ValueError):
    """A document of the wrong shape in a commit or a snapshot (its message says which)."""

    def __init__(self, message: str, table: str, doc_id: int) -> None:
        super().__init__(message)
        self.table, self.doc_id = table, doc_id


# Verified as every partition is read (the store's own table): a counter of the wrong shape
# never reaches memory. The request tables' documents are the repositories' (their tables are
# TinyDB's, any shape to the store): `store check` and `store repair` verify those.
ON_LOAD = frozenset({SEQUENCES_TABLE, LOST_TABLE})


def verified(table: str) -> bool:
    """Whether the documents of `table` are verified as a partition is read."""
    return table in ON_LOAD


def problem(table: str, doc_id: int, doc: Any) -> str | None:
    """What is wrong with one document of `table` (None: nothing, or a table not verified)."""
    fields = _FIELDS.get(table)
    if fields is None:
        return None
    record = _record(table, doc_id, doc)
    if type(doc) is not dict:
        return f"{record}: must be an object, not {_shown(doc)}"
    last = last_number(doc.get("key")) if table in ON_LOAD else None
    for name, check, what in fields:
        value: Any = doc.get(name)
        if name in _NUMBERS and last is not None:
            if not check(value) or value > last:
                return f"{record}: {name}: must be {what} to {last}, not {_shown(value)}"
        elif not check(value):
            return f"{record}: {name}: must be {what}, not {_shown(value)}"
    return None


def last_number(key: Any) -> int | None:
    """The last number a day counter `key` ("sr:20261201", "ps:20261201") may reach (`LAST`),
    None for a counter without an end ("override", "audit:20261201") or a key that is not text."""
    if type(key) is not str:
        return None
    return LAST.get(key.partition(":")[0]) if ":" in key else None


def check_documents(table: str, documents: dict[Any, Any]) -> None:
    """BadDocument for the first document of `documents` ({doc id: document}) that is not of
    its table's shape."""
    for key, doc in documents.items():
        found = problem(table, int(key), doc)
        if found:
            raise BadDocument(found, table, int(key))


def drop_bad(tables: dict[str, dict[int, Any]]) -> list[tuple[str, int, str]]:
    """Take every document of the wrong shape out of the tables verified on load (`ON_LOAD`)
    of `tables` (a snapshot read from disk); returns (table, doc id, problem) for each."""
    dropped = []
    for table in ON_LOAD:
        documents = tables.get(table, {})
        for key in list(documents):
            found = problem(table, key, documents[key])
            if found:
                dropped.append((table, key, found))
                del documents[key]
    return dropped


def _record(table: str, doc_id: int, doc: Any) -> str:
    if table == SEQUENCES_TABLE and type(doc) is dict and _text(doc.get("key")):
        return f"counter {_shown(doc['key'])}"
    return f"{table} document {doc_id}"


def _shown(value: Any) -> str:
    """A value from disk as JSON writes it (quotes, escapes: no byte reaches a terminal raw),
    cut to 40 characters."""
    if value is None:
        return "null"
    try:
        shown = json.dumps(value)
    except (TypeError, ValueError):
        shown = type(value).__name__
    return shown if len(shown) <= 40 else shown[:39] + "…"
