"""Acknowledgement codes: how long they are, how replies are read, and how guessing is limited.

Why six digits. A code acknowledges only from an address that was paged with it, so guessing
needs a forged sender as well; the length is the second wall. With `CODE_DIGITS` = 6 there are
900,000 codes (100000-999999). The engine counts failed codes
against each request: after `GuessLimit.per_request` = 10 within `window` (15 minutes) it refuses
that request's typed codes for `ignore_for` (30 minutes), so a forger gets at most 10 guesses per
30 minutes against one request, 160 in an 8-hour night: a chance of 160 / 900,000, 1 in 5,600,
of hitting the code. Four digits (9,000 codes) would give 1 in 56, five digits 1 in 560. Six
digits is also what banks and logins send by SMS, so people type it without thinking; a seventh
digit buys little once guesses are capped. Live notifications number in the hundreds, so a
random draw collides with a live code about once in a thousand draws and is simply drawn again.

Replies are read as people type them on a phone (`parse_reply`): NFKC folds full-width digits
and letters ("１２３４" to "1234"), then the code may stand alone or beside the usual words
(ACK, OK, 确认, 收到, 好) in any case, with any spacing and punctuation between them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

CODE_DIGITS = 6
CODE_FIRST = 10 ** (CODE_DIGITS - 1)  # codes never start with 0: some phones drop it
CODE_COUNT = 9 * CODE_FIRST

ACK_WORDS = ("ack", "ok", "okay", "确认", "收到", "好")
_WORD = "|".join(re.escape(word) for word in sorted(ACK_WORDS, key=len, reverse=True))
_FILLER = r"[\s\W_]*"  # spaces and punctuation, full-width ones folded by NFKC first
_REPLY = re.compile(
    rf"^{_FILLER}(?:(?:{_WORD}){_FILLER})*(\d{{4,8}})(?:{_FILLER}(?:{_WORD}))*{_FILLER}$",
    re.IGNORECASE,
)


def code_from(draw: int) -> str:
    """The code of a random draw in range(CODE_COUNT)."""
    return str(CODE_FIRST + draw)


def parse_reply(text: str | None) -> str | None:
    """The code in a reply that is a code alone or a code with acknowledging words, e.g.
    "123456", "ACK 123456", "ok: 123456!", "确认１２３４５６", "１２３４５６ 收到"; else None.
    A reply saying anything more ("not 123456, call me") is not an acknowledgement."""
    if not text:
        return None
    folded = unicodedata.normalize("NFKC", text)
    match = _REPLY.match(folded)
    return match.group(1) if match else None


def canonical_address(address: str) -> str:
    """An address as replies are matched and counted: NFKC, no spaces, case folded."""
    return "".join(unicodedata.normalize("NFKC", address).split()).casefold()


def same_address(paged: str, sender: str) -> bool:
    """Whether a reply's sender is the address that was paged: E.164 numbers compare exactly
    (after NFKC and without spaces), mail addresses without regard to case."""
    return bool(sender) and canonical_address(paged) == canonical_address(sender)


class ReplyOutcome(StrEnum):
    """What a reply came to (`dispatcher.engine.replies` judges it; the store keeps it)."""

    ACKNOWLEDGED = "acknowledged"  # its code, from where it was paged
    SUSPICIOUS = "suspicious"  # a live code from an address that was not paged with it
    WRONG_CODE = "wrong_code"  # a code no live notification carries
    NO_CODE = "no_code"  # words, or a wrong key on the call: no guess
    REFUSED = "refused"  # its request refuses typed codes for now
    IGNORED = "ignored"  # its sender's replies are ignored for now


@dataclass(frozen=True)
class GuessLimit:
    """How many replies that acknowledge nothing a sender, or a request, may send in `window`
    before it is ignored for `ignore_for`."""

    per_sender: int = 5
    per_request: int = 10
    window: timedelta = timedelta(minutes=15)
    ignore_for: timedelta = timedelta(minutes=30)


@dataclass(frozen=True)
class Strikes:
    """Failed replies counted against one sender or one request. Times are aware datetimes."""

    count: int = 0
    since: datetime | None = None  # when the current window began
    ignored_until: datetime | None = None
    ignored: int = 0  # replies dropped while ignored

    def ignoring(self, at: datetime) -> bool:
        return self.ignored_until is not None and at < self.ignored_until

    def struck(self, at: datetime, limit: int, rules: GuessLimit) -> Strikes:
        """One more failure at `at`; reaching `limit` in the window starts ignoring."""
        fresh = self.since is None or at - self.since >= rules.window
        count = 1 if fresh else self.count + 1
        since = at if fresh else self.since
        if count >= limit:
            return Strikes(0, None, at + rules.ignore_for, self.ignored)
        return Strikes(count, since, self.ignored_until, self.ignored)

    def dropped(self) -> Strikes:
        return Strikes(self.count, self.since, self.ignored_until, self.ignored + 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "since": self.since.isoformat() if self.since else None,
            "ignored_until": self.ignored_until.isoformat() if self.ignored_until else None,
            "ignored": self.ignored,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> Strikes:
        if not raw:
            return cls()

        def when(key: str) -> datetime | None:
            return datetime.fromisoformat(raw[key]) if raw.get(key) else None

        return cls(raw.get("count", 0), when("since"), when("ignored_until"), raw.get("ignored", 0))
