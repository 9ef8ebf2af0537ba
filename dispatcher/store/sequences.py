"""The day counters that number requests (`sr:YYYYMMDD`) and planned services (`ps:…`),
recovered from the ids present when they are lost or behind.

Both kinds of id give their document id as YYYYMMDD x their kind's ID_DAY_FACTOR + the number
of the day, so the highest number of each day can be read off the doc ids alone. A counter below it would
hand out an id that exists: `dispatcher store check` reports that, `dispatcher store repair`
raises it, and a store whose `counters/` partition is gone gets every counter back, from the
ids present, before the next id is handed out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import TypeVar

from dispatcher.domain import planned, request_ids
from dispatcher.store import Store, snapshots
from dispatcher.store.damage import REPAIR_HINT, Damage, DuplicateId, StoreDamaged
from dispatcher.store.documents import LOST_TABLE
from dispatcher.store.request_layout import EVENT_ID_FACTOR, EVENTS, REQUESTS, day_key

T = TypeVar("T")

# The numbered tables: (counter prefix, table), and whether archives hold the table too.
NUMBERED = (("sr", "requests", True), ("ps", "planned", False))
# How each kind's doc id holds its day: SR-20261124-0042 is 20261124 x 100,000 + 42,
# PS-20261125-01 is 20261125 x 1,000 + 1.
DAY_FACTOR = {"sr": request_ids.ID_DAY_FACTOR, "ps": planned.ID_DAY_FACTOR}


def issued_unheld(
    counters: Mapping[str, int], known: Mapping[str, int], reported: Mapping[str, int]
) -> list[tuple[str, int, int]]:
    """(counter key, first, last) of the SR ids a day counter handed out past every id the
    store holds or a damaged place is known to have held (`known`: the highest number of each
    key) and past those a repair reported lost (`reported`, the `_lost` table): records that
    are gone, such as a live journal emptied by hand. (A crash between numbering a request and
    saving it skips its number, which is named too: it cannot be told apart.) Planned
    services are left out: their numbers are not all kept."""
    found = []
    for key, value in sorted(counters.items()):
        if key.startswith("sr:"):
            first = max(known.get(key, 0), reported.get(key, 0)) + 1
            if value >= first:
                found.append((key, first, value))
    return found


def id_range(key: str, first: int, last: int) -> str:
    """ "SR-20261201-0001 to SR-20261201-0005" (one id alone when first is last)."""
    day = key.partition(":")[2]
    ids = [f"SR-{day}-{n:04d}" for n in sorted({first, last})]
    return " to ".join(ids)


def reported_lost(tables: Mapping[str, Mapping[int, dict]]) -> dict[str, int]:
    """The `_lost` table of a counters partition: key -> the last id reported lost."""
    return {doc["key"]: doc["through"] for doc in tables.get(LOST_TABLE, {}).values()}


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


def held_ids(damage: Iterable[Damage]) -> tuple[list[tuple[str, int]], list[Damage]]:
    """(counter key, number) of every numbered document that damaged places are known to
    have held (`Damage.doc_ids`: an event names its request), and the damaged places whose
    ids cannot be read at all (a missing or truncated snapshot, a line of garbage). An id a
    damaged line held is taken: handing it out again would give two requests one id."""
    held: list[tuple[str, int]] = []
    unreadable: list[Damage] = []
    for place in damage:
        if not place.doc_ids:
            unreadable.append(place)
        for table, doc_id in place.doc_ids:
            if table == EVENTS or (table == "?" and doc_id >= 10**17):  # as `readable_id`
                table, doc_id = "requests", doc_id // EVENT_ID_FACTOR
            for prefix, name, _ in NUMBERED:
                key, number = key_of(prefix, doc_id)
                day = int(key.partition(":")[2])
                if table == name or (table == "?" and 1900_01_01 <= day <= 9999_12_31):
                    held.append((key, number))
                    break
    return held, unreadable


def highest_present(store: Store) -> dict[str, int]:
    """The highest number of each counter key among the documents of every partition and
    those its damaged lines held. StoreDamaged when a damaged place's ids cannot be read:
    no counter can then be trusted until `dispatcher store repair`."""
    highest: dict[str, int] = {}
    for period in [None, *store.archive_periods()]:
        archive = period is not None
        db = store.live if period is None else store.archive(period)
        tables = {name: {d.doc_id: d for d in db.table(name).all()} for _, name, _ in NUMBERED}
        held, unreadable = held_ids(db.partition.damage)
        if unreadable:
            raise StoreDamaged(unreadable, unreadable_refusal(unreadable))
        for key, number in [*numbered_ids(tables, archive), *held]:
            highest[key] = max(highest.get(key, 0), number)
        if period is not None and not db.partition.damage:  # damage stays, to be warned of
            store.close_archive(period)
    return highest


def unreadable_refusal(unreadable: list[Damage]) -> str:
    return (
        "no new id can be handed out: what the store held at "
        f"{unreadable[0].where} cannot be read, so the day counters cannot be checked; "
        f"{REPAIR_HINT}"
    )


def guard_day(store: Store, day: date) -> None:
    """Before an SR id of `day` is handed out: the archive month that would hold the day's
    ids is verified as cheaply as a write verifies a partition (snapshot header and size,
    every journal line's checksum; nothing parsed). If it is damaged, it is read, so that the
    command warns of it; the day's counter is raised past every id its damaged lines held,
    and no id of the day is handed out if what they held cannot be read (StoreDamaged).
    The live partition is verified by the write itself; other months hold no id of `day`."""
    period = f"{day:%Y-%m}"
    if not snapshots.damaged(store.data_dir / "archive" / period, f"archive/{period}"):
        return
    db = store.archive(period)
    db.table(REQUESTS).get(doc_id=0)  # reads the month, which notes its damage
    held, unreadable = held_ids(db.partition.damage)
    if unreadable:
        raise StoreDamaged(unreadable, unreadable_refusal(unreadable))
    key = day_key(day)
    top = max((number for k, number in held if k == key), default=0)
    if top:
        store.raise_sequence(key, top, db=store.counters)


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


def numbered(
    store: Store, allocate: Callable[[], T], guard: Callable[[], None] = lambda: None
) -> T:
    """`allocate()` (take a number, save the document under it), once more after recovering
    the counters if the number was taken already: the counters were behind the ids present
    (an old copy restored). The refused attempt saved nothing, so trying again is safe.
    `guard()` runs once the counters are there, before the number is taken (`guard_day`)."""
    ensure_counters(store)
    guard()
    try:
        return allocate()
    except DuplicateId:
        recover_counters(store)
        return allocate()
