"""The errors a user may see.

Every error that reaches the command line or the desk is a `DispatcherError`: its message is
one line that says what is wrong and where (file, line, field), and the command exits 2.
Anything else escaping to the user is a bug.
"""


class DispatcherError(Exception):
    """Bad input or configuration, explained in one line."""

    exit_code = 2


class NotFound(DispatcherError):
    """A record that was asked for by id does not exist."""


class IllegalTransition(DispatcherError):
    """A lifecycle move the process rules do not allow (e.g. closing without a callback)."""


class StoreError(DispatcherError):
    """The data directory cannot be read or written; nothing half-written is left behind."""
