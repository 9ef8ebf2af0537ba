"""What the desk remembers for its user between runs: the language and the theme.

One small TOML file, `desk.toml`, in the platform's user config folder
(`platformdirs.user_config_dir("dispatcher")`: `~/.config/dispatcher` on Linux, honouring
`XDG_CONFIG_HOME`)::

    language = "zh"
    theme = "nord"

A file that cannot be read is reported in one line (file, line, field) and the defaults used:
the desk still opens. Writes go to a temporary file that is then renamed over the old one, so
a crash leaves the old file or the new one, never half of either.
"""

from __future__ import annotations

import json
import locale
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

from dispatcher.i18n import LANGUAGES
from dispatcher.store.journal import reason

FILE_NAME = "desk.toml"
_THEME_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


class PreferencesError(ValueError):
    """The preferences file is unreadable; the message is one line naming file, line, field."""


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir("dispatcher", appauthor=False))


@dataclass(frozen=True)
class Preferences:
    """`language` ("en" or "zh") and `theme` (a Textual theme name), None when never chosen."""

    language: str | None = None
    theme: str | None = None

    @classmethod
    def read(cls, path: Path | None = None) -> Preferences:
        """The saved preferences; empty when there is no file. Raises PreferencesError."""
        path = path or config_dir() / FILE_NAME
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except OSError as error:
            raise PreferencesError(f"{path}: cannot be read: {reason(error)}") from None
        except UnicodeDecodeError:
            raise PreferencesError(f"{path}: cannot be read: not UTF-8 text") from None
        try:
            found = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise PreferencesError(f"{path}: {error}") from None
        language, theme = found.get("language"), found.get("theme")
        if language is not None and language not in LANGUAGES:
            line = _line_of(text, "language")
            raise PreferencesError(
                f"{path}:{line}: language: must be one of {', '.join(LANGUAGES)}"
            )
        if theme is not None and not (isinstance(theme, str) and _THEME_NAME.fullmatch(theme)):
            line = _line_of(text, "theme")
            raise PreferencesError(f"{path}:{line}: theme: not a theme name")
        return cls(language, theme)

    def changed(self, **fields: str) -> Preferences:
        return replace(self, **fields)

    def write(self, path: Path | None = None) -> None:
        """Save atomically (temporary file, fsync, rename). Raises OSError."""
        path = path or config_dir() / FILE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            f"{key} = {json.dumps(value)}\n"  # a JSON string is a TOML basic string
            for key, value in (("language", self.language), ("theme", self.theme))
            if value is not None
        ]
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".desk-", suffix=".toml")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.writelines(["# The dispatcher desk's remembered settings.\n", *lines])
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def locale_language() -> str:
    """Chinese when the environment's locale is Chinese, else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    code = locale.getlocale()[0] or ""
    return "zh" if code.lower().startswith("zh") else "en"


def desk_language(path: Path | None = None) -> tuple[str, str]:
    """The language last chosen at the desk, else the locale's; and a one-line problem with
    the preferences file, or ""."""
    try:
        saved = Preferences.read(path).language
    except PreferencesError as error:
        return locale_language(), f"{error} (using the locale's language)"
    return saved or locale_language(), ""


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith(key):
            return number
    return 1
