"""Text from outside (callers, rosters, providers, imports) kept as text: refused where a person
types it, escaped wherever it is shown.

A terminal acts on control characters: ESC starts CSI and OSC sequences (clear the screen, set
the window title, OSC 52 writes the clipboard), the C1 range holds 8-bit forms of the same
(U+009B is CSI, U+009D is OSC), CR moves the cursor back over what was printed, and the
bidirectional controls reorder what the reader sees (U+202E makes "exe.txt" show as "txt.exe").
Sources: ECMA-48 (C0, C1, CSI, OSC), Unicode UAX #9 (bidirectional controls), Unicode TR 36
section 2.3 (bidi spoofing).

`check(value, field)` refuses them in typed input with one line naming the field.
`escape(text)` replaces each with its `\\uXXXX` form, which a terminal shows as six plain
characters and which, inside a JSON string, is the same character: escaping JSON text changes
how it looks, never the data it holds.
"""

from __future__ import annotations

import re
from unicodedata import east_asian_width

from dispatcher.errors import DispatcherError

__all__ = ["UnsafeText", "check", "escape", "escape_line", "first_unsafe"]

# C0 but tab and newline, DEL, C1, the Arabic letter mark, LRM/RLM, the embeddings and
# overrides (LRE RLE PDF LRO RLO), the isolates (LRI RLI FSI PDI), and the line and paragraph
# separators (some terminals break lines on them).
_UNSAFE_CLASS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
)
_UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
_UNSAFE_SHOWN = re.compile(f"(?!\r\n)[{_UNSAFE_CLASS}]")  # CR LF ends a line like LF
_UNSAFE_OR_BREAK = re.compile(f"[{_UNSAFE_CLASS}\t\n]")
# A byte that was not UTF-8: Python decodes command-line arguments with `surrogateescape`,
# which turns each such byte into a lone surrogate (PEP 383); no UTF-8 text holds one.
_UNDECODED = re.compile("[\ud800-\udfff]")

_NAMES = {
    "\x00": "NUL",
    "\x07": "BEL",
    "\x08": "BS",
    "\x0d": "CR",
    "\x1b": "ESC",
    "\x7f": "DEL",
    "\x9b": "CSI",
    "\x9d": "OSC",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
}


class UnsafeText(DispatcherError):
    """A typed value holds a control character; the message names the field."""


def _code(char: str) -> str:
    return f"\\u{ord(char):04x}"


def first_unsafe(value: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """(index, character) of the first control character in `value`, or None. Tab and
    newline count only when the field is one line (`multiline=False`)."""
    found = (_UNSAFE if multiline else _UNSAFE_OR_BREAK).search(value)
    return (found.start(), found.group()) if found else None


def check(value: str, field: str, *, multiline: bool = False) -> str:
    """`value` itself if it holds no control character; else raises `UnsafeText`, e.g.
    "summary: control character ESC (\\u001b) at position 5 is not allowed", or
    "summary: not UTF-8 text" for a value holding bytes that were not UTF-8.

    A one-line field (a name, a summary, anything that may end up in a mail header) refuses
    tab, CR and LF too; a multi-line one (a note) allows tab and newline.
    """
    if _UNDECODED.search(value):
        raise UnsafeText(f"{field}: not UTF-8 text")
    found = first_unsafe(value, multiline=multiline)
    if found is None:
        return value
    index, char = found
    code, position = _code(char), index + 1
    raise UnsafeText(
        f"{field}: control character {_NAMES[char]} ({code}) at position {position} is not allowed"
        if char in _NAMES
        else f"{field}: control character ({code}) at position {position} is not allowed"
    )


def escape(text: str) -> str:
    """`text` for a terminal: tab, newline and CR LF stay, every other control character
    becomes its `\\uXXXX` form."""
    return _UNSAFE_SHOWN.sub(lambda m: _code(m.group()), text)


def escape_line(text: str) -> str:
    """`text` for one cell or one line: tab and newline are escaped too."""
    return _UNSAFE_OR_BREAK.sub(lambda m: _code(m.group()), text)


def columns(text: str) -> int:
    """How many terminal columns `text` takes: a wide character (Han, full-width) two, any
    other one (Unicode's East Asian Width)."""
    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)
