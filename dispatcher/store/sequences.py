"""The day counters that number requests (`sr:YYYYMMDD`) and planned services (`ps:…`),
recovered from the ids present when they are lost or behind.

Both kinds of id give their document id as YYYYMMDD x their kind's ID_DAY_FACTOR + the number
of the day, so the highest number of each day can be read off the doc ids alone. A counter below it would
hand out an id that exists: `dispatcher store check` reports that, `dispatcher store repair`
raises it, and a store whose `counters/` partition is gone gets every counter back, from the
ids present, before the next id is handed out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from dispatcher.domain import planned, request_ids
from dispatcher.store import Store
from dispatcher.store.damage import DuplicateId

T = TypeVar("T")

# The numbered tables: (counter prefix, table), and whether archives hold the table too.
NUMBERED = (("sr", "requests", True), ("ps", "planned", False))
# How each kind's doc id holds its day: SR-20261124-0042 is 20261124 x 100,000 + 42,
# PS-20261125-01 is 20261125 x 1,000 + 1.
DAY_FACTOR = {"sr": request_ids.ID_DAY_FACTOR, "ps": planned.ID_DAY_FACTOR}


def key_of(prefix: str, doc_id: int) -> tuple[str, int]:
    """The counter key and the number of the day a numbered document's doc id encodes."""
    factor = DAY_FACTOR[prefix]
    return f"{prefix}:{doc_id // factor}", doc_id % factor


def numbered_ids(
    tables: Mapping[str, Mapping[int, object]], archive: bool
) -> Iterator[tuple[str, int]]:
    """(counter key, number) of every numbered document in one partition's tables."""
    for prefix, table, in_archives in NUMBERED:
        if in_archives or not archive:
            for doc_id in tables.get(table, {}):
                yield key_of(prefix, doc_id)


def highest_present(store: Store) -> dict[str, int]:
    """The highest number of each counter key among the documents of every partition."""
    highest: dict[str, int] = {}
    for period in [None, *store.archive_periods()]:
        archive = period is not None
        db = store.live if period is None else store.archive(period)
        tables = {name: {d.doc_id: d for d in db.table(name).all()} for _, name, _ in NUMBERED}
        for key, number in numbered_ids(tables, archive):
            highest[key] = max(highest.get(key, 0), number)
        if period is not None:
            store.close_archive(period)
    return highest


def ensure_counters(store: Store) -> None:
    """Before an id is handed out: if the counters partition holds nothing while the store
    holds records (it was lost), raise every counter past the ids present, in one commit."""
    if store.holds_data("counters") or not (store.holds_data("live") or store.archive_periods()):
        return
    recover_counters(store)


def recover_counters(store: Store) -> None:
    """Raise every counter past the highest id present, in one commit: for counters lost, or
    found behind when an id they handed out already exists (`DuplicateId`)."""
    highest = highest_present(store)
    with store.atomic(store.counters):
        for key, number in highest.items():
            store.raise_sequence(key, number, db=store.counters)


def numbered(store: Store, allocate: Callable[[], T]) -> T:
    """`allocate()` (take a number, save the document under it), once more after recovering
    the counters if the number was taken already: the counters were behind the ids present
    (an old copy restored). The refused attempt saved nothing, so trying again is safe."""
    ensure_counters(store)
    try:
        return allocate()
    except DuplicateId:
        recover_counters(store)
        return allocate()
