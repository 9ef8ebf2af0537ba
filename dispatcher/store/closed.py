"""Closed requests of the archive months, read cheaply for a search by the desk's history.

A month is read at once and dropped from memory (timelines and all); of each closed request
only its id, when it was received, the words a search looks in and the reporter's phone
digits are kept, with its document, so that a `ServiceRequest` is built only for a match.
`month_signature` tells a reader that kept a month whether it must read it again.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dispatcher.domain.requests import ServiceRequest
from dispatcher.store import Store
from dispatcher.store.request_layout import REQUESTS

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
    _document: dict[str, Any] = field(repr=False, compare=False)

    def request(self) -> ServiceRequest:
        return ServiceRequest.from_dict(self._document)


def _closed(raw: dict[str, Any]) -> ClosedRequest:
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


def month_signature(store: Store, period: str) -> tuple[tuple[str, int, int], ...]:
    """The names, sizes and modification times of an archive month's files: it changes when
    anything is written to the month (another request closed into it)."""
    folder = Path(store.data_dir) / "archive" / period
    with os.scandir(folder) as found:
        return tuple(sorted((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in found))


def closed_in(store: Store, period: str) -> list[ClosedRequest]:
    """The closed real (non-drill) requests of one archive month, newest first; the month is
    dropped from memory once read (its timelines are not kept)."""
    month = [
        _closed(raw) for raw in store.archive(period).table(REQUESTS).all() if not raw.get("drill")
    ]
    store.close_archive(period)
    month.sort(key=lambda closed: (closed.received, closed.id), reverse=True)
    return month
