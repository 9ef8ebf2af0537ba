"""The series the desk's report screen draws, taken from a report's own tables, so the charts
show exactly the figures the exported files hold."""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.reports import Report


@dataclass(frozen=True)
class Series:
    title: str
    labels: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]  # one tuple per bar group, in `names` order
    names: tuple[str, ...] = ()


def chart_series(report: Report) -> list[Series]:
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
            "Requests by category",
            tuple(r["value"] for r in volumes),
            (tuple(float(r["requests"]) for r in volumes),),
        ),
        Series(
            "Time to resolve by severity (minutes)",
            tuple(r["severity"] for r in resolve),
            (
                tuple(r["median_minutes"] or 0.0 for r in resolve),
                tuple(r["p90_minutes"] or 0.0 for r in resolve),
            ),
            ("median", "p90"),
        ),
        Series(
            "SLA compliance by product line (%)",
            tuple(lines),
            (tuple(round(100 * compliance[line][0] / compliance[line][1], 1) for line in lines),),
        ),
        Series(
            "Requests per unit",
            tuple(f"{r['kind']}:{r['unit']}" for r in units),
            (tuple(float(r["requests"]) for r in units),),
        ),
    ]
