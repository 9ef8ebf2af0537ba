"""The store's JSON: the bytes the standard library wrote, and whatever it wrote still reads."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatcher.store import codec

DOCUMENTS = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


def _stdlib(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@given(st.dictionaries(st.integers(0, 10**18), DOCUMENTS, max_size=4))
def test_a_commit_is_written_in_the_bytes_the_standard_library_wrote(tables: dict) -> None:
    try:
        expected = _stdlib({"t": {"events": {"set": tables}}})
    except UnicodeEncodeError:  # a lone surrogate: neither writes it
        with pytest.raises((TypeError, ValueError)):
            codec.dumps({"t": {"events": {"set": tables}}})
        return
    assert codec.dumps({"t": {"events": {"set": tables}}}) == expected


def test_what_only_the_standard_library_reads_is_still_read() -> None:
    old = b'{"a":NaN,"b":Infinity,"c":123456789012345678901234567890,"d":"\\ud800"}'
    value = codec.loads(old)
    assert math.isnan(value["a"]) and value["b"] == math.inf
    assert value["c"] == 123456789012345678901234567890 and value["d"] == "\ud800"


@pytest.mark.parametrize(
    "line",
    [
        '{"a": NaN}',
        '{"a": Infinity}',
        '{"a": "\\ud800"}',
        '{"a": NaN, "b": 1e400, "c": 12345678901234567890123}',
    ],
)
def test_text_from_outside_must_be_standard_json(line: str) -> None:
    with pytest.raises(codec.DecodeError):
        codec.loads_strict(line)


def test_a_long_number_from_outside_is_read_exactly_not_as_a_float() -> None:
    assert codec.loads_strict('{"n": 123456789012345678901234567890}') == {
        "n": 123456789012345678901234567890
    }
    assert codec.loads_strict('{"n": -9223372036854775809}') == {"n": -9223372036854775809}
