"""Reports: the shift handover and the daily, weekly and monthly service reports.

Each report is a `Report` of `dispatcher.domain.metrics.Table`s; `render` writes it as
Markdown, CSV or JSON, and the desk draws the same tables. Drill records never count in them;
a drill has its own report (`dispatcher.reports.drill`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dispatcher.domain.metrics import Table


@dataclass(frozen=True)
class Report:
    kind: str  # "handover", "daily", "weekly", "monthly"
    title: str
    start: datetime
    end: datetime
    generated: datetime
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)
