"""Mail headers through the standard library, with a subject folded as RFC 2047 asks.

`email.policy.SMTP` folds a non-ASCII subject into encoded words itself, but (CPython 3.11
to 3.13) it can write an encoded word of 76 characters where RFC 2047 §2 allows 75, and it
can fold between two encoded words exactly where the text had a space: readers drop the
white space between adjacent encoded words (RFC 2047 §6.2), so "计费 话单" reads back as
"计费话单". `POLICY` is `email.policy.SMTP` with a header registry whose `Subject` header
folds a non-ASCII text into UTF-8 base64 encoded words of whole characters, each at most 75
characters and each line at most the policy's `max_line_length`, with every space inside a
word, so the text parsed back is the text written. ASCII subjects fold as the library does.
"""

from __future__ import annotations

import base64
from email import policy as email_policy
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.policy import Policy

ENCODED_WORD_LIMIT = 75  # RFC 2047 §2
_FRAME = len("=?utf-8?b??=")


def encoded_words(text: str, first_room: int, room: int) -> list[str]:
    """`text` as UTF-8 base64 encoded words: the first at most `first_room` characters long,
    the others at most `room`, each holding whole characters."""
    words: list[str] = []
    chunk = b""
    for character in text:
        data = character.encode()
        limit = min(first_room if not words else room, ENCODED_WORD_LIMIT)
        if chunk and _FRAME + 4 * -(-(len(chunk) + len(data)) // 3) > limit:
            words.append(_word(chunk))
            chunk = b""
        chunk += data
    if chunk or not words:
        words.append(_word(chunk))
    return words


def _word(data: bytes) -> str:
    return f"=?utf-8?b?{base64.b64encode(data).decode('ascii')}?="


class SubjectHeader(UnstructuredHeader, BaseHeader):
    """An unstructured header whose non-ASCII text folds into correct encoded words.

    The registry makes every header class a `BaseHeader` (it derives one from the class and
    `BaseHeader`); naming the base here gives the same order of bases, and `fold` its types."""

    def fold(self, *, policy: Policy) -> str:
        text = str(self)
        if text.isascii():
            return super().fold(policy=policy)
        line = policy.max_line_length or 78
        first_room = line - len(self.name) - 2  # "Subject: "
        words = encoded_words(text, first_room, line - 1)  # continuation lines start with " "
        return f"{self.name}: " + (policy.linesep + " ").join(words) + policy.linesep


def _registry() -> HeaderRegistry:
    registry = HeaderRegistry()
    registry.map_to_type("subject", SubjectHeader)
    return registry


POLICY = email_policy.SMTP.clone(header_factory=_registry())
