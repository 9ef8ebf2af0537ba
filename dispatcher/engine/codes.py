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
        return self.ack_codes(sr_id, [person_id], at)[person_id]

    def ack_codes(self, sr_id: str, person_ids: list[str], at: datetime) -> dict[str, str]:
        """`ack_code` for each of several people paged about one SR (a step), person id ->
        code, reading the outbox twice in all rather than twice a person."""
        codes = {p: c for p, c in self.outbox.codes_for(sr_id).items() if p in person_ids}
        missing = [p for p in person_ids if p not in codes]
        if not missing:
            return codes
        in_use = self.outbox.codes_in_use()
        self._issued = {key: code for key, code in self._issued.items() if code not in in_use}
        in_use |= set(self._issued.values())
        for person_id in missing:
            code = self._issued.get((sr_id, person_id))
            if code is None:
                code = code_from(secrets.randbelow(CODE_COUNT))
                while code in in_use:
                    code = code_from(secrets.randbelow(CODE_COUNT))
                self._issued[sr_id, person_id] = code
                in_use.add(code)
            codes[person_id] = code
        return codes
