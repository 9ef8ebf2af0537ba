"""The board's layout and drawing: the columns a terminal's width keeps, the filters, and each
row's cells (the SLA countdown, where the call-out stands), drawn as the table paints a line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from rich.style import Style
from rich.text import Text

from dispatcher.domain.callout import RunState
from dispatcher.i18n import name_of
from dispatcher.tui.context import DeskContext
from dispatcher.tui.data.board import BoardRow
from dispatcher.tui.data.formats import clock_text
from dispatcher.tui.widgets.virtual_table import GAP, Column

PINNED = Style(color="red", bold=True)
FLASH = Style(color="white", bgcolor="red", bold=True)

FILTERS: dict[str, Callable[[BoardRow, datetime], bool]] = {
    "all": lambda row, now: True,
    "emergency": lambda row, now: row.pinned,
    "late": lambda row, now: row.late(now),
    "unowned": lambda row, now: row.unowned,
    "drill": lambda row, now: row.sr.drill,
}
# Filters worked out with each read, in the worker: their rows change only when the store does,
# but "late", which gains rows as time passes (see `BoardScreen.late_until`).
STEADY = ("all", "emergency", "late", "unowned", "drill")

WIDTHS = {
    "id": 20,  # "! SR-20261130-0001 D": the whole id, its emergency mark and drill mark
    "age": 6,
    "category": 12,
    "severity": 8,
    "customer": 16,
    "site": 10,
    "owner": 12,
    "status": 10,
    "sla": 17,
    "callout": 20,
    "summary": 20,
}
# What a narrow terminal keeps (80 columns: the id, severity, status, call-out and summary),
# then what it adds as the width allows, most useful first; wide terminals widen two columns.
KEPT = ("id", "severity", "status", "callout", "summary")
ADDED = ("sla", "owner", "age", "customer", "category", "site")
WIDER = {"customer": 28, "category": 22, "summary": 40}
SUMMARY_AT_LEAST = 16


def board_columns(width: int) -> dict[str, int]:
    """The columns that fit `width` cells, in the board's order, with their widths."""
    widths = {key: WIDTHS[key] for key in KEPT}

    def used() -> int:
        return sum(widths.values()) + GAP * (len(widths) - 1)

    widths["summary"] = SUMMARY_AT_LEAST
    for key in ADDED:
        if used() + WIDTHS[key] + GAP <= width:
            widths[key] = WIDTHS[key]
    for key, wide in WIDER.items():
        if key in widths and used() + wide - widths[key] <= width:
            widths[key] = wide
    return {key: widths[key] for key in WIDTHS if key in widths}


class RowPainter:
    """Draws the board's rows in one language; `seen` (shared with the board) holds the SRs
    whose breach this dispatcher has looked at, which stop flashing."""

    def __init__(
        self, desk: DeskContext, language: str, words: Mapping[str, str], seen: set[str]
    ) -> None:
        self.desk = desk
        self.language = language
        self.words = words
        self.seen = seen

    def row(
        self, row: BoardRow, columns: Sequence[Column]
    ) -> tuple[list[Text | str], Style | None]:
        """The cells of `columns` for one row, and the row's style (pinned red, or flashing)."""
        sr, now, language = row.sr, self.desk.now(), self.language
        breached = row.breached(now)
        style = None
        flash_on = int(now.timestamp()) % 2 == 0  # on and off with the desk's clock
        if ((breached and sr.id not in self.seen) or row.exhausted_unseen) and flash_on:
            style = FLASH
        elif row.pinned:
            style = PINNED
        deadline = row.deadline
        sla: Text | str = ""
        if deadline is not None:
            sla = f"{name_of(deadline.kind, language)} {clock_text(deadline.deadline - now)}"
            if style is not FLASH:  # red on the flashing red would vanish
                sla = Text(
                    sla, style="bold red" if breached else ("yellow" if row.near(now) else "")
                )
        customer = ("★VIP " if sr.customer.vip else "") + sr.customer.name
        owner = "/".join(part for part in (sr.owner.unit, sr.owner.person) if part)
        cells: dict[str, Text | str] = {
            "id": ("! " if row.pinned else "  ") + sr.id + (" D" if sr.drill else ""),
            "age": clock_text(now - sr.received).rsplit(":", 1)[0],
            "category": name_of(sr.category, language),
            "severity": name_of(sr.severity, language),
            "customer": customer,
            "site": sr.site,
            "owner": f"{owner or '—'} {sr.level.value}",
            "status": name_of(sr.status, language),
            "sla": sla,
            "callout": self.callout_cell(row, style is FLASH),
            "summary": sr.summary,
        }
        return [cells[column.key] for column in columns], style

    def callout_cell(self, row: BoardRow, flashing: bool) -> Text | str:
        """Where the chain stands: step, who was paged, or who acknowledged."""
        record, language = row.callout, self.language
        if record is None:
            return ""
        if record.run.state is RunState.ACKNOWLEDGED:
            return Text(f"✓ {record.run.acknowledged_by}", style="green")
        if record.run.state is not RunState.RUNNING:
            text = name_of(record.run.state, language)
            return text if flashing else Text(text, style="bold red")
        last = record.steps[-1] if record.steps else None
        position = (
            f"{record.run.position.round + 1}.{record.run.position.step + 1}/{record.steps_total}"
        )
        if last is None:
            return f"{position} …"
        if last.skipped or not last.people:
            return Text(f"{position} {self.words['nobody']}", style="" if flashing else "red")
        return f"{position} → {', '.join(self.person_name(p) for p in last.people)}"

    def person_name(self, person_id: str) -> str:
        person = self.desk.roster.people.get(person_id)
        if person is None:
            return person_id
        return person.name_zh if self.language == "zh" and person.name_zh else person.name
