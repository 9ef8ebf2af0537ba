"""The import format, checked field by field before anything is written.

One JSON object per line: a request as `ServiceRequest.to_dict()` writes it, without
`event_count`, with its whole timeline under `"timeline"` (events without `sr` and `seq`,
which the position gives). `check_record` returns the record normalised (ids in their one
spelling, SR-20261124-0042; criteria in upper case; defaults filled in) or `field: reason`
problems, one per field, made by the checks of `field_checks.py`. Types are strict (`"drill":
"false"` is not a boolean, a site is text, not a number); enumerations, time formats (ISO 8601
with a UTC offset) and lengths are checked; text may not hold control characters (multi-line
fields may hold newlines and tabs). An event's kind is one this version records
(`EventKind`), so every screen can name it; its channel a channel name as plugins are named
(`plugins.validation.CHANNEL_NAME`), not necessarily one installed here; its data an object
of plain values (text, numbers, true, false, null, or a list of those). A record agrees with
itself (`check_agreement`): a request was received on the CSC's day its id names; no time it
holds (received, Red Flag, events) is later than the import (give or take `CLOCK_SKEW`) or
earlier than its receipt; a Red Flag closes after it opened, on an emergency only. Text of
only blanks is empty: refused where a field must not be empty (an actor, a summary).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, tzinfo
from typing import Any

from dispatcher.domain.emergency import BASE_BY_ID
from dispatcher.domain.lifecycle import OPEN_BEFORE_RESOLUTION, Status
from dispatcher.domain.localtime import CLOCK_SKEW, local_day
from dispatcher.domain.request_ids import LAST_NUMBER, format_id, parse_id
from dispatcher.domain.request_parts import Category, IntakeChannel, Level, Severity, VipKind
from dispatcher.domain.timeline import EventKind
from dispatcher.errors import DispatcherError
from dispatcher.store.field_checks import (
    MISSING,
    Problems,
    boolean,
    choice,
    count,
    fields,
    kind_of,
    listing,
    shown_name,
    text,
    time,
)

_CRITERION = re.compile(r"[A-Z0-9][A-Z0-9._-]{0,31}\Z")
_KINDS = frozenset(kind.value for kind in EventKind)
_CHANNEL = re.compile(r"(?:[a-z0-9][a-z0-9_.-]{0,31})?\Z")  # as `CHANNEL_NAME`, or none
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}\Z")
MAX_DATA_BYTES = 16 * 1024
INT_LOWEST, INT_HIGHEST = -(2**63), 2**64 - 1  # what the store's JSON reads back exactly
MULTILINE = frozenset({"words", "note", "text"})  # keys of event data that may hold newlines
OPEN_STATES = frozenset(status.value for status in OPEN_BEFORE_RESOLUTION)  # a Red Flag open


def request_id(value: Any, where: str, problems: Problems) -> Any:
    if not isinstance(value, str) or len(value) > 32:
        problems.append(f"{where}: must be a request id like SR-20261124-0042")
        return value
    try:
        day, number = parse_id(value)
    except DispatcherError as error:
        problems.append(f"{where}: {error}")
        return value
    if number > LAST_NUMBER:
        problems.append(
            f"{where}: {value.strip()} is past {format_id(day, LAST_NUMBER)}, the last id of a day"
        )
        return value
    return format_id(day, number)


def criterion(value: Any, where: str, problems: Problems) -> Any:
    if not isinstance(value, str) or not _CRITERION.match(value.strip().upper()):
        problems.append(f"{where}: must be a criterion id (1-12, or a product's own)")
        return value
    value = value.strip().upper()
    if value.isdigit() and value not in BASE_BY_ID:
        problems.append(f"{where}: base criteria are 1-12")
    return value


def event_data(value: Any, where: str, problems: Problems) -> Any:
    """An object of plain values (text, numbers, true, false, null, or a list of those): keys
    are identifiers, text is one line; at most about MAX_DATA_BYTES of keys and text."""
    if not isinstance(value, dict):
        problems.append(f"{where}: must be an object, not {kind_of(value)}")
        return value
    size = 2
    for key, each in value.items():
        if not _KEY.match(key):
            problems.append(f"{where}: key {shown_name(key)} is not an identifier")
        else:
            size += len(key) + 3 + _plain(each, f"{where}.{key}", problems)
    if size > MAX_DATA_BYTES:
        problems.append(f"{where}: larger than {MAX_DATA_BYTES} bytes")
    return value


def _plain(value: Any, where: str, problems: Problems, listed: bool = False) -> int:
    """Check one value of an event's data (`listed`: an item of a list in it); returns about
    how many bytes it holds."""
    if isinstance(value, str):
        multiline = where.rsplit(".", 1)[-1] in MULTILINE
        text(1000, block=multiline)(value, where, problems)
        return len(value) + 2
    if isinstance(value, list) and not listed:
        return 2 + sum(
            _plain(each, f"{where}[{i}]", problems, True) for i, each in enumerate(value)
        )
    if isinstance(value, dict | list):
        if listed:
            problems.append(
                f"{where}: must be text, a number, true, false or null, not {kind_of(value)}"
            )
        else:
            problems.append(
                f"{where}: must be text, a number, true, false, null or a list of them, "
                f"not {kind_of(value)}"
            )
        return 0
    if type(value) is int and not INT_LOWEST <= value <= INT_HIGHEST:
        problems.append(f"{where}: a whole number beyond 64 bits")
    return 8  # null, a boolean or a number


LINE = text(200)
_EVENT = fields(
    {
        "at": (time(), MISSING),
        "actor": (text(200, least=1), MISSING),
        "kind": (choice(EventKind), MISSING),
        "text": (text(20_000, block=True), ""),
        "channel": (text(32, pattern=_CHANNEL), ""),
        "data": (event_data, {}),
    }
)
_EVENT_FIELDS = frozenset(("at", "actor", "kind", "text", "channel", "data"))
_SCALARS = (int, float, bool, type(None))
# A time that `datetime.fromisoformat` reads and `isoformat` writes back character for character
# (which costs more than the reading): no ".000000", no "-00:00", minutes of an offset below 60.
_ISO_AS_WRITTEN = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(?!000000)\d{6})?(?!-00:00)[+-](?:[01]\d|2[0-3]):[0-5]\d\Z"
)


def _plain_event(value: Any) -> dict | None:
    """An event in its normalised form if it is plainly good, else None: `_EVENT`'s result
    for the common case (one-line texts, data of a few plain values), found without its
    field-by-field walk. None only means "look closer": `event` then runs `_EVENT`."""
    if type(value) is not dict or not value.keys() <= _EVENT_FIELDS:
        return None
    at, actor, kind = value.get("at"), value.get("actor"), value.get("kind")
    said, channel, data = value.get("text", ""), value.get("channel", ""), value.get("data", {})
    if not (
        type(at) is str
        and type(actor) is str
        and type(kind) is str
        and type(said) is str
        and type(channel) is str
        and type(data) is dict
        and len(at) <= 40
        and 0 < len(actor) <= 200
        and actor.strip()
        and (said == "" or said.strip())  # blank text is empty: `_EVENT` makes it so
        and len(said) <= 20_000
        and len(channel) <= 32
        and actor.isprintable()
        and said.isprintable()
        and channel.isprintable()
        and kind in _KINDS
        and _CHANNEL.match(channel)
        and len(data) <= 8
    ):
        return None
    for key, each in data.items():  # at most 8 x (64 + 1,000) characters: under MAX_DATA_BYTES
        if not _KEY.match(key) or not (
            (
                type(each) in _SCALARS
                and (type(each) is not int or INT_LOWEST <= each <= INT_HIGHEST)
            )
            or (type(each) is str and len(each) <= 1000 and each.isprintable())
        ):
            return None
    try:
        parsed = datetime.fromisoformat(at)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return {
        "at": at if _ISO_AS_WRITTEN.match(at) else parsed.isoformat(),
        "actor": actor,
        "kind": kind,
        "text": said,
        "channel": channel,
        "data": data,
    }


def event(value: Any, where: str, problems: Problems) -> Any:
    """One timeline event, checked and normalised (`_EVENT`; most through `_plain_event`)."""
    plain = _plain_event(value)
    return _EVENT(value, where, problems) if plain is None else plain


RECORD = fields(
    {
        "id": (request_id, MISSING),
        "received": (time(), MISSING),
        "category": (choice(Category), MISSING),
        "summary": (text(500, least=1), MISSING),
        "severity": (choice(Severity), Severity.MINOR.value),
        "intake": (choice(IntakeChannel), IntakeChannel.PHONE.value),
        "reporter": (fields({"name": (LINE, ""), "phone": (LINE, ""), "email": (LINE, "")}), {}),
        "customer": (
            fields({"name": (LINE, ""), "vip": (choice(VipKind, nullable=True), None)}),
            {},
        ),
        "site": (text(100), ""),
        "product": (text(100), ""),
        "description": (text(20_000, block=True), ""),
        "criteria": (listing(criterion, 30), []),
        "owner": (fields({"unit": (text(100), ""), "person": (text(100), "")}), {}),
        "level": (choice(Level), Level.L1.value),
        "status": (choice(Status), Status.NEW.value),
        "red_flag": (
            fields(
                {"opened": (time(), MISSING), "closed": (time(nullable=True), None)}, nullable=True
            ),
            None,
        ),
        "drill": (boolean, False),
        "callback_attempts": (count(1000), 0),
        "timeline": (listing(event, 10_000), []),
    }
)


def check_record(raw: Any) -> tuple[dict | None, Problems]:
    """The record normalised, or None and its problems as `field: reason` (the record against
    itself and the clock: `check_agreement`, on the normalised record)."""
    problems: Problems = []
    record = RECORD(raw, "", problems)
    return (None, problems) if problems else (record, [])


def check_agreement(record: dict, zone: tzinfo, now: datetime) -> Problems:
    """What a normalised record (`check_record`'s) says against itself, its id and the clock,
    as `sr new` would have recorded it; `zone` is the CSC's (the day in an id is a local date
    there), `now` the time of the import (aware). Every time the record holds (`_times`:
    `received`, the Red Flag's opening and closing, each event's) is not later than `now`
    (give or take `CLOCK_SKEW`) nor, but `received`, before `received`; `received` falls on
    the CSC's day its id names; a Red Flag closes no earlier than it opened, is closed once
    the request is resolved, and only an emergency (a request with criteria) has one, as
    `ServiceRequest` opens and closes it."""
    problems: Problems = []
    latest = now + CLOCK_SKEW
    received = datetime.fromisoformat(record["received"])
    day = parse_id(record["id"])[0]
    flag = record["red_flag"]
    if flag is not None and not record["criteria"]:
        problems.append("red_flag: only an emergency (a request with criteria) has a Red Flag")
    elif flag is not None and flag["closed"] is None and record["status"] not in OPEN_STATES:
        problems.append(
            f"red_flag.closed: null, but the request is {record['status']}: resolving it "
            "closed its Red Flag"
        )
    for where, written in _times(record):
        at = datetime.fromisoformat(written)
        if at > latest:
            problems.append(f"{where}: {written} is later than now")
        elif where != "received" and at < received:
            problems.append(
                f"{where}: {written} is before the request was received ({record['received']})"
            )
        elif where == "received" and local_day(received, zone) != day:
            problems.append(
                f"received: {written} is {local_day(received, zone).isoformat()} at the "
                f"CSC ({zone}), not {day.isoformat()}, the day its id {record['id']} names"
            )
        elif where == "red_flag.closed" and at < datetime.fromisoformat(flag["opened"]):
            problems.append(
                f"red_flag.closed: {written} is before the Red Flag opened ({flag['opened']})"
            )
    return problems


def _times(record: dict) -> Iterator[tuple[str, str]]:
    """(field, time as written) of every time a normalised record holds, `received` first."""
    yield "received", record["received"]
    flag = record["red_flag"]
    if flag is not None:
        yield "red_flag.opened", flag["opened"]
        if flag["closed"] is not None:
            yield "red_flag.closed", flag["closed"]
    for n, event in enumerate(record["timeline"]):
        yield f"timeline[{n}].at", event["at"]
