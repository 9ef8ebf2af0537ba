"""A report as Markdown (to print or paste), CSV (one figure a line) or JSON, in a language.

Markdown is all in the reader's language (titles, column heads, measure and value names); CSV
has its header row and column names in it, its table names and row keys stay the file's
English keys; JSON keeps English keys and gives titles in the language. Figures never change.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from dispatcher.domain.text import escape
from dispatcher.i18n import translator
from dispatcher.reports import Report
from dispatcher.reports.words import cell, column_title, text
from dispatcher.store.paths import write_output

FORMATS = ("md", "csv", "json")


def render(report: Report, fmt: str, language: str = "en") -> str:
    """The report as text in `language`; control characters from its data are escaped
    (`\\uXXXX`, which in JSON is the same character), so a report shown in a terminal cannot
    drive it."""
    return escape({"md": markdown, "csv": as_csv, "json": as_json}[fmt](report, language))


def save(report: Report, fmt: str, path: Path, language: str = "en") -> None:
    """Write the report whole or not at all, private (0600), never through a symbolic link
    (`dispatcher.store.paths.write_output`)."""
    write_output(path, lambda out: out.write(render(report, fmt, language)))


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _numeric(table, column: int) -> bool:
    """Numbers are right-aligned: a column whose every value is a number or missing."""
    values = [row[column] for row in table.rows if row[column] is not None]
    return bool(values) and all(isinstance(v, (int, float)) for v in values)


def markdown(report: Report, language: str = "en") -> str:
    _ = translator(language).gettext
    period = _("Period: {start} to {end} · generated {generated}").format(
        start=report.start.isoformat(timespec="minutes"),
        end=report.end.isoformat(timespec="minutes"),
        generated=report.generated.isoformat(timespec="seconds"),
    )
    lines = [f"# {text(report.title, language)}", "", period]
    for table in report.tables:
        lines += ["", f"## {text(table.title, language)}", ""]
        if not table.rows:
            lines.append(_("_none_"))
            continue
        lines.append("| " + " | ".join(column_title(c, language) for c in table.columns) + " |")
        lines.append(
            "| "
            + " | ".join("---:" if _numeric(table, i) else "---" for i in range(len(table.columns)))
            + " |"
        )
        lines += [
            "| " + " | ".join(_cell(cell(v, language)) for v in row) + " |" for row in table.rows
        ]
    return "\n".join(lines) + "\n"


def as_csv(report: Report, language: str = "en") -> str:
    """One figure a line: table, the row's key (its key columns joined by '/'), field, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(tuple(column_title(c, language) for c in ("table", "key", "field", "value")))
    writer.writerow(("report", "period", "kind", report.kind))
    writer.writerow(("report", "period", "from", report.start.isoformat()))
    writer.writerow(("report", "period", "to", report.end.isoformat()))
    writer.writerow(("report", "period", "generated", report.generated.isoformat()))
    for table in report.tables:
        for row in table.rows:
            key = "/".join(str(v) for v in row[: table.keys])
            for column, value in zip(table.columns[table.keys :], row[table.keys :], strict=False):
                field = column_title(column, language)
                writer.writerow((table.name, key, field, "" if value is None else value))
    return out.getvalue()


def as_json(report: Report, language: str = "en") -> str:
    return (
        json.dumps(
            {
                "report": report.kind,
                "title": text(report.title, language),
                "from": report.start.isoformat(),
                "to": report.end.isoformat(),
                "generated": report.generated.isoformat(),
                "tables": {
                    t.name: {
                        "title": text(t.title, language),
                        "columns": list(t.columns),
                        "rows": t.records(),
                    }
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
