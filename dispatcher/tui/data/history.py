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

import threading
from dataclasses import dataclass
from datetime import datetime

from dispatcher.domain.requests import ServiceRequest
from dispatcher.store import Store
from dispatcher.store.closed import ClosedRequest, closed_in, digits, month_signature

LIMIT = 200  # matches shown; a search that finds more says so


@dataclass(frozen=True)
class Found:
    requests: tuple[ServiceRequest, ...]
    more: bool  # more matched than LIMIT


class HistoryIndex:
    """The closed requests of each archive month, read when a search first needs the month
    and read again once the month's files change (another request closed into it)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # month -> (its files' signature, its closed requests newest first)
        self._months: dict[str, tuple[tuple, list[ClosedRequest]]] = {}
        self._reading = threading.Lock()  # one thread reads (and closes) an archive month

    def warm(self) -> None:
        """Read every month not read yet (the desk does this in a worker after launch, so
        its first search reads nothing)."""
        for period in self.months():
            self._month(period)

    def months(self) -> list[str]:
        """The archive months, newest first."""
        return list(reversed(self.store.archive_periods()))

    def _month(self, period: str) -> list[ClosedRequest]:
        with self._reading:
            return self._read_month(period)

    def _read_month(self, period: str) -> list[ClosedRequest]:
        signature = month_signature(self.store, period)
        known = self._months.get(period)
        if known is not None and known[0] == signature:
            return known[1]
        entries = closed_in(self.store, period)
        self._months[period] = (signature, entries)
        return entries

    def holds_received(self, period: str, start: datetime, end: datetime) -> bool:
        """Whether archive month `period` may hold a closed, non-drill request received in
        [start, end): False only when the month, as read and unchanged since, holds none (so
        a report need not read it); True when it does or has not been read."""
        known = self._months.get(period)
        if known is None or known[0] != month_signature(self.store, period):
            return True
        return any(start <= datetime.fromisoformat(c.received) < end for c in known[1])

    def search(self, query: str) -> Found:
        """Closed, non-drill requests matching `query`, newest first, at most LIMIT: every word
        of the query in the id, customer, reporter, site, product, summary or description; a
        phone number whatever its spacing. Months are read newest first until LIMIT match."""
        words = query.casefold().split()
        if not words:
            return Found((), False)
        wanted = digits(query)
        phone = len(wanted) >= 4 and len(wanted) >= len(query.replace(" ", "")) - 2
        found: list[ServiceRequest] = []
        for period in self.months():
            for entry in self._month(period):
                if (phone and wanted in entry.phone_digits) or all(w in entry.words for w in words):
                    if len(found) == LIMIT:
                        return Found(tuple(found), True)
                    found.append(entry.request())
        return Found(tuple(found), False)


def search_history(store: Store, query: str) -> Found:
    """One search, reading the months it needs (the desk keeps its `HistoryIndex`)."""
    return HistoryIndex(store).search(query)
