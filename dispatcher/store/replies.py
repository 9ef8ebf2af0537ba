"""Replies people sent back, and the strikes of failed ones, in the store.

Two tables of the live partition, both found by document id, never by scanning history:

    replies        one document per reply (its id a hash of channel, provider id and text, so a
                   restarted engine does not act on a reply twice); those of a request move to
                   the archive with it, the others past `UNMATCHED_KEPT` to their month's archive
    reply_strikes  failed replies per sender and per request (ids hashed from the key); those
                   of a request move with it, a sender's are dropped once they no longer count

What a reply means is the engine's (`dispatcher.engine.replies`); this module only keeps it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from tinydb.table import Document

from dispatcher.domain.acks import ReplyOutcome, Strikes
from dispatcher.store import Store

REPLIES = "replies"
STRIKES = "reply_strikes"
UNMATCHED_KEPT = 1000  # replies that concern no request, kept live; older ones are archived
ARCHIVE_BATCH = 100  # archived at once when the live table passes UNMATCHED_KEPT
STRIKES_KEPT = 2000  # past this, senders' strikes whose window and pause are over are dropped


def key_id(key: str) -> int:
    """A document id for a key: 63 bits of its BLAKE2b hash (collisions need ~3e9 keys)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big") >> 1


@dataclass(frozen=True)
class ReplyEntry:
    """One reply as kept: who sent what through which channel, and what it came to (the
    verdict's outcome, and the outbox id of the notification it matched, if any)."""

    sr: str  # the first request it concerns, "" for none
    channel: str
    provider_id: str
    sender: str
    text: str
    ack_code: str | None  # the code the reply carried, None for none
    at: datetime
    outcome: ReplyOutcome
    notification: int | None = None

    @property
    def key(self) -> str:
        """What makes a reply one: the same channel, provider id and text is the same reply."""
        return reply_key(self.channel, self.provider_id, self.sender, self.text)

    def to_dict(self) -> dict[str, object]:
        return {
            "sr": self.sr,
            "channel": self.channel,
            "provider_id": self.provider_id,
            "sender": self.sender,
            "text": self.text,
            "ack_code": self.ack_code,
            "at": self.at.isoformat(),
            "outcome": self.outcome.value,
            "notification": self.notification,
        }


def reply_key(channel: str, provider_id: str, sender: str, text: str) -> str:
    """One reply: its channel, the provider's id for it, who sent it and what it said. The
    sender is part of it: a plugin whose ids repeat (or are empty) must not make the paged
    person's reply look like a stranger's read before."""
    return f"{channel}|{provider_id}|{sender}|{text}"


class ReplyRepository:
    """The replies and strike counters of the live partition (call inside an atomic block on
    live when changing them)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.replies = store.live.table(REPLIES)
        self.strikes_table = store.live.table(STRIKES)

    # -- replies ------------------------------------------------------------------------------

    def seen(self, channel: str, provider_id: str, sender: str, text: str) -> bool:
        """Whether this reply was recorded before (a restarted engine polled it again). A
        reply kept while the key left the sender out is found by that key, from the same
        sender only."""
        if self.replies.get(doc_id=key_id(reply_key(channel, provider_id, sender, text))):
            return True
        kept = self.replies.get(doc_id=key_id(f"{channel}|{provider_id}|{text}"))
        return kept is not None and kept["sender"] == sender

    def add(self, entry: ReplyEntry) -> None:
        """Keep a judged reply; past `UNMATCHED_KEPT` replies that concern no request, the
        oldest of them move to their month's archive (the live partition stays bounded;
        nothing is lost)."""
        self.replies.insert(Document(entry.to_dict(), doc_id=key_id(entry.key)))
        if not entry.sr and len(self.replies) > UNMATCHED_KEPT:
            self._archive_unmatched()

    def _archive_unmatched(self) -> None:
        unmatched = sorted(self.replies.search(lambda d: not d["sr"]), key=lambda d: d["at"])
        surplus = unmatched[: max(0, len(unmatched) - UNMATCHED_KEPT + ARCHIVE_BATCH)]
        by_month: dict[str, list[Document]] = {}
        for doc in surplus:
            by_month.setdefault(doc["at"][:7], []).append(doc)
        for period, docs in by_month.items():
            archive = self.store.archive(period)
            with self.store.atomic(archive):
                for doc in docs:
                    archive.table(REPLIES).upsert(Document(dict(doc), doc_id=doc.doc_id))
        if surplus:
            self.replies.remove(doc_ids=[doc.doc_id for doc in surplus])

    # -- strikes ------------------------------------------------------------------------------

    def strikes(self, key: str) -> Strikes:
        """The failed replies counted against a key ("sender|…" or "sr|…")."""
        return Strikes.from_dict(self.strikes_table.get(doc_id=key_id(key)))

    def save_strikes(self, key: str, strikes: Strikes, sr: str = "") -> None:
        """Keep a key's strikes; `sr` names the request they belong to (they move with it)."""
        document = {"key": key, "sr": sr, **strikes.to_dict()}
        self.strikes_table.upsert(Document(document, doc_id=key_id(key)))

    def forget_expired(self, at: datetime, window: timedelta) -> None:
        """Past `STRIKES_KEPT` counters, drop senders' strikes that no longer count (their
        `window` and pause are over): a counter, not a record; the replies themselves are
        kept."""
        if len(self.strikes_table) <= STRIKES_KEPT:
            return
        expired = [
            doc.doc_id
            for doc in self.strikes_table.search(lambda d: not d["sr"])
            if not (strikes := Strikes.from_dict(doc)).ignoring(at)
            and (strikes.since is None or at - strikes.since >= window)
        ]
        self.strikes_table.remove(doc_ids=expired)

    # -- archiving ----------------------------------------------------------------------------

    def moving_with(self, sr_id: str) -> dict[str, list[Document]]:
        """The replies and strikes of a request, which move to its archive month with it."""
        return {
            name: self.store.live.table(name).search(lambda d: d.get("sr") == sr_id)
            for name in (REPLIES, STRIKES)
        }
