"""Where a service request's documents are in the store: its tables, its document ids, its
archive month and the counter that numbers it.

Open SRs live in the live partition; a closed SR moves, with its whole timeline, to the archive
partition of the month its id names (SR-20261124-… → "2026-11"). Document ids are derived from
the readable ids, so an SR is found in O(1) in exactly one place, and its events are the doc
ids just after it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from dispatcher.domain.request_ids import SR_ID, doc_id, id_day
from dispatcher.domain.requests import ServiceRequest
from dispatcher.errors import StoreError

if TYPE_CHECKING:
    from tinydb.table import Table

    from dispatcher.store import Store

REQUESTS = "requests"
EVENTS = "events"
EVENT_ID_FACTOR = 1_000_000  # event doc id = SR doc id * factor + seq
# In live, one small document per archived SR changed lately (closed, or changed once closed):
# its month and when, so "changed since" opens only the months that hold such SRs.
ARCHIVE_CHANGES = "archive_changes"
ARCHIVE_CHANGES_KEPT = timedelta(days=62)


def event_doc_id(sr_id: str, seq: int) -> int:
    return doc_id(sr_id) * EVENT_ID_FACTOR + seq


def day_key(day: date) -> str:
    """The name of the counter that numbers the SRs of one day."""
    return f"sr:{day:%Y%m%d}"


def at_of(doc: dict) -> datetime:
    """The time of a stored event or archive-change note."""
    return datetime.fromisoformat(doc["at"])


def period_of(sr_id: str) -> str:
    """The archive month ("2026-11") of the SR with this id."""
    return f"{id_day(sr_id):%Y-%m}"


def archived_table(store: Store, sr_id: str, name: str) -> Table | None:
    """A table of the archive month an SR's id names, if that month has an archive."""
    match = SR_ID.match(sr_id)
    if match is None:  # an audit's id, say: never archived
        return None
    period = f"{match.group(1)[:4]}-{match.group(1)[4:6]}"
    if period not in store.archive_periods():
        return None
    return store.archive(period).table(name)


def request_problem(raw: dict) -> str | None:
    """Why a stored request is not one this version writes (`field: reason`, as the import
    format's check words it: types, values, lengths), or None: a record changed by hand
    behind a good checksum. `store check` names it, `store repair` sets it aside."""
    from dispatcher.store.import_schema import check_record  # not on the reading path

    problems = check_record({k: v for k, v in raw.items() if k != "event_count"})[1]
    return problems[0] if problems else None


def request_from(raw: dict, where: str) -> ServiceRequest:
    """The stored request `raw` of partition `where`; a StoreError naming the partition, the
    request and the field when it cannot be built (`request_problem`), not a crash. (Reads
    do not verify every field's type, which costs too much on every read: `store check`
    does.)"""

    try:
        return ServiceRequest.from_dict(raw)
    except (KeyError, TypeError, ValueError, AttributeError):
        name = raw.get("id") if isinstance(raw.get("id"), str) else "a request"
        problem = request_problem(raw) or "(record): cannot be read"
        raise StoreError(f"{where}: {name}: {problem}; run `dispatcher store check`") from None
