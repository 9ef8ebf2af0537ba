"""How much text each channel carries, in one place: SMS parts, the call's TwiML, a subject.

Pure functions, no I/O, for the channels and for the engine that composes their texts:

- `sms_parts(text)`: the number of parts a carrier sends `text` in. GSM 03.38 (GSM-7) texts
  take 160 septets in one part and 153 per part once split (a 7-byte user data header takes
  the rest); the extension characters (`^{}\\[~]|€` and form feed) take two septets, an
  escape and the character, and the pair is never split across parts. Any other text is
  sent as UCS-2: 70 UTF-16 code units in one part, 67 per part once split, a surrogate pair
  (an emoji) never split. Source: 3GPP TS 23.038 §6.2.1 and TS 23.040 §9.2.3.24.1.
- `fit_sms(head, tail, max_parts)`: `head` cut so that `head + tail` fits `max_parts`.
- `fit(text, render, limit)`: the longest cut of `text` whose rendering fits `limit`
  characters, such as a call's inline TwiML within Twilio's 4,000 (`TWIML_LIMIT`).
- `cut(text, limit)`: at most `limit` characters, ending in "…" when cut, never splitting a
  character (a combining mark or joiner stays with the character before it).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
GSM7_SINGLE, GSM7_PART = 160, 153  # septets
UCS2_SINGLE, UCS2_PART = 70, 67  # UTF-16 code units
TWIML_LIMIT = 4000  # characters of the `Twiml` parameter of Twilio's Calls resource
SPOKEN_LIMIT = 1200  # characters of a message's spoken form: twice over, within the TwiML limit
SMS_MAX_PARTS = 4  # parts one page may take; a longer text is cut, its tail kept
SUBJECT_LIMIT = 60  # characters of a subject a phone's lock screen shows
ELLIPSIS = "…"
_JOINERS = frozenset("\u200d\ufe0e\ufe0f")  # zero-width joiner, variation selectors


def is_gsm7(text: str) -> bool:
    """Whether every character of `text` is in the GSM-7 alphabet or its extension table."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _units(text: str) -> tuple[list[int], int, int]:
    """Each character's size in its encoding's units, and that encoding's part sizes."""
    if is_gsm7(text):
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text], GSM7_SINGLE, GSM7_PART
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text], UCS2_SINGLE, UCS2_PART


def sms_parts(text: str) -> int:
    """The number of parts `text` is sent in (1 for an empty text); see the module's rules."""
    sizes, single, part = _units(text)
    if sum(sizes) <= single:
        return 1
    parts, used = 1, 0
    for size in sizes:
        if used + size > part:  # an escape or surrogate pair moves whole to the next part
            parts, used = parts + 1, 0
        used += size
    return parts


def _is_flag_half(character: str) -> bool:
    return "\U0001f1e6" <= character <= "\U0001f1ff"  # regional indicators pair into a flag


def _safe_end(text: str, end: int) -> int:
    """`end` moved back so that text[:end] ends on a whole character: marks, joiners and
    flags stay with the character they belong to."""
    while 0 < end < len(text) and (
        unicodedata.combining(text[end]) or text[end] in _JOINERS or text[end - 1] in _JOINERS
    ):
        end -= 1
    if 0 < end < len(text) and _is_flag_half(text[end]):
        start = end
        while start > 0 and _is_flag_half(text[start - 1]):
            start -= 1
        end -= (end - start) % 2
    return end


def cut(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, "…" last when anything was cut."""
    if len(text) <= limit:
        return text
    return text[: _safe_end(text, max(limit - 1, 0))].rstrip() + ELLIPSIS


def fit(text: str, render: Callable[[str], str], limit: int) -> str:
    """The longest `cut(text, n)` whose `render(...)` is at most `limit` characters.

    `render` must grow with its text (XML escaping may make it grow faster); raises
    ValueError when even an empty text renders over `limit`.
    """
    if len(render(text)) <= limit:
        return text
    if len(render("")) > limit:
        raise ValueError(f"the frame alone is over {limit} characters")
    low, high = 0, len(text)  # render(cut(text, low)) fits, render(cut(text, high)) does not
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if len(render(cut(text, middle))) <= limit else (low, middle)
    return cut(text, low) if low else ""


def fit_sms(head: str, tail: str, max_parts: int = SMS_MAX_PARTS) -> str:
    """`head` cut so that `head + tail` is sent in at most `max_parts` parts; `tail` kept whole."""
    if sms_parts(head + tail) <= max_parts:
        return head + tail
    low, high = 0, len(head)
    while high - low > 1:
        middle = (low + high) // 2
        fits = sms_parts(cut(head, middle) + tail) <= max_parts
        low, high = (middle, high) if fits else (low, middle)
    return (cut(head, low) if low else "") + tail


def cut_subject(text: str, limit: int = SUBJECT_LIMIT) -> str:
    """A subject in at most `limit` characters: cut at a space in its last fifth, else anywhere.

    Cutting by characters keeps the start of a summary written without spaces (Chinese); a
    space is preferred only when it loses little.
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    end = _safe_end(flat, limit - 1)
    space = flat.rfind(" ", 0, end + 1)
    if space >= end - limit // 5:
        end = space
    return flat[:end].rstrip() + ELLIPSIS
