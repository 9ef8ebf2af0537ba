"""Files a command reads or writes at a path a person gave: never turned against the host.

- `open_input(path)`: only a regular file is read (`/dev/zero`, a FIFO or a terminal would
  never end, or block); opened once and checked on the open descriptor, so it cannot be
  swapped between check and read.
- `read_input(path, limit)`: a whole input file of at most `limit` bytes.
- `write_output(path, write)`: a temporary file beside the target (mode 0600, made with
  O_EXCL so nothing planted there is written through), fsynced, then renamed over the target.
  A target that is a symbolic link or not a regular file is refused: renaming over a link
  would replace the link, writing through it would change what it points to.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO, TypeVar

from dispatcher.errors import DispatcherError
from dispatcher.store.journal import reason

T = TypeVar("T")


def open_input(path: Path) -> BinaryIO:
    """`path` opened for reading in binary; raises `DispatcherError` (one line) unless it is a
    regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise DispatcherError(f"{path}: cannot read: {reason(error)}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise DispatcherError(f"{path}: not a regular file ({_kind(mode)}); give a file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_input(path: Path, limit: int) -> bytes:
    """The whole of a regular file of at most `limit` bytes."""
    with open_input(path) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise DispatcherError(f"{path}: larger than {limit // 1_000_000} MB; not read")
    return data


def write_output(path: Path, write: Callable[[TextIO], T]) -> T:
    """Call `write` with a UTF-8 text file that becomes `path`, whole or not at all, mode 0600.
    Returns what `write` returns; raises `DispatcherError` with nothing left behind."""
    try:
        existing = os.lstat(path).st_mode
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise DispatcherError(f"cannot write {path}: {reason(error)}") from None
    if existing is not None and not stat.S_ISREG(existing):
        raise DispatcherError(
            f"cannot write {path}: it is {_kind(existing)}, not a regular file; "
            "give the path of a file (or leave out --output for standard output)"
        )
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=directory)
    except OSError as error:
        raise DispatcherError(f"cannot write {path}: {reason(error)}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            result = write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except OSError as error:
        Path(partial).unlink(missing_ok=True)
        raise DispatcherError(f"cannot write {path}: {reason(error)}") from None
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return result


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
