"""The one check that a Chinese text carries no English word, for the catalogue and for what
the command line prints: what may stay in Latin letters is an id, a number, a unit, a product
or protocol name, an option or key name, code in backquotes, or a name the data itself gives."""

from __future__ import annotations

import re

# Words that stay as they are in Chinese text: ids, units, product and protocol names, keys.
KEPT = {
    "SR", "PS", "SLA", "IANA", "MB", "VIP", "CSC", "CSQ", "TAC", "BD", "BR", "CCI", "CASE", "UTC", "CST", "L",
    "Twilio", "HTTP", "Webhook", "ctrl", "Ctrl", "C", "esc", "enter", "md", "csv", "json", "Markdown", "HH", "MM",
    "YYYY", "DD", "ISO", "UTF", "YAML", "JSON", "CSV", "SMS", "dispatcher", "ACK", "English", "pid", "s", "a",
    "n", "q", "p", "e", "d", "w", "m", "r", "t", "o", "x", "c", "b", "f",
}  # fmt: skip
_NOT_WORDS = re.compile(
    r"\{[^}]*\}"  # a placeholder
    r"|`[^`]*`"  # code: a command, a roster key
    r"|%\(\w+\)[sd]"  # a printf-style placeholder, as click's version line has
    r"|'[^']*'"  # a quoted id or value as typed
    r"|--?[A-Za-z][\w-]*"  # an option name
    r"|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b"  # an environment variable
    r"|[A-Za-z0-9:+.-]*\d[A-Za-z0-9:+.-]*"  # a number, a time, a duration like 2d12h
    r"|\S+@\S+"  # an e-mail address
    r"|(?:[\w.-]*/)+[\w.-]*"  # a file's path
    r"|\w+(?:\[\d+\])?(?:\.\w+(?:\[\d+\])?)+"  # a key's path in a file: chains.x.steps[0]
)


def english_words(text: str, allowed: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """The English words in `text` beyond the kept ones and `allowed` (names the data gives)."""
    return set(re.findall(r"[A-Za-z]+", _NOT_WORDS.sub(" ", text))) - KEPT - set(allowed)
