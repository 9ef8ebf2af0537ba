"""Service request ids: the readable `SR-YYYYMMDD-NNNN` and the store's document id.

An id names the CSC's local day the request was received on (`dispatcher.domain.localtime`)
and its number within that day, from 1. The document id derives from it, so a request is
found by id without an index.
"""

from __future__ import annotations

import re
from datetime import date

from dispatcher.errors import DispatcherError

SR_ID = re.compile(r"^SR-(\d{8})-(\d{4,})$")
ID_DAY_FACTOR = 100_000  # doc id = YYYYMMDD * factor + number of the day
# The last number of a day the desk hands out: an id is read out as SR-YYYYMMDD-NNNN, four
# digits (README, "Service requests"). Ids up to ID_DAY_FACTOR - 1 are still read (an older import
# could bring them in); none past LAST_NUMBER is handed out or imported.
LAST_NUMBER = 9_999


def format_id(day: date, number: int) -> str:
    """An id a person can read out on the phone: SR-20261124-0042 (`number` 1..LAST_NUMBER)."""
    return f"SR-{day:%Y%m%d}-{number:04d}"


def parse_id(sr_id: str) -> tuple[date, int]:
    """The day and number of an id typed in any case, with spaces around it;
    `DispatcherError` naming the id when it is not one, or names no real date."""
    match = SR_ID.match(sr_id.strip().upper())
    if not match:
        raise DispatcherError(f"'{sr_id}' is not a request id like SR-20261124-0042")
    try:
        digits = match.group(1)
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise DispatcherError(f"'{sr_id}' does not name a real date") from None
    number = int(match.group(2))
    if not 0 < number < ID_DAY_FACTOR:
        raise DispatcherError(f"'{sr_id}' has a number out of range")
    return day, number


def id_day(sr_id: str) -> date:
    return parse_id(sr_id)[0]


def doc_id(sr_id: str) -> int:
    """The SR's document id in the store, derived from its readable id."""
    day, number = parse_id(sr_id)
    return (day.year * 10_000 + day.month * 100 + day.day) * ID_DAY_FACTOR + number
