"""The snapshot-and-generation pair: what a partition holds is `snapshot` (generation G) plus
the commits of `journal.G`.

`load` reads a partition directory into memory and never fails on damage: it keeps every
record that can be read and lists the damage (`damage.py`). It reads, never writes: a missing
or unreadable snapshot never leads to deleting anything. `quick_check` is what a write that
does not load the partition (`Partition.append_new`) verifies first. `write_verified` is the
first step of a compaction: the new snapshot written, fsynced, read back and verified.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from dispatcher.store import codec, documents, files
from dispatcher.store.damage import Damage, commit_damage, ids_in_line
from dispatcher.store.journal import store_errors
from dispatcher.store.undo import Tables, apply_commit


@dataclass
class Image:
    """A partition as read from disk. `generation` is the snapshot's (None: no snapshot);
    `current` the generation of the journal new commits go to; `pos`/`lineno` where the
    complete lines of that journal end."""

    tables: Tables = field(default_factory=dict)
    high: dict[str, int] = field(default_factory=dict)
    generation: int | None = None
    current: int = 0
    pos: int = 0
    lineno: int = 1
    snapshot_size: int = 0
    damage: list[Damage] = field(default_factory=list)


def load(directory: Path, label: str) -> Image:
    """Read the snapshot and replay its journal; damage is listed, never raised."""
    with codec.decoding_in_bulk():
        return _load(directory, label)


def _load(directory: Path, label: str) -> Image:
    image = Image()
    path = directory / files.SNAPSHOT
    with store_errors(f"cannot read {path}"):
        try:
            data: bytes | None = path.read_bytes()
        except FileNotFoundError:
            data = None
        generations = files.journal_generations(directory)
    if data is None:
        replay = [0]
        if _snapshot_lost(directory, generations):
            image.damage.append(
                Damage(f"{label}/{files.SNAPSHOT}", None, "missing, though journals follow it")
            )
            replay = generations
    else:
        image.snapshot_size = len(data)
        try:
            image.generation, image.tables, image.high = files.parse_snapshot(data)
        except files.BadSnapshot as exc:
            image.generation = files.header_generation(data)
            if image.generation is None:
                image.generation = max(generations, default=0)
            image.damage.append(Damage(f"{label}/{files.SNAPSHOT}", None, str(exc)))
            # What the damaged snapshot superseded, if still there, then what it still holds.
            for older in (g for g in generations if g < image.generation):
                _replay(directory, label, older, image)
            salvage(data, image.tables, image.high)
        for table, doc_id, problem in documents.drop_bad(image.tables):
            image.damage.append(
                Damage(f"{label}/{files.SNAPSHOT}", None, problem, ((table, doc_id),))
            )
        replay = [image.generation]
        for newer in (g for g in generations if g > image.generation):
            if _size(directory, newer):  # an empty one is what an interrupted compaction left
                image.damage.append(
                    Damage(
                        f"{label}/{files.journal_name(newer)}",
                        None,
                        f"newer than the snapshot (generation {image.generation})",
                    )
                )
                replay.append(newer)
    for generation in replay:
        _replay(directory, label, generation, image)
    return image


def _snapshot_lost(directory: Path, generations: list[int]) -> bool:
    """Without a snapshot, a journal past generation 0 that holds commits, or one without
    journal.0 beside it, shows that a compaction installed a snapshot that is gone now (an
    interrupted first compaction leaves journal.0 and an empty journal.1)."""
    newer = [g for g in generations if g > 0]
    return bool(newer) and (0 not in generations or any(_size(directory, g) for g in newer))


def _size(directory: Path, generation: int) -> int:
    with store_errors(f"cannot read {directory / files.journal_name(generation)}"):
        return os.stat(directory / files.journal_name(generation)).st_size


def _replay(directory: Path, label: str, generation: int, image: Image) -> None:
    """Apply every good commit of one journal; its bad complete lines are damage."""
    name = files.journal_name(generation)
    with store_errors(f"cannot read {directory / name}"):
        try:
            buf = (directory / name).read_bytes()
        except FileNotFoundError:
            buf = b""
    found = files.scan(buf, 1)
    for lineno, commit in found.commits:
        try:
            apply_commit(image.tables, image.high, commit)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            image.damage.append(commit_damage(f"{label}/{name}", lineno, error))
    for bad in found.bad:
        image.damage.append(
            Damage(f"{label}/{name}", bad.lineno, bad.reason, ids_in_line(bad.raw[9:]))
        )
    image.current, image.pos, image.lineno = generation, found.used, 1 + _lines(found)


def _lines(found: files.Scan) -> int:
    return len(found.commits) + len(found.bad)


def salvage(data: bytes, tables: Tables, high: dict[str, int]) -> int:
    """Every whole document a damaged snapshot still holds, read in order up to the first
    byte that does not parse, put into `tables` (over what is there). Returns how many."""
    text = data[data.find(b"\n") + 1 :].decode("utf-8", errors="replace")
    decoder = json.JSONDecoder()
    count = 0
    prefix = '{"tables":{'
    if not text.startswith(prefix):
        return 0
    pos = len(prefix)
    try:
        while text[pos] == '"':
            name, pos = decoder.raw_decode(text, pos)
            pos = _expect(text, pos, ":{")
            table = tables.setdefault(name, {})
            while text[pos] == '"':
                key, pos = decoder.raw_decode(text, pos)
                doc, pos = decoder.raw_decode(text, _expect(text, pos, ":"))
                table[int(key)] = doc
                high[name] = max(high.get(name, 0), int(key))
                count += 1
                pos += text[pos] == ","
            pos = _expect(text, pos, "}")
            pos += text[pos] == ","
    except (IndexError, ValueError):
        pass
    return count


def _expect(text: str, pos: int, token: str) -> int:
    if not text.startswith(token, pos):
        raise ValueError(f"expected {token!r}")
    return pos + len(token)


def current_generation(directory: Path) -> int | None:
    """The generation the snapshot's header names: None without a snapshot, -1 for a header
    that is not one (never equal to a loaded generation, so the caller reloads and reports)."""
    path = directory / files.SNAPSHOT
    with store_errors(f"cannot read {path}"):
        try:
            header = files.read_header(path)
        except files.BadSnapshot:
            return -1
    return header[0] if header else None


@dataclass
class Quick:
    generation: int  # of the journal to append to
    snapshot_size: int
    damage: list[Damage]


def quick_check(directory: Path, label: str) -> Quick:
    """What a blind append verifies without reading the snapshot's body: a readable header,
    a file as long as the header says, and no journal that a missing snapshot would precede
    or that is newer than the snapshot."""
    path = directory / files.SNAPSHOT
    damage: list[Damage] = []
    with store_errors(f"cannot read {path}"):
        generations = files.journal_generations(directory)
        try:
            header = files.read_header(path)
            size = os.stat(path).st_size if header else 0
        except files.BadSnapshot as exc:
            return Quick(0, 0, [Damage(f"{label}/{files.SNAPSHOT}", None, str(exc))])
    if header is None:
        if _snapshot_lost(directory, generations):
            damage.append(
                Damage(f"{label}/{files.SNAPSHOT}", None, "missing, though journals follow it")
            )
        return Quick(0, 0, damage)
    generation, promised = header
    if size != promised:
        damage.append(
            Damage(f"{label}/{files.SNAPSHOT}", None, f"truncated: {size} of {promised} bytes")
        )
    for newer in (g for g in generations if g > generation):
        if _size(directory, newer):
            damage.append(
                Damage(f"{label}/{files.journal_name(newer)}", None, "newer than the snapshot")
            )
    return Quick(generation, size, damage)


def damaged(directory: Path, label: str) -> bool:
    """Whether a partition shows damage to `quick_check` or in a journal line's checksum
    (nothing parsed; a torn tail is no damage): what a write verifies before a blind append,
    for a partition nobody writes (an archive month). False for a partition not there."""
    if not directory.is_dir():
        return False
    quick = quick_check(directory, label)
    if quick.damage:
        return True
    path = directory / files.journal_name(quick.generation)
    with store_errors(f"cannot read {path}"):
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # compacted meanwhile, or never written
            return False
    return bool(files.scan(data, 1, parse=False).bad)


def write_verified(directory: Path, generation: int, tables: Tables, high: dict) -> int:
    """Write `snapshot.tmp`, fsync it, read it back and verify its header, length and
    checksum against what was written; returns its size. Raises OSError, or ValueError if
    what reads back is not what was written."""
    size = files.write_snapshot(directory, generation, tables, high)
    written = (directory / files.SNAPSHOT_TMP).read_bytes()
    try:
        if files.verify_snapshot(written) != generation or len(written) != size:
            raise files.BadSnapshot("another generation or size")
    except files.BadSnapshot as exc:
        raise ValueError(f"the new snapshot reads back wrong ({exc})") from None
    return size
