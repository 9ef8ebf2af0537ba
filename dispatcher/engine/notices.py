"""Messages about a call-out to the people it already paged: who took it, and a drill's end.

Each follows a page that a provider took (sent or delivered) and goes to the same person,
channel and address, as a notification of its own (`OutboxRepository.again`), in the
recipient's language, without the page's acknowledgement code: they ask nothing, and only a
page's code acknowledges (`dispatcher.engine.replies`). Queued in the caller's commit: an
acknowledgement or a stop and what it tells are one change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from dispatcher.domain import messages
from dispatcher.domain.outbox import PAGES, DeliveryState, Purpose, Urgency
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.roster import Person
from dispatcher.store.outbox import OutboxRecord, OutboxRepository

LANGUAGES = ("en", "zh")


def paged(
    outbox: OutboxRepository, sr_id: str, run: str | None = None
) -> dict[str, list[OutboxRecord]]:
    """The pages handed to a provider for a request (in one run, named by when it started),
    by person id."""
    found: dict[str, list[OutboxRecord]] = {}
    for record in outbox.for_sr(sr_id):
        if record.purpose in PAGES and record.attempt > 0 and run in (None, record.run):
            found.setdefault(record.person, []).append(record)
    return found


def tell_drill_over(
    outbox: OutboxRepository, sr: ServiceRequest, at: datetime, reason: str
) -> list[OutboxRecord]:
    """One "the drill is over" message per person already paged, by the quiet channels
    they were paged on (a call only where nothing else reached them)."""
    text = {lang: messages.drill_over(sr, lang, reason) for lang in LANGUAGES}
    told = []
    for records in paged(outbox, sr.id).values():
        quiet = [r for r in records if r.channel != "voice"] or records[:1]
        seen: set[tuple[str, str]] = set()
        for record in quiet:
            if (record.channel, record.address) not in seen:
                seen.add((record.channel, record.address))
                told.append(_about(outbox, record, at, Purpose.DRILL_OVER, Urgency.LOW, text))
    return told


def tell_status(
    outbox: OutboxRepository,
    people: Mapping[str, Person],
    sr: ServiceRequest,
    run: str,
    at: datetime,
    by: str,
    person: str,
) -> list[OutboxRecord]:
    """One "taken by …" message to each other person already paged in the run `run` (when it
    started), on the channel that reached them (delivered before sent, a text or mail before
    a call). `by` is who acknowledged, as said; `person` their roster id when known: neither
    is told."""
    text = {lang: messages.status_update(sr, lang, by) for lang in LANGUAGES}
    told = []
    for person_id, records in paged(outbox, sr.id, run).items():
        named = people.get(person_id)
        if person_id == person or (named is not None and by in (named.display_name, named.name)):
            continue
        reached = [r for r in records if r.state in (DeliveryState.SENT, DeliveryState.DELIVERED)]
        if reached:
            best = min(
                reached,
                key=lambda r: (r.state is not DeliveryState.DELIVERED, r.channel == "voice"),
            )
            told.append(_about(outbox, best, at, Purpose.STATUS_UPDATE, Urgency.NORMAL, text))
    return told


def _about(
    outbox: OutboxRepository,
    page: OutboxRecord,
    at: datetime,
    purpose: Purpose,
    urgency: Urgency,
    text: Mapping[str, messages.Message],
) -> OutboxRecord:
    """A message about a page, queued to the same person, channel and address."""
    said = text.get(page.language, text["en"])
    return outbox.again(
        page,
        at,
        purpose=purpose,
        urgency=urgency,
        ack_code="",
        short_text=said.short,
        long_text=said.long,
        spoken_text=said.spoken,
    )
