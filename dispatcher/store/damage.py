"""What is damaged in a data directory, and the one message that refuses a write because of it.

The rule (ARCHITECTURE.md, "The store"; PROMISES.md 4): only an unterminated last journal line
is a torn write and may be dropped. Any other bad line, a missing or unreadable snapshot, or a
journal newer than the snapshot that should precede it is damage: reads go on with what can be
read and say where the damage is; writes are refused until `dispatcher store repair` has copied
every recoverable record into a new directory. Nothing damaged is ever deleted or truncated.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from dispatcher.errors import StoreError
from dispatcher.store import files

REPAIR_HINT = "run `dispatcher store repair`"
_DOC_KEY = re.compile(rb'"(\d{1,20})":\{')


@dataclass(frozen=True)
class Damage:
    """One damaged place: `file` relative to the data directory ("live/journal.0"), the line
    (1-based; None for a whole file), why, and the (table, doc id) pairs the damaged part held
    as far as they can still be read (a table of "?" when only the id could be made out)."""

    file: str
    line: int | None
    reason: str
    doc_ids: tuple[tuple[str, int], ...] = ()

    @property
    def where(self) -> str:
        return f"{self.file} line {self.line}" if self.line else self.file

    def describe(self) -> str:
        return f"{self.where}: {self.reason}"


class StoreDamaged(StoreError):
    """A write refused because the partition it would change is damaged."""

    def __init__(self, damage: list[Damage], message: str | None = None) -> None:
        super().__init__(message or refusal(damage))
        self.damage = list(damage)


class DuplicateId(StoreError, ValueError):
    """A new document whose id is already taken: ids are never reused. A ValueError too, as
    TinyDB raises for an insert of an existing doc_id."""


class SequenceEnd(StoreError):
    """A counter at the last value its caller may hand out (`Store.next_sequence`'s `last`)."""

    def __init__(self, key: str, last: int) -> None:
        super().__init__(f"{key}: {last}, its last number, is taken")
        self.key, self.last = key, last


def refusal(damage: list[Damage]) -> str:
    """ "the store is damaged at live/journal.0 line 5; run `dispatcher store repair`"."""
    more = f" (and {len(damage) - 1} more)" if len(damage) > 1 else ""
    return f"the store is damaged at {damage[0].where}{more}; {REPAIR_HINT}"


def warning(damage: list[Damage]) -> str:
    """The one line every command and the desk show while the store is damaged."""
    more = f" and {len(damage) - 1} more place(s)" if len(damage) > 1 else ""
    return (
        f"the store is damaged at {damage[0].describe()}{more}; what it held is not shown "
        f"and writes are refused; {REPAIR_HINT}"
    )


def ids_in_line(body: bytes) -> tuple[tuple[str, int], ...]:
    """The documents a damaged journal line names: exactly, if it still decodes as JSON (its
    checksum failed but the text may only have a changed value), else every `"<digits>":{`
    key that can be made out, with the table unknown."""
    try:
        commit = json.loads(body)
        found = []
        for table, change in commit["t"].items():
            found += [(table, int(key)) for key in change.get("set", {})]
            found += [(table, int(key)) for key in change.get("del", [])]
        return tuple(found)
    except (ValueError, KeyError, TypeError, AttributeError):
        return tuple(("?", int(key)) for key in _DOC_KEY.findall(body))


def commit_damage(file: str, line: int, error: Exception) -> Damage:
    """The damage of a journal line whose checksum holds but whose commit cannot be applied
    (`undo.apply_commit` raised `error`): a document of the wrong shape is named with its
    field (`documents.BadDocument`), anything else is "not a valid commit"."""
    from dispatcher.store.documents import BadDocument

    if isinstance(error, BadDocument):
        return Damage(file, line, str(error), ((error.table, error.doc_id),))
    return Damage(file, line, "not a valid commit")


DAMAGE_NOTICE = "DAMAGED"


def read_notice(data_dir: Path) -> list[str]:
    """The lines of the damage notice (`DAMAGED` in the data directory), if any."""
    try:
        text = (data_dir / DAMAGE_NOTICE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [line for line in text.splitlines() if line.strip()]


def write_notice(data_dir: Path, lines: list[str]) -> None:
    """Set the damage notice to `lines` ("live/journal.0 line 5: checksum mismatch"), or
    remove it when there are none. Best effort: the notice only repeats what the files show."""
    notice, tmp = data_dir / DAMAGE_NOTICE, data_dir / (DAMAGE_NOTICE + ".tmp")
    try:
        if not lines:
            notice.unlink(missing_ok=True)
            return
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, files.FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("".join(line + "\n" for line in lines))
        os.replace(tmp, notice)
    except OSError:
        pass
