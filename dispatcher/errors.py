"""The errors a user may see.

Every error that reaches the command line or the desk is a `DispatcherError`: its message is
one line that says what is wrong and where (file, line, field), and the command exits 2.
Anything else escaping to the user is a bug.
"""


class DispatcherError(Exception):
    """Bad input or configuration, explained in one line.

    Where one run finds several problems (a roster, an import file), `problems` holds one line
    each; the command prints them all, then the summary.
    """

    exit_code = 2

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class NotFound(DispatcherError):
    """A record that was asked for by id does not exist."""


class IllegalTransition(DispatcherError):
    """A lifecycle move the process rules do not allow (e.g. closing without a callback)."""


class StoreError(DispatcherError):
    """The data directory cannot be read or written; nothing half-written is left behind."""
