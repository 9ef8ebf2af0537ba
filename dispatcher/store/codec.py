"""JSON for the store's files and for imports: orjson, with the standard library behind it.

Journal lines and snapshots are written by `dumps` and read by `loads`. What orjson writes is
what `json.dumps(value, ensure_ascii=False, separators=(",", ":"))` wrote, byte for byte, but
for the spelling of some floats (`0.00001` for `1e-05`, the same number), so files written
before read as they always did, and files written now read with any JSON reader. What orjson
refuses to read (`NaN`, a lone surrogate escape, an integer past 64 bits: what the standard
library wrote and reads) is read by the standard library.

`loads_strict` reads text from outside (an import file): JSON as RFC 8259 defines it, so a
value the store could not write back as it was given (`NaN`, `Infinity`, a lone surrogate)
is refused at the line that holds it. orjson reads an integer past 64 bits as a float, so a
text holding such a long number is read by the standard library instead, exactly (and the
import's schema refuses the number by its field: the store's documents hold none, and its
doc ids are below 2**63).

`decoding_in_bulk` pauses the cyclic garbage collector while a whole partition or an import
file is decoded.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson

# Integer document ids as keys; a datetime or dataclass is refused (TypeError), as json does.
_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)

DecodeError = json.JSONDecodeError  # orjson's too: .msg, .lineno, .colno
_LONG_NUMBER = re.compile(r"[0-9]{20}|-[0-9]{19}")  # what orjson may read as a float


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, keys in their order (integer keys as strings). Raises TypeError or
    ValueError for what JSON cannot hold. A float NaN or infinity is written as null: the
    store's documents never hold one (an import refuses them)."""
    try:
        return orjson.dumps(value, option=_OPTIONS)
    except orjson.JSONEncodeError:  # an integer past 64 bits, or what json refuses as well
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def loads(data: bytes | str) -> Any:
    """The value of JSON the store wrote, now or with the standard library before; raises
    ValueError (a json.JSONDecodeError) if it is not JSON."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def loads_strict(data: str) -> Any:
    """The value of one JSON text from outside; `DecodeError` if it is not RFC 8259 JSON
    (which refuses NaN, Infinity and lone surrogates)."""
    if not _LONG_NUMBER.search(data):
        return orjson.loads(data)
    value = json.loads(data, parse_constant=lambda name: _refuse(data, f"{name} is not JSON"))
    try:
        json.dumps(value, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        _refuse(data, "a lone surrogate is not text")
    return value


def _refuse(data: str, why: str) -> Any:
    raise DecodeError(why, data, 0)


@contextmanager
def decoding_in_bulk(collect_after: bool = False) -> Iterator[None]:
    """The cyclic garbage collector paused for the block. Decoding a partition or an import
    makes hundreds of thousands of small dicts, none in a reference cycle: the collector would
    walk them again and again for nothing (a third of an import's time, a quarter of a
    load's), while reference counting frees whatever the block lets go. With
    `collect_after`, one collection at the end (after a long job that may have made some
    cycles). Safe across threads: only the block that paused it resumes it."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
            if collect_after:
                gc.collect()
