"""The one message catalogue: every word a dispatcher or a paged engineer reads, in both languages.

The English text is the message id (GNU gettext's convention), so English needs no catalogue;
Chinese comes from `locale/zh/LC_MESSAGES/dispatcher.po`, compiled to `.mo` when the package is
built (see `dispatcher.i18n.compile`), or at first use when that `.mo` is missing or older.

    _ = translator(language).gettext
    _("Summary: {summary}").format(summary=...)
    translator(language).ngettext("{count} page", "{count} pages", n).format(count=n)

Placeholders are `str.format` fields, the same in both languages (a test holds that).
Domain values (statuses, categories, roles, states) are named by `name_of`, under the message
context "value". Dates, numbers and durations follow the language's CLDR rules through Babel.
"""

from __future__ import annotations

import gettext
from datetime import datetime, timedelta
from enum import Enum
from functools import cache
from io import BytesIO

from babel import Locale
from babel.dates import format_datetime, format_timedelta
from babel.numbers import format_decimal, format_percent

from dispatcher.i18n.compile import DOMAIN, LOCALE_DIR, compiled

LANGUAGES = ("en", "zh")
LOCALES = {"en": Locale.parse("en_GB"), "zh": Locale.parse("zh_Hans_CN")}  # 24-hour clocks
VALUE = "value"  # the message context of domain values


def N_(message: str) -> str:
    """Marks `message` for the catalogue where it is defined; translated later, where shown."""
    return message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """`N_` for a message with a plural form (Babel keyword spec `NN_:1,2`)."""
    return singular, plural


def NC_(context: str, message: str) -> str:
    """`N_` with a message context (Babel keyword spec `NC_:1c,2`)."""
    return message


# What Babel's extraction must know besides its defaults (the Makefile's `-k` say the same):
# `NC_`, and the command line's `tr`/`tr_n` (dispatcher.cli.language).
KEYWORDS = {"NC_": ((1, "c"), 2), "NN_": (1, 2), "tr": None, "tr_n": (1, 2)}


@cache
def translator(language: str) -> gettext.NullTranslations:
    """The translations of `language`; English (and any unknown language) is the source text."""
    if language not in LANGUAGES or language == "en":
        return gettext.NullTranslations()
    po_file = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo_file = po_file.with_suffix(".mo")
    fresh = mo_file.exists() and (
        not po_file.exists() or mo_file.stat().st_mtime >= po_file.stat().st_mtime
    )
    data = mo_file.read_bytes() if fresh else compiled(po_file)
    return gettext.GNUTranslations(BytesIO(data))


def name_of(value: Enum | str, language: str) -> str:
    """A domain value as people read it: 'in progress', or 处理中 in Chinese."""
    raw = value.value if isinstance(value, Enum) else str(value)
    return translator(language).pgettext(VALUE, raw.replace("_", " "))


def local_time(at: datetime, language: str) -> str:
    """Date and time to the minute in the language's own order: 24/11/2026, 18:30 or 2026/11/24 18:30."""
    locale = LOCALES.get(language, LOCALES["en"])
    return format_datetime(at, "short", tzinfo=at.tzinfo, locale=locale)


def number(value: float, language: str, digits: int = 1) -> str:
    """A number with the language's separators, at most `digits` decimals."""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALES.get(language, LOCALES["en"]))


def percent(fraction: float, language: str) -> str:
    """0.875 as "87.5%"."""
    return format_percent(fraction, format="#,##0.#%", locale=LOCALES.get(language, LOCALES["en"]))


def duration(span: timedelta, language: str) -> str:
    """A span in words, rounded to its largest unit: "5 minutes", "5分钟"."""
    return format_timedelta(span, threshold=1.5, locale=LOCALES.get(language, LOCALES["en"]))
