"""Closed requests of the archive months, read cheaply for a search by the desk's history.

Each month is read once and dropped from memory (timelines and all); of each closed request
only its id, when it was received, the words a search looks in and the reporter's phone
digits are kept, with its document, so that a `ServiceRequest` is built only for a match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from dispatcher.domain.requests import ServiceRequest
from dispatcher.store import Store
from dispatcher.store.requests import REQUESTS

_NOT_DIGITS = re.compile(r"\D")


def digits(text: str) -> str:
    """Only the digits of `text`: a phone number whatever its spacing."""
    return _NOT_DIGITS.sub("", text)


@dataclass(frozen=True)
class ClosedRequest:
    id: str
    received: str  # ISO 8601, as stored: sorts as the time does within one zone
    words: str  # id, customer, reporter (name, phone, mail), site, product, summary,
    # description: casefolded, space-separated
    phone_digits: str  # the reporter's phone, digits only
    _document: Mapping[str, Any] = field(repr=False, compare=False)

    def request(self) -> ServiceRequest:
        return ServiceRequest.from_dict(self._document)


def _closed(raw: Mapping[str, Any]) -> ClosedRequest:
    customer = raw.get("customer") or {}
    reporter = raw.get("reporter") or {}
    words = " ".join(
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
    phone = digits(str(reporter.get("phone", "")))
    return ClosedRequest(raw["id"], raw["received"], words, phone, raw)


def closed_by_month(store: Store) -> Iterator[list[ClosedRequest]]:
    """The closed real (non-drill) requests of each archive month, newest month first, each
    month newest first; a month is dropped from memory once read."""
    for period in reversed(store.archive_periods()):
        month = [
            _closed(raw)
            for raw in store.archive(period).table(REQUESTS).all()
            if not raw.get("drill")
        ]
        store.close_archive(period)  # its timelines are not kept in memory
        month.sort(key=lambda closed: (closed.received, closed.id), reverse=True)
        yield month
