"""Compaction: the partition's tables become snapshot G+1 and an empty `journal.G+1`.

The order keeps every saved commit readable at every instant, whatever moment a crash or a
SIGKILL picks: (1) `snapshot.tmp` is written, fsynced, read back and verified; (2) the empty
`journal.G+1` is created; (3) the snapshot is renamed into place and the directory synced;
only then (4) are the journals it supersedes unlinked. Until (3) the old pair is current; after
it the new one is, and an older journal left behind by a crash is ignored by every reader.
"""

from __future__ import annotations

import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from dispatcher.errors import StoreError
from dispatcher.store import files, snapshots
from dispatcher.store.journal import reason, store_errors
from dispatcher.store.undo import Tables

DEFAULT_COMPACT_MIN_BYTES = 8 * 1024 * 1024
DEFAULT_COMPACT_RATIO = 1.0


@dataclass
class Policy:
    """Compact once the journal is larger than both `min_bytes` and `ratio` x the snapshot,
    unless compaction is `held` (a bulk load, `Store.bulk_load`)."""

    min_bytes: int = DEFAULT_COMPACT_MIN_BYTES
    ratio: float = DEFAULT_COMPACT_RATIO
    held: bool = False

    def due(self, journal_bytes: int, snapshot_bytes: int) -> bool:
        return not self.held and self.grown(journal_bytes, snapshot_bytes)

    def grown(self, journal_bytes: int, snapshot_bytes: int) -> bool:
        """The journal has outgrown the snapshot, held or not."""
        return journal_bytes >= max(self.min_bytes, self.ratio * snapshot_bytes)


def install_snapshot(directory: Path, generation: int, tables: Tables, high: dict) -> int:
    """Steps 1-3: after this returns, snapshot `generation` and its empty journal are current.
    Returns the snapshot's size. On failure the old pair stays current and nothing was lost."""
    new_journal = directory / files.journal_name(generation)
    created = False
    try:
        if new_journal.exists():
            if new_journal.stat().st_size:  # `snapshots.load` reports it as damage
                raise ValueError(f"{new_journal.name} already holds commits")
            new_journal.unlink()  # empty: what an interrupted compaction created
        size = snapshots.write_verified(directory, generation, tables, high)
        os.close(os.open(new_journal, os.O_RDWR | os.O_CREAT | os.O_EXCL, files.FILE_MODE))
        created = True
        files.sync_directory(directory)
        os.replace(directory / files.SNAPSHOT_TMP, directory / files.SNAPSHOT)
    except (OSError, ValueError) as exc:
        for leftover, ours in ((new_journal, created), (directory / files.SNAPSHOT_TMP, True)):
            if ours:
                with suppress(OSError):
                    leftover.unlink()
        why = reason(exc) if isinstance(exc, OSError) else str(exc)
        raise StoreError(f"cannot compact {directory}: {why}; nothing was lost") from None
    # The new pair is current from the rename on, for every process; `drop_superseded`
    # syncs the directory again before it unlinks anything.
    with suppress(OSError):
        files.sync_directory(directory)
    return size


def drop_superseded(directory: Path, generation: int) -> None:
    """Step 4: unlink the journals older than `generation`, whose snapshot is in place."""
    with store_errors(f"cannot compact {directory}"):
        for old in files.journal_generations(directory):
            if old < generation:
                (directory / files.journal_name(old)).unlink()
        files.sync_directory(directory)
