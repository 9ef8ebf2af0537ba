"""The on-disk formats of one partition: journal lines and snapshots.

A partition directory holds:

    snapshot        the whole partition at the start of generation G (absent for G = 0):
                    one header line "DSTORE1 <G> <crc32 hex> <length>\\n", then a JSON body
                    {"tables": {name: {doc_id: document}}, "high": {name: highest doc_id}}
    journal.<G>     one line per commit since that snapshot: "<crc32 hex> <json>\\n", the json
                    {"t": {name: {"drop": 1} | {"clear": 1?, "del": [ids]?, "set": {id: doc}?}}}
    lock            the write lock (flock) of the partition
    snapshot.tmp    a snapshot being written; never read

This module only encodes, decodes and syncs; `snapshots.py`, `journal.py` and `partition.py`
decide what to do with them.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from dispatcher.store import codec

SNAPSHOT = "snapshot"
SNAPSHOT_TMP = "snapshot.tmp"
LOCK = "lock"
JOURNAL_PREFIX = "journal."
_MAGIC = b"DSTORE1"

sync_data = getattr(os, "fdatasync", os.fsync)


class BadSnapshot(Exception):
    """A snapshot file whose header or checksum does not match its body."""


@dataclass(frozen=True)
class BadLine:
    """A complete journal line (it ends in a newline) that fails its checksum or does not
    decode: damage, never a torn write. `raw` is the line without its newline."""

    lineno: int
    reason: str
    raw: bytes


@dataclass
class Scan:
    """What `scan` found in a run of journal bytes: the good commits with their line numbers,
    the damaged lines, how many bytes the complete lines span, and whether an unterminated
    last line (a torn write, the only thing that may be dropped) follows them."""

    commits: list[tuple[int, dict]] = field(default_factory=list)
    bad: list[BadLine] = field(default_factory=list)
    used: int = 0
    torn: bool = False


def journal_name(generation: int) -> str:
    return f"{JOURNAL_PREFIX}{generation}"


def journal_generations(directory: Path) -> list[int]:
    """The generations of the journal files present in a partition directory."""
    found = []
    for name in os.listdir(directory):
        if name.startswith(JOURNAL_PREFIX) and name[len(JOURNAL_PREFIX) :].isdigit():
            found.append(int(name[len(JOURNAL_PREFIX) :]))
    return sorted(found)


def encode_line(payload: bytes) -> bytes:
    return b"%08x " % zlib.crc32(payload) + payload + b"\n"


def _decode_line(raw: bytes, parse: bool) -> dict | str:
    """The commit in one journal line (without its newline), or why it is damaged. Without
    `parse` only the checksum is verified (the commit is then an empty dict)."""
    if len(raw) < 10 or raw[8:9] != b" ":
        return "not a journal line"
    try:
        crc = int(raw[:8], 16)
    except ValueError:
        return "not a journal line"
    body = raw[9:]
    if zlib.crc32(body) != crc:
        return "checksum mismatch"
    if not parse:
        return {}
    try:
        value = codec.loads(body)
    except ValueError:
        return "not JSON"
    return value if isinstance(value, dict) else "not a commit"


def scan(buf: bytes, first_lineno: int, parse: bool = True) -> Scan:
    """Decode the journal bytes `buf`, whose first line is line `first_lineno` of the file.

    Every complete line is either a commit or damage (`Scan.bad`); only bytes after the last
    newline are a torn write. Without `parse`, lines are only checked against their checksums.
    """
    found = Scan()
    lines = buf.split(b"\n")
    found.torn = bool(lines.pop())
    for index, raw in enumerate(lines):
        commit = _decode_line(raw, parse)
        if isinstance(commit, str):
            found.bad.append(BadLine(first_lineno + index, commit, raw))
        else:
            found.commits.append((first_lineno + index, commit))
        found.used += len(raw) + 1
    return found


def read_header(path: Path) -> tuple[int, int] | None:
    """(generation, the file size the header promises) of a snapshot, or None when there is
    no snapshot file. Raises BadSnapshot for a header that is not one."""
    try:
        with open(path, "rb") as handle:
            line = handle.readline(80)
    except FileNotFoundError:
        return None
    return _header(line)


def _header(line: bytes) -> tuple[int, int]:
    parts = line.split()
    if (
        len(parts) != 4
        or parts[0] != _MAGIC
        or not parts[1].isdigit()
        or not parts[3].isdigit()
        or not line.endswith(b"\n")
    ):
        raise BadSnapshot("bad header")
    return int(parts[1]), len(line) + int(parts[3])


def header_generation(data: bytes) -> int | None:
    """The generation a snapshot's bytes name, if at least their header is readable."""
    try:
        return _header(data[: data.find(b"\n") + 1])[0]
    except BadSnapshot:
        return None


