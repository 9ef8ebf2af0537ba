"""The zone the store's local dates are in: the CSC's, recorded when a roster first writes.

The day in an SR id (SR-20261125-0001), in a planned service's id and in an archive month's
name is a local date at the CSC (`dispatcher.domain.localtime`). The roster names the zone
(`Roster.zone`); the store records it in its counters partition the first time it numbers
something with a roster, so that

- a command without a roster (`sr new` where no contacts.yaml is present) numbers the night's
  requests exactly as one with the roster would, and
- a roster naming another zone than the one the store's ids were numbered in is refused with
  one line, instead of giving one night two different dates.

Without a recorded zone and without a roster no local date can be known: `StoreZoneError`
says so in one line. The machine's zone is never used.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tinydb.table import Document

from dispatcher.errors import StoreError
from dispatcher.store import Store
from dispatcher.store.sequences import ensure_counters

ZONE_TABLE = "_zone"  # in the counters partition: one document, {"zone": "Asia/Shanghai"}
ZONE_DOC = 1


class StoreZoneError(StoreError):
    """No zone can be known, or the roster's is not the one the store's dates are in."""


def recorded_zone(store: Store) -> ZoneInfo | None:
    """The CSC zone the store recorded, or None when it has recorded none yet."""
    doc = store.counters.table(ZONE_TABLE).get(doc_id=ZONE_DOC)
    if doc is None:
        return None
    try:
        return ZoneInfo(doc["zone"])
    except (KeyError, TypeError, ValueError, ZoneInfoNotFoundError):
        raise StoreZoneError(
            f"{store.data_dir / 'counters'}: the recorded CSC zone {doc.get('zone')!r} is not "
            "a known IANA zone; run `dispatcher store check`"
        ) from None


def csc_zone(store: Store, given: ZoneInfo | None, *, record: bool = False) -> ZoneInfo:
    """The zone of the store's local dates.

    `given` is the roster's zone (`Roster.zone`), or None for a command without a roster.
    With `record` (a command about to number something), a zone given to a store that has
    none recorded is recorded, in one commit. Raises `StoreZoneError` (one line) when the
    roster's zone differs from the recorded one, or when neither is known.
    """
    recorded = recorded_zone(store)
    if recorded is None and given is None:
        raise StoreZoneError(
            f"{store.data_dir}: the CSC's time zone is unknown, so no local date can be "
            "taken: this store has recorded none yet; use the roster (--roster) once, whose "
            "csc unit names it, or record it with `dispatcher store zone ZONE`"
        )
    if recorded is not None and given is not None and recorded.key != given.key:
        raise StoreZoneError(
            f"CSC zone {given.key} refused: the local dates of {store.data_dir} are in "
            f"{recorded.key}, and a store keeps one zone (correct the roster's csc zone)"
        )
    if recorded is None and given is not None and record:
        ensure_counters(store)  # counters lost are rebuilt before this record is their first
        with store.atomic(store.counters):
            table = store.counters.table(ZONE_TABLE)
            if table.get(doc_id=ZONE_DOC) is None:  # another desk may have just recorded it
                table.insert(Document({"zone": given.key}, doc_id=ZONE_DOC))
        return csc_zone(store, given)
    zone = recorded if recorded is not None else given
    assert zone is not None  # neither known was refused above
    return zone
