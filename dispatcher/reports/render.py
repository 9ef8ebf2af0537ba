"""A report as Markdown (to print or paste), CSV (one figure a line) or JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from dispatcher.domain.text import escape
from dispatcher.reports import Report
from dispatcher.store.paths import write_output

FORMATS = ("md", "csv", "json")


def render(report: Report, fmt: str) -> str:
    """The report as text; control characters from its data are escaped (`\\uXXXX`, which in
    JSON is the same character), so a report shown in a terminal cannot drive it."""
    return escape({"md": markdown, "csv": as_csv, "json": as_json}[fmt](report))


def save(report: Report, fmt: str, path: Path) -> None:
    """Write the report whole or not at all, private (0600), never through a symbolic link
    (`dispatcher.store.paths.write_output`)."""
    write_output(path, lambda out: out.write(render(report, fmt)))


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _numeric(table, column: int) -> bool:
    """Numbers are right-aligned: a column whose every value is a number or missing."""
    values = [row[column] for row in table.rows if row[column] is not None]
    return bool(values) and all(isinstance(v, (int, float)) for v in values)


def _period(report: Report) -> str:
    return f"{report.start.isoformat(timespec='minutes')} to {report.end.isoformat(timespec='minutes')}"


def markdown(report: Report) -> str:
    lines = [
        f"# {report.title}",
        "",
        f"Period: {_period(report)} · generated {report.generated.isoformat(timespec='seconds')}",
    ]
    for table in report.tables:
        lines += ["", f"## {table.title}", ""]
        if not table.rows:
            lines.append("_none_")
            continue
        lines.append("| " + " | ".join(table.columns) + " |")
        lines.append(
            "| "
            + " | ".join("---:" if _numeric(table, i) else "---" for i in range(len(table.columns)))
            + " |"
        )
        lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


def as_csv(report: Report) -> str:
    """One figure a line: table, the row's key (its key columns joined by '/'), field, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("table", "key", "field", "value"))
    writer.writerow(("report", "period", "kind", report.kind))
    writer.writerow(("report", "period", "from", report.start.isoformat()))
    writer.writerow(("report", "period", "to", report.end.isoformat()))
    writer.writerow(("report", "period", "generated", report.generated.isoformat()))
    for table in report.tables:
        for row in table.rows:
            key = "/".join(str(v) for v in row[: table.keys])
            for column, value in zip(table.columns[table.keys :], row[table.keys :], strict=False):
                writer.writerow((table.name, key, column, "" if value is None else value))
    return out.getvalue()


def as_json(report: Report) -> str:
    return (
        json.dumps(
            {
                "report": report.kind,
                "title": report.title,
                "from": report.start.isoformat(),
                "to": report.end.isoformat(),
                "generated": report.generated.isoformat(),
                "tables": {
                    t.name: {"title": t.title, "columns": list(t.columns), "rows": t.records()}
                    for t in report.tables
                },
            },
            ensure_ascii=False,
            indent=2,
            default=_default,
        )
        + "\n"
    )


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")
