"""Acknowledgement codes as a control issues them: one per person per request, unique among
the live outbox's codes and those issued here but not queued yet.

`dispatcher.domain.acks` says why six digits; replies are matched to codes by
`dispatcher.engine.replies`.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from dispatcher.domain.acks import CODE_COUNT, code_from
from dispatcher.store.outbox import OutboxRepository


class CodeBook:
    def __init__(self, outbox: OutboxRepository) -> None:
        self.outbox = outbox
        self._issued: dict[tuple[str, str], str] = {}  # (sr, person) -> code not queued yet

    def ack_code(self, sr_id: str, person_id: str, at: datetime) -> str:
        """The code a person answers with: the same for every page of one SR (or audit) to
        one person, and unique among live notifications and the codes this book handed out
        that are not queued yet (a step paging several people at once). `at` is when it is
        issued."""
        code = self.outbox.code_for(sr_id, person_id)
        if code:
            return code
        in_use = self.outbox.codes_in_use()
        self._issued = {key: code for key, code in self._issued.items() if code not in in_use}
        if (sr_id, person_id) in self._issued:
            return self._issued[sr_id, person_id]
        in_use |= set(self._issued.values())
        while True:
            code = code_from(secrets.randbelow(CODE_COUNT))
            if code not in in_use:
                self._issued[sr_id, person_id] = code
                return code
