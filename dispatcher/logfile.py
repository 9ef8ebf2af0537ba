"""The log an operator reads in the morning: `<data dir>/logs/dispatcher.log`, rotated.

Written here (`start_log_file`), read here too (`tail`, `read_appended`) for
`dispatcher logs` and the desk's log screen.

`start_log_file` configures the standard `logging` package (through `logging.config`) for the
desk, the engine and a live drill: one line per record, `time level process logger: message`,
in UTC, rotated at 5 MB with five old files kept (`dispatcher.log.1` … `.5`). Every line goes
through `SafeText`: the value of any secret in the environment (a token, a password, a URL
carrying credentials; values of eight characters or more) is replaced by `***`, and every
control character of a message, newlines included, is written in its `\\uXXXX` form
(`dispatcher.domain.text`), so neither a secret, a forged line nor a terminal escape reaches
the file.
"""

from __future__ import annotations

import logging
import logging.config
import re
import time
from collections.abc import Mapping
from pathlib import Path

from dispatcher.domain.text import escape_line

LOG_FOLDER = "logs"
LOG_NAME = "dispatcher.log"
LEVELS = ("debug", "info", "warning", "error")
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
# Environment variables whose values are secrets: credentials, and URLs that carry a token.
_SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|AUTH|KEY|SID|CREDENTIAL", re.IGNORECASE)
_URL_WITH_CREDENTIALS = re.compile(r"^\w+://[^/\s]*@|[?&](access_token|token|key|sig\w*)=", re.I)


def log_path(data_dir: Path) -> Path:
    return Path(data_dir) / LOG_FOLDER / LOG_NAME


def environment_secrets(environ: Mapping[str, str]) -> list[str]:
    """The values in `environ` that must never be logged, longest first."""
    found = {
        value.strip()
        for name, value in environ.items()
        if len(value.strip()) >= 8  # shorter values ("true", "auto") would mask ordinary words
        and (_SECRET_NAME.search(name) or _URL_WITH_CREDENTIALS.search(value.strip()))
    }
    return sorted(found, key=len, reverse=True)


class UtcFormatter(logging.Formatter):
    converter = staticmethod(time.gmtime)


class SafeText(logging.Filter):
    """Rewrites each record's message with secrets masked and control characters replaced."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self.secrets:
            text = text.replace(secret, "***")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "***")
        # One record, one line: a newline someone sent cannot forge the next record.
        record.msg, record.args = escape_line(text), ()
        return True


def start_log_file(
    data_dir: Path,
    level: str,
    environ: Mapping[str, str],
    *,
    echo: logging.Formatter | None = None,
) -> Path:
    """Send this process's records at `level` or above ("debug", "info", "warning",
    "error") to the data directory's log file, and to stderr too, formatted by `echo`, when
    given; returns the file's path. The libraries' records below warnings are left out."""
    path = log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    handlers: dict = {
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(path),
            "maxBytes": MAX_BYTES,
            "backupCount": BACKUPS,
            "encoding": "utf-8",
            "formatter": "line",
            "filters": ["safe"],
        }
    }
    if echo is not None:
        handlers["stderr"] = {
            "class": "logging.StreamHandler",
            "formatter": "echo",
            "filters": ["safe"],
        }
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"safe": {"()": SafeText, "secrets": environment_secrets(environ)}},
            "formatters": {
                "line": {
                    "()": UtcFormatter,
                    "fmt": "%(asctime)sZ %(levelname)s %(process)d %(name)s: %(message)s",
                    "datefmt": "%Y-%m-%dT%H:%M:%S",
                },
                "echo": {"()": lambda: echo},
            },
            "handlers": handlers,
            "loggers": {"dispatcher": {"level": level.upper()}},
            "root": {"level": "WARNING", "handlers": list(handlers)},
        }
    )
    return path


def printable(line: str) -> str:
    """`line` without its end, every control character in its `\\uXXXX` form."""
    return escape_line(line.rstrip("\n"))


def tail(path: Path, lines: int) -> tuple[list[str], int]:
    """The last `lines` lines of the log at `path`, printable, and the offset of its end;
    no lines and offset 0 when there is no log yet."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], 0
    text = data.decode("utf-8", errors="replace").splitlines()
    return [printable(line) for line in (text[-lines:] if lines else [])], len(data)


def read_appended(path: Path, offset: int) -> tuple[list[str], int]:
    """The complete lines written to `path` after `offset`, printable, and the new offset; a
    file shorter than `offset` was rotated and is read from its start."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return [], 0
    if size < offset:
        offset = 0
    if size == offset:
        return [], offset
    with path.open("rb") as file:
        file.seek(offset)
        data = file.read()
    complete = data.rfind(b"\n") + 1  # a line still being written waits for its end
    text = data[:complete].decode("utf-8", errors="replace").splitlines()
    return [printable(line) for line in text], offset + complete
