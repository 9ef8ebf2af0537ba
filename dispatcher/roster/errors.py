"""Roster errors: every problem in a contacts file, each as one `file:line:col: path: message`."""

from __future__ import annotations

from dispatcher.errors import DispatcherError


class RosterError(DispatcherError):
    """A contacts file that cannot be used; `errors` holds every problem found in one pass."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        more = len(self.errors) - 1
        suffix = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
        super().__init__(self.errors[0] + suffix)


class Problems:
    """Collects problems while a file is read, so one run reports all of them."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.lines: list[str] = []

    def add(self, line: int, column: int, path: str, message: str) -> None:
        """Record a problem at a 0-based line and column (printed 1-based, as editors count)."""
        message = " ".join(message.split())
        self.lines.append(f"{self.filename}:{line + 1}:{column + 1}: {path or '(root)'}: {message}")

    def raise_if_any(self) -> None:
        if self.lines:
            raise RosterError(self.lines)
