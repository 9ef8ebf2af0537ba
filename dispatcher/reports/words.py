"""The words of reports in the reader's language: titles, column heads and measure names.

Reports are built in English (their tables' names, columns and measures are also the keys of
the JSON and CSV files, which stay English); these functions name them for a reader, from the
catalogue. A measure or value with no entry stays as it is (a customer, a site, an id).
"""

from __future__ import annotations

import re
from typing import Any

from dispatcher.domain.callout import Position
from dispatcher.i18n import NC_, VALUE, translator

COLUMN = "column"

COLUMNS = (
    NC_("column", "age hours"),
    NC_("column", "at"),
    NC_("column", "attempts"),
    NC_("column", "by"),
    NC_("column", "chain"),
    NC_("column", "clock"),
    NC_("column", "complaints"),
    NC_("column", "compliance pct"),
    NC_("column", "contact"),
    NC_("column", "customer"),
    NC_("column", "deadline"),
    NC_("column", "decided"),
    NC_("column", "dimension"),
    NC_("column", "due"),
    NC_("column", "emergency"),
    NC_("column", "end"),
    NC_("column", "faults during"),
    NC_("column", "id"),
    NC_("column", "kind"),
    NC_("column", "mean score"),
    NC_("column", "measure"),
    NC_("column", "median minutes"),
    NC_("column", "met"),
    NC_("column", "note"),
    NC_("column", "opened"),
    NC_("column", "overdue"),
    NC_("column", "owner"),
    NC_("column", "p90 minutes"),
    NC_("column", "position"),
    NC_("column", "product line"),
    NC_("column", "requests"),
    NC_("column", "resolve median minutes"),
    NC_("column", "resolved"),
    NC_("column", "restore median minutes"),
    NC_("column", "seen"),
    NC_("column", "seen by"),
    NC_("column", "severity"),
    NC_("column", "site"),
    NC_("column", "sla compliance pct"),
    NC_("column", "sr"),
    NC_("column", "start"),
    NC_("column", "started"),
    NC_("column", "state"),
    NC_("column", "status"),
    NC_("column", "subject"),
    NC_("column", "summary"),
    NC_("column", "title"),
    NC_("column", "unit"),
    NC_("column", "value"),
    NC_("column", "table"),
    NC_("column", "key"),
    NC_("column", "field"),
    NC_("column", "status now"),
    NC_("column", "during the shift"),
    NC_("column", "closed"),
    NC_("column", "now"),
    NC_("column", "person"),
    NC_("column", "channel"),
    NC_("column", "page"),
    NC_("column", "drill"),
    NC_("column", "scenario"),
    NC_("column", "reach rate"),
    NC_("column", "acknowledged"),
    NC_("column", "result"),
)
MEASURES = (
    NC_("value", "total"),
    NC_("value", "all"),
    NC_("value", "category"),
    NC_("value", "channel"),
    NC_("value", "product line"),
    NC_("value", "acknowledge"),
    NC_("value", "callback attempts"),
    NC_("value", "callback before closure pct"),
    NC_("value", "closed after callback"),
    NC_("value", "closed without callback"),
    NC_("value", "complaints"),
    NC_("value", "customers with repeats"),
    NC_("value", "cutover mean score"),
    NC_("value", "cutovers called back"),
    NC_("value", "cutovers completed"),
    NC_("value", "dissatisfied"),
    NC_("value", "mean score"),
    NC_("value", "median age hours"),
    NC_("value", "oldest age hours"),
    NC_("value", "open at end"),
    NC_("value", "opened"),
    NC_("value", "reopened after callback"),
    NC_("value", "repeat complaints"),
    NC_("value", "resolved on time"),
    NC_("value", "responded late"),
    NC_("value", "responded on time"),
    NC_("value", "response overdue"),
    NC_("value", "scored"),
    NC_("value", "waiting for callback"),
    NC_("value", "br"),
    NC_("value", "yes"),
    NC_("value", "no"),
    NC_("value", "NO"),
    NC_("value", "request"),
    NC_("value", "emergency"),
    NC_("value", "fault"),
    NC_("value", "fault-critical"),
    NC_("value", "open"),
    NC_("value", "updated"),
    NC_("value", "passed"),
    NC_("value", "FAILED"),
)
_POSITION = re.compile(r"round (\d+), step (\d+)")
# what a shift did to a request (`dispatcher.reports.shift`): "opened; status_changed new→assigned"
_MOVE = r"[a-z_]+(?: [a-z_]+→[a-z_]+)?"
_MOVES = re.compile(rf"{_MOVE}(?:; {_MOVE})+|[a-z_]+ [a-z_]+→[a-z_]+")


def column_title(name: str, language: str) -> str:
    """A column as its reader names it; English keeps the file's own key ("median_minutes")."""
    if language == "en":
        return name
    return translator(language).pgettext(COLUMN, name.replace("_", " "))


def cell(value: Any, language: str) -> Any:
    """A cell in `language`: a measure or domain value named, anything else as it is."""
    if language == "en" or not isinstance(value, str):
        return value
    if position := _POSITION.fullmatch(value):  # a chain's place (`Position.label`)
        round_, step = (int(n) - 1 for n in position.groups())
        return Position(round_, step).label(language)
    if _MOVES.fullmatch(value):  # each value of the moves named, the arrows kept
        return re.sub(r"[a-z_]+", lambda word: cell(word.group(), language), value)
    spoken = value.replace("_", " ")
    named = translator(language).pgettext(VALUE, spoken)
    return value if named == spoken else named


def text(message: str, language: str) -> str:
    """A report's or table's title in `language`."""
    return translator(language).gettext(message)
