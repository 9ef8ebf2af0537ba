"""History: closed requests, found in the archive months by id, customer, phone or text.

A closed request leaves the live partition for the archive month its id names, so the board
and its search no longer see it. A search reads the archive months newest first and stops at
`LIMIT` matches, so a recent request is found after one month is read; each month is read
only when a search first needs it (or when the desk warms the index in a worker after
launch), and kept (its documents and the text searched, not its timelines) until its files
change, so the next search over it reads nothing. Nothing is read when the history screen
opens.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dispatcher.domain.requests import ServiceRequest
from dispatcher.store import Store
from dispatcher.store.requests import REQUESTS

LIMIT = 200  # matches shown; a search that finds more says so
_NOT_DIGITS = re.compile(r"\D")
Entry = tuple[str, str, dict[str, Any]]  # (text searched, reporter's phone digits, document)


@dataclass(frozen=True)
class Found:
    requests: tuple[ServiceRequest, ...]
    more: bool  # more matched than LIMIT


def _texts(raw: dict[str, Any]) -> str:
    customer = raw.get("customer") or {}
    reporter = raw.get("reporter") or {}
    return " ".join(
        str(part)
        for part in (
            raw.get("id", ""),
            customer.get("name", ""),
            reporter.get("name", ""),
            reporter.get("phone", ""),
            reporter.get("email", ""),
            raw.get("site", ""),
            raw.get("product", ""),
            raw.get("summary", ""),
            raw.get("description", ""),
        )
    ).casefold()


def _phone_digits(raw: dict[str, Any]) -> str:
    return _NOT_DIGITS.sub("", str((raw.get("reporter") or {}).get("phone", "")))


class HistoryIndex:
    """The closed requests of each archive month, read when a search first needs the month
    and read again once the month's files change (another request closed into it)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # month -> (its files' sizes and times, entries newest first)
        self._months: dict[str, tuple[tuple, list[Entry]]] = {}
        self._reading = threading.Lock()  # one thread reads (and closes) an archive month

    def warm(self) -> None:
        """Read every month not read yet (the desk does this in a worker after launch, so
        its first search reads nothing)."""
        for period in self.months():
            self._month(period)

    def months(self) -> list[str]:
        """The archive months, newest first."""
        return list(reversed(self.store.archive_periods()))

    def _month(self, period: str) -> list[Entry]:
        with self._reading:
            return self._read_month(period)

    def _read_month(self, period: str) -> list[Entry]:
        folder = Path(self.store.data_dir) / "archive" / period
        with os.scandir(folder) as found:
            signature = tuple(
                sorted((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in found)
            )
        known = self._months.get(period)
        if known is not None and known[0] == signature:
            return known[1]
        entries = [
            (_texts(raw), _phone_digits(raw), raw)
            for raw in self.store.archive(period).table(REQUESTS).all()
            if not raw.get("drill")
        ]
        self.store.close_archive(period)  # its timelines are not kept in memory
        entries.sort(key=lambda entry: (entry[2]["received"], entry[2]["id"]), reverse=True)
        self._months[period] = (signature, entries)
        return entries

    def search(self, query: str) -> Found:
        """Closed, non-drill requests matching `query`, newest first, at most LIMIT: every word
        of the query in the id, customer, reporter, site, product, summary or description; a
        phone number whatever its spacing. Months are read newest first until LIMIT match."""
        words = query.casefold().split()
        if not words:
            return Found((), False)
        digits = _NOT_DIGITS.sub("", query)
        phone = len(digits) >= 4 and len(digits) >= len(query.replace(" ", "")) - 2
        found: list[ServiceRequest] = []
        for period in self.months():
            for text, phone_digits, raw in self._month(period):
                if (phone and digits in phone_digits) or all(word in text for word in words):
                    if len(found) == LIMIT:
                        return Found(tuple(found), True)
                    found.append(ServiceRequest.from_dict(raw))
        return Found(tuple(found), False)


def search_history(store: Store, query: str) -> Found:
    """One search, reading the months it needs (the desk keeps its `HistoryIndex`)."""
    return HistoryIndex(store).search(query)
