"""History: closed requests, found in the archive months by id, customer, phone or text.

A closed request leaves the live partition for the archive month its id names, so the board
and its search no longer see it. `HistoryIndex.load` reads every archive month once, newest
first, keeping of each closed request only its document and the text searched (each month is
dropped from memory once read, timelines and all); a search is then a scan of those texts,
and a request is built only when it matches. The history screen loads its index when it
opens, so a request closed after that shows when the screen is opened again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dispatcher.domain.requests import ServiceRequest
from dispatcher.store import Store
from dispatcher.store.requests import REQUESTS

LIMIT = 200  # matches shown; a search that finds more says so
_NOT_DIGITS = re.compile(r"\D")


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
    """The closed requests of every archive month, newest first, ready to search."""

    def __init__(self, entries: list[tuple[str, str, dict[str, Any]]]) -> None:
        self.entries = entries  # (text searched, reporter's phone digits, document)

    @classmethod
    def load(cls, store: Store) -> HistoryIndex:
        entries: list[tuple[str, str, dict[str, Any]]] = []
        for period in reversed(store.archive_periods()):
            month = [
                (_texts(raw), _phone_digits(raw), raw)
                for raw in store.archive(period).table(REQUESTS).all()
                if not raw.get("drill")
            ]
            store.close_archive(period)  # its timelines are not kept in memory
            month.sort(key=lambda entry: (entry[2]["received"], entry[2]["id"]), reverse=True)
            entries += month
        return cls(entries)

    def search(self, query: str) -> Found:
        """Closed, non-drill requests matching `query`, newest first, at most LIMIT: every word
        of the query in the id, customer, reporter, site, product, summary or description; a
        phone number whatever its spacing."""
        words = query.casefold().split()
        if not words:
            return Found((), False)
        digits = _NOT_DIGITS.sub("", query)
        phone = len(digits) >= 4 and len(digits) >= len(query.replace(" ", "")) - 2
        found: list[ServiceRequest] = []
        for text, phone_digits, raw in self.entries:
            if (phone and digits in phone_digits) or all(word in text for word in words):
                if len(found) == LIMIT:
                    return Found(tuple(found), True)
                found.append(ServiceRequest.from_dict(raw))
        return Found(tuple(found), False)


def search_history(store: Store, query: str) -> Found:
    """One search, reading the archive for it (the history screen keeps its index)."""
    return HistoryIndex.load(store).search(query)
