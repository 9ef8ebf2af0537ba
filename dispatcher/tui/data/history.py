"""History: closed requests, found in the archive months by id, customer, phone or text.

A closed request leaves the live partition for the archive month its id names, so the board
and its search no longer see it. `HistoryIndex.load` reads every archive month once, newest
first (`store.closed.closed_by_month`: of each closed request only the words searched and its
document are kept); a search is then a scan of those words, and a request is built only when
it matches. The history screen loads its index when it opens, so a request closed after that
shows when the screen is opened again.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.domain.requests import ServiceRequest
from dispatcher.store import Store
from dispatcher.store.closed import ClosedRequest, closed_by_month, digits

LIMIT = 200  # matches shown; a search that finds more says so


@dataclass(frozen=True)
class Found:
    requests: tuple[ServiceRequest, ...]
    more: bool  # more matched than LIMIT


class HistoryIndex:
    """The closed requests of every archive month, newest first, ready to search."""

    def __init__(self, entries: list[ClosedRequest]) -> None:
        self.entries = entries

    @classmethod
    def load(cls, store: Store) -> HistoryIndex:
        return cls([closed for month in closed_by_month(store) for closed in month])

    def search(self, query: str) -> Found:
        """Closed, non-drill requests matching `query`, newest first, at most LIMIT: every word
        of the query in the id, customer, reporter, site, product, summary or description; a
        phone number whatever its spacing."""
        words = query.casefold().split()
        if not words:
            return Found((), False)
        wanted = digits(query)
        phone = len(wanted) >= 4 and len(wanted) >= len(query.replace(" ", "")) - 2
        found: list[ServiceRequest] = []
        for entry in self.entries:
            if (phone and wanted in entry.phone_digits) or all(w in entry.words for w in words):
                if len(found) == LIMIT:
                    return Found(tuple(found), True)
                found.append(entry.request())
        return Found(tuple(found), False)


def search_history(store: Store, query: str) -> Found:
    """One search, reading the archive for it (the history screen keeps its index)."""
    return HistoryIndex.load(store).search(query)