def verify_snapshot(data: bytes) -> int:
    """The generation of a snapshot's bytes whose header, length and checksum match its body;
    BadSnapshot otherwise."""
    header, _, body = data.partition(b"\n")
    generation, size = _header(header + b"\n")
    if len(data) != size:
        raise BadSnapshot(f"truncated: {len(data)} of {size} bytes")
    if zlib.crc32(body) != int(header.split()[2], 16):
        raise BadSnapshot("checksum mismatch")
    return generation


def parse_snapshot(data: bytes) -> tuple[int, dict, dict]:
    """(generation, tables, high-water doc_ids) of a snapshot's bytes; BadSnapshot if its
    header, length or checksum do not match its body, or the body is not a snapshot."""
    generation = verify_snapshot(data)
    body = data[data.find(b"\n") + 1 :]
    try:
        value = codec.loads(body)
        tables = {
            name: {int(doc_id): doc for doc_id, doc in docs.items()}
            for name, docs in value["tables"].items()
        }
        high = {name: int(n) for name, n in value.get("high", {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BadSnapshot("unreadable body") from exc
    return generation, tables, high


HIGH_TAIL = 4096  # bytes at a snapshot's end that hold its high-water marks


def read_high(path: Path) -> dict[str, int] | None:
    """The high-water doc ids (`{table: highest doc_id}`) that end a snapshot's body, read
    from its last bytes alone; {} when there is no snapshot, None when they cannot be read
    there (the caller then reads the whole partition)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            end = handle.tell()
            handle.seek(max(0, end - HIGH_TAIL))
            tail = handle.read()
    except FileNotFoundError:
        return {}
    except OSError:
        return None
    start = tail.rfind(b',"high":{')
    if start < 0 or not tail.endswith(b"}}"):
        return None
    try:
        high = codec.loads(tail[start + len(b',"high":') : -1])
        return {str(name): int(n) for name, n in high.items()}
    except (ValueError, TypeError, AttributeError):
        return None


def surely_new(
    docs: dict[str, dict[int, dict]], high: dict[str, int] | None, journal: bytes
) -> bool:
    """Whether every id in `docs` is above its table's high-water mark in the snapshot and
    appears nowhere in the journal (as a key `"<id>":`), so that it cannot exist. False is
    only "not sure": the caller then loads the partition and looks."""
    if high is None:
        return False
    return all(
        int(doc_id) > high.get(name, 0) and b'"%d":' % int(doc_id) not in journal
        for name, table in docs.items()
        for doc_id in table
    )


# The journals hold customers' names and numbers: only their owner may read them, whatever
# the umask (a umask only takes bits away, so these are the modes files and folders get).
FILE_MODE = 0o600
DIR_MODE = 0o700


def write_snapshot(directory: Path, generation: int, tables: dict, high: dict) -> int:
    """Write `snapshot.tmp` and fsync it; the caller renames it into place. Returns its size."""
    body = codec.dumps({"tables": tables, "high": high})
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
