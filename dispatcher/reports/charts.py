"""The series the desk's report screen draws, taken from a report's own tables, so the charts
show exactly the figures the exported files hold."""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.i18n import translator
from dispatcher.reports import Report
from dispatcher.reports.words import cell


@dataclass(frozen=True)
class Series:
    title: str
    labels: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]  # one tuple per bar group, in `names` order
    names: tuple[str, ...] = ()


def chart_series(report: Report, language: str = "en") -> list[Series]:
    """The charts' titles, labels and legends in `language`; the values as in the report."""
    _ = translator(language).gettext
    volumes = [r for r in report.table("volumes").records() if r["dimension"] == "category"]
    resolve = [  # a severity with nothing resolved yet has no time to draw
        r
        for r in report.table("times").records()
        if r["measure"] == "resolve" and r["median_minutes"] is not None
    ]
    compliance: dict[str, list[int]] = {}
    for row in report.table("sla").records():
        totals = compliance.setdefault(row["product_line"], [0, 0])
        totals[0] += row["met"]
        totals[1] += row["decided"]
    lines = [line for line, (_, decided) in compliance.items() if decided]
    units = report.table("units").records()
    return [
        Series(
            _("Requests by category"),
            tuple(cell(r["value"], language) for r in volumes),
            (tuple(float(r["requests"]) for r in volumes),),
        ),
        Series(
            _("Time to resolve by severity (minutes)"),
            tuple(cell(r["severity"], language) for r in resolve),
            (
                tuple(r["median_minutes"] or 0.0 for r in resolve),
                tuple(r["p90_minutes"] or 0.0 for r in resolve),
            ),
            (_("median"), _("p90")),
        ),
        Series(
            _("SLA compliance by product line (%)"),
            tuple(lines),
            (tuple(round(100 * compliance[line][0] / compliance[line][1], 1) for line in lines),),
        ),
        Series(
            _("Requests per unit"),
            tuple(f"{cell(r['kind'], language)}:{r['unit']}" for r in units),
            (tuple(float(r["requests"]) for r in units),),
        ),
    ]
