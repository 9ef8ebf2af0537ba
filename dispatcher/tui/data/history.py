"""History: closed requests, found in the archive months by id, customer, phone or text.

A closed request leaves the live partition for the archive month its id names, so the board
and its search no longer see it. Here every archive month is scanned, newest first, on the raw
documents (a request is built only when it matches); each month is dropped from memory after
its scan unless `keep` holds it, so a year of history costs one month's memory at a time.
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


def matcher(query: str):
    """A test on a raw request document: every word of the query in its id, customer, reporter,
    site, product, summary or description; a phone number matches whatever its spacing."""
    words = query.casefold().split()
    digits = _NOT_DIGITS.sub("", query)
    phone = len(digits) >= 4 and len(digits) >= len(query.replace(" ", "")) - 2

    def matches(raw: dict[str, Any]) -> bool:
        if phone:
            reporter = raw.get("reporter") or {}
            if digits in _NOT_DIGITS.sub("", str(reporter.get("phone", ""))):
                return True
        text = _texts(raw)
        return all(word in text for word in words)

    return matches


def search_history(store: Store, query: str, keep: bool = False) -> Found:
    """Closed, non-drill requests matching `query`, newest first, at most LIMIT."""
    if not query.strip():
        return Found((), False)
    matches = matcher(query)
    found: list[ServiceRequest] = []
    more = False
    for period in reversed(store.archive_periods()):
        db = store.archive(period)
        hits = [raw for raw in db.table(REQUESTS).all() if not raw.get("drill") and matches(raw)]
        if not keep:
            store.close_archive(period)
        hits.sort(key=lambda raw: (raw["received"], raw["id"]), reverse=True)
        for raw in hits:
            if len(found) == LIMIT:
                more = True
                break
            found.append(ServiceRequest.from_dict(raw))
        if more:
            break
    return Found(tuple(found), more)
