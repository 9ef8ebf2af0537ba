"""The on-disk formats of one partition: journal lines and snapshots.

A partition directory holds:

    snapshot        the whole partition at the start of generation G (absent for G = 0):
                    one header line "DSTORE1 <G> <crc32 hex> <length>\\n", then a JSON body
                    {"tables": {name: {doc_id: document}}, "high": {name: highest doc_id}}
    journal.<G>     one line per commit since that snapshot: "<crc32 hex> <json>\\n", the json
                    {"t": {name: {"drop": 1} | {"clear": 1?, "del": [ids]?, "set": {id: doc}?}}}
    lock            the write lock (flock) of the partition
    snapshot.tmp    a snapshot being written; never read

This module only encodes, decodes and syncs; `partition.py` decides what to do with them.
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path
from typing import Any

SNAPSHOT = "snapshot"
SNAPSHOT_TMP = "snapshot.tmp"
LOCK = "lock"
JOURNAL_PREFIX = "journal."
_MAGIC = b"DSTORE1"

sync_data = getattr(os, "fdatasync", os.fsync)


class BadSnapshot(Exception):
    """A snapshot file whose header or checksum does not match its body."""


class CorruptLine(Exception):
    """A journal line that fails its checksum and is not the last line of the file."""

    def __init__(self, lineno: int) -> None:
        super().__init__(lineno)
        self.lineno = lineno


def journal_name(generation: int) -> str:
    return f"{JOURNAL_PREFIX}{generation}"


def journal_generations(directory: Path) -> list[int]:
    """The generations of the journal files present in a partition directory."""
    found = []
    for name in os.listdir(directory):
        if name.startswith(JOURNAL_PREFIX) and name[len(JOURNAL_PREFIX) :].isdigit():
            found.append(int(name[len(JOURNAL_PREFIX) :]))
    return sorted(found)


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def encode_line(payload: bytes) -> bytes:
    return b"%08x " % zlib.crc32(payload) + payload + b"\n"


def _decode_line(raw: bytes) -> dict | None:
    """The commit in one journal line (without its newline), or None if it is damaged."""
    if len(raw) < 10 or raw[8:9] != b" ":
        return None
    try:
        crc = int(raw[:8], 16)
    except ValueError:
        return None
    body = raw[9:]
    if zlib.crc32(body) != crc:
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def scan(buf: bytes, first_lineno: int) -> tuple[list[dict], int, bool]:
    """Decode the journal bytes `buf`, whose first line is line `first_lineno` of the file.

    Returns the commits, how many bytes of `buf` they span, and whether a torn tail follows
    them (an incomplete last line, or a last complete line that fails its checksum). A damaged
    line with complete lines after it raises CorruptLine: acknowledged data lies beyond it.
    """
    lines = buf.split(b"\n")
    tail = lines.pop()
    commits: list[dict] = []
    used = 0
    last = len(lines) - 1
    for index, raw in enumerate(lines):
        commit = _decode_line(raw)
        if commit is None:
            if index == last:
                return commits, used, True
            raise CorruptLine(first_lineno + index)
        commits.append(commit)
        used += len(raw) + 1
    return commits, used, bool(tail)


def read_header(path: Path) -> int | None:
    """The generation named by a snapshot's header, or None when there is no snapshot."""
    try:
        with open(path, "rb") as handle:
            line = handle.readline(80)
    except FileNotFoundError:
        return None
    parts = line.split()
    if len(parts) != 4 or parts[0] != _MAGIC or not parts[1].isdigit():
        raise BadSnapshot("bad header")
    return int(parts[1])


def read_snapshot(path: Path) -> tuple[int, dict, dict, int] | None:
    """(generation, tables, high-water doc_ids, file size) of a snapshot, or None if absent."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None
    header, _, body = data.partition(b"\n")
    parts = header.split()
    if len(parts) != 4 or parts[0] != _MAGIC or not parts[1].isdigit():
        raise BadSnapshot("bad header")
    if len(body) != int(parts[3]) or zlib.crc32(body) != int(parts[2], 16):
        raise BadSnapshot("checksum mismatch")
    try:
        value = json.loads(body)
        tables = {
            name: {int(doc_id): doc for doc_id, doc in docs.items()}
            for name, docs in value["tables"].items()
        }
        high = {name: int(n) for name, n in value.get("high", {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadSnapshot("unreadable body") from exc
    return int(parts[1]), tables, high, len(data)


# The journals hold customers' names and numbers: only their owner may read them, whatever
# the umask (a umask only takes bits away, so these are the modes files and folders get).
FILE_MODE = 0o600
DIR_MODE = 0o700


def write_snapshot(directory: Path, generation: int, tables: dict, high: dict) -> int:
    """Write `snapshot.tmp` and fsync it; the caller renames it into place. Returns its size."""
    body = dumps({"tables": tables, "high": high})
    header = b"%s %d %08x %d\n" % (_MAGIC, generation, zlib.crc32(body), len(body))
    fd = os.open(directory / SNAPSHOT_TMP, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        write_all(fd, header)
        write_all(fd, body)
        os.fsync(fd)
    finally:
        os.close(fd)
    return len(header) + len(body)


def write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is written (a file-size limit can make a write short)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def sync_directory(directory: Path) -> None:
    """Make renames, creations and removals in a directory durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
