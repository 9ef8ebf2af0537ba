"""Bulk reads for the reports: requests received in a time range, with their timelines.

`RequestRepository.matching` reads every archive month from `since` on, and `timeline` finds each
request on its own; over a year of records a monthly report would open months it does not need
and copy every event of every request. Here each partition is read once: the live one, and
only the archive months whose ids can name a request received in the range (ids carry the
local date of receipt, so the months are those of the range's local dates); and only the
events of the kinds a report measures are read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tinydb import TinyDB

from dispatcher.domain.localtime import local, local_day
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.timeline import Event
from dispatcher.store import Store
from dispatcher.store.request_layout import EVENTS, REQUESTS
from dispatcher.store.requests import RequestRepository
from dispatcher.store.zone import csc_zone

History = list[tuple[ServiceRequest, list[Event]]]


def _months(start: datetime, end: datetime, zone: ZoneInfo) -> list[str]:
    first: date = local_day(start, zone).replace(day=1)
    last: date = local_day(end - timedelta(microseconds=1), zone)
    months = []
    while first <= last:
        months.append(f"{first:%Y-%m}")
        first = (first + timedelta(days=32)).replace(day=1)
    return months


def _with_timelines(db: TinyDB, requests: list[ServiceRequest], kinds: frozenset[str]) -> History:
    """The requests with their events of `kinds`, in timeline order: one pass over the
    partition's events, copying only the wanted ones."""
    wanted = {sr.id for sr in requests}
    by_sr: dict[str, list[Event]] = {sr_id: [] for sr_id in wanted}
    for doc in db.table(EVENTS).search(lambda doc: doc["kind"] in kinds and doc["sr"] in wanted):
        by_sr[doc["sr"]].append(Event.from_dict(doc))
    return [(sr, sorted(by_sr[sr.id], key=lambda e: e.seq)) for sr in requests]


def received_between(
    store: Store,
    start: datetime,
    end: datetime,
    kinds: frozenset[str],
    zone: ZoneInfo | None,
    holds: Callable[[str], bool] | None = None,
) -> tuple[History, History]:
    """Real (non-drill) requests received in [start, end), and older ones still open with a
    Red Flag (the only older ones a report counts), each with the events of its timeline
    whose kind is in `kinds`, oldest first. `zone` is the roster's CSC zone (None: the
    store's recorded one); the months read are those of the range's dates in the zone the
    store's ids are numbered in (`dispatcher.store.zone`), but a month for which `holds`
    (given the month, "2026-11") says False: a caller that knows the month holds no closed
    request received in the range (the desk's history index) spares reading it.

    The bounds are compared in UTC, as the clocks record times: two times of one zone compare
    without asking the zone for offsets, a third less time for a pass over 10,000 requests.
    Raises ValueError for a bound without a UTC offset."""
    start, end = local(start, UTC), local(end, UTC)
    RequestRepository(store).sweep()  # closed requests a crash left in live move first
    live_received, flagged_before = _live(store, start, end)
    both = _with_timelines(store.live, live_received + flagged_before, kinds)  # one pass
    received, older_open = both[: len(live_received)], both[len(live_received) :]
    periods = set(store.archive_periods())
    for month in _months(start, end, csc_zone(store, zone)):
        if month not in periods or (holds is not None and not holds(month)):
            continue
        db = store.archive(month)
        closed = _received(db, start, end)
        received += _with_timelines(db, closed, kinds)
        store.close_archive(month)  # a desk that made a report must not keep a month in memory
    received.sort(key=lambda pair: (pair[0].received, pair[0].id))
    return received, older_open


def _received(db: TinyDB, start: datetime, end: datetime) -> list[ServiceRequest]:
    """A partition's real requests received in [start, end), oldest first: only those
    documents are built (building all of 10,000 open requests costs about a second)."""

    def wanted(value: Mapping[Any, Any]) -> bool:  # a TinyDB query (`QueryLike`)
        return not value.get("drill") and start <= datetime.fromisoformat(value["received"]) < end

    found = [ServiceRequest.from_dict(raw) for raw in db.table(REQUESTS).search(wanted)]
    return sorted(found, key=lambda sr: (sr.received, sr.id))


def _live(store: Store, start: datetime, end: datetime) -> tuple[list[ServiceRequest], ...]:
    """The live partition's real requests received in [start, end), and those received before
    `start` that have a Red Flag (of the older open ones, only their Red Flags count in a
    report), each oldest first: one pass over the partition for both."""

    def wanted(value: Mapping[Any, Any]) -> bool:  # a TinyDB query (`QueryLike`)
        if value.get("drill"):
            return False
        received = datetime.fromisoformat(value["received"])
        return received < end if value.get("red_flag") else start <= received < end

    found = [ServiceRequest.from_dict(raw) for raw in store.live.table(REQUESTS).search(wanted)]
    found.sort(key=lambda sr: (sr.received, sr.id))
    return [sr for sr in found if sr.received >= start], [sr for sr in found if sr.received < start]
