"""What the engine watches beside the chains: SLA clocks and Red Flags.

A near breach (80 % of a clock's time used) or a breach is a timeline event and a notice to
the people who own the request; a Red Flag opening or closing is a notice to CSQ. Each is
recorded once: the timeline says what was already told. Drill requests are never watched.

Looking at every open request costs a timeline read each, so a pass looks only at requests
that changed or whose next SLA moment has come, within a time budget, and goes on next pass.
"""

from __future__ import annotations

import time
from datetime import datetime

from dispatcher.domain import messages
from dispatcher.domain.callout import routes_for
from dispatcher.domain.outbox import Purpose, Urgency
from dispatcher.domain.requests import ServiceRequest
from dispatcher.domain.roster import ContactKind, Person, Role, UnitKind
from dispatcher.domain.routing import preview
from dispatcher.domain.sla import SlaState, next_wakeup, sla_clocks
from dispatcher.domain.timeline import EventKind
from dispatcher.engine.control import ENGINE, CalloutControl
from dispatcher.store.outbox import OutboxRecord

PASS_BUDGET_SECONDS = 0.03  # the longest one pass may spend, so timers stay on time
# Changed requests copied out of the store per look, more than a budget's worth: after a start
# beside 10,000 open requests, a look copies these, not all 10,000 (a pause of the engine's
# loop that a new emergency would wait through).
LOOK_AT_MOST = 200
QUIET = ("sms", "email")  # a near breach and a CSQ notice are texts and mails
LOUD = ("voice", "sms", "email")  # a breach also rings


class Watcher:
    def __init__(self, control: CalloutControl) -> None:
        self.control = control
        self._looked: dict[str, int] = {}  # SR id -> event count when last looked at
        self._wake: dict[str, datetime] = {}  # SR id -> its next SLA moment

    def next_wakeup(self) -> datetime | None:
        return min(self._wake.values()) if self._wake else None

    def check(self, now: datetime) -> None:
        """Look at the open requests that need it, oldest change first, within the budget."""
        deadline = time.monotonic() + PASS_BUDGET_SECONDS
        woken = {sr_id for sr_id, wake in self._wake.items() if wake <= now}
        known = self._looked
        if woken:  # a request whose SLA moment has come is looked at as if it had changed
            known = {sr_id: n for sr_id, n in known.items() if sr_id not in woken}
        changes = self.control.requests.open_changes(known, drills=False, limit=LOOK_AT_MOST)
        for found in changes.changed:
            if time.monotonic() > deadline:
                return
            self._look(found.request(), now)

    def _look(self, sr: ServiceRequest, now: datetime) -> None:
        timeline = self.control.requests.timeline(sr.id)
        told = {(e.kind, e.data.get("clock") or e.data.get("flag")) for e in timeline}
        events: list[tuple[EventKind, str, dict]] = []
        notices: list[OutboxRecord] = []
        targets = self.control.roster.sla_for(sr.product, sr.severity)
        self._wake.pop(sr.id, None)
        if targets is not None:
            clocks = sla_clocks(sr, timeline, targets, now)
            for clock in clocks:
                breached = clock.state is SlaState.BREACHED
                if not breached and clock.state is not SlaState.NEAR_BREACH:
                    continue
                kind = EventKind.SLA_BREACHED if breached else EventKind.SLA_NEAR_BREACH
                if (kind, clock.kind.value) in told or (
                    EventKind.SLA_BREACHED,
                    clock.kind.value,
                ) in told:
                    continue
                text = messages.sla_warning(sr, "en", clock.kind.value, breached, clock.deadline)
                events.append(
                    (
                        kind,
                        text.short,
                        {"clock": clock.kind.value, "deadline": clock.deadline.isoformat()},
                    )
                )
                notices += self._notices(
                    sr,
                    self._owners(sr, now),
                    f"sla:{clock.kind.value}:{'breach' if breached else 'near'}",
                    now,
                    LOUD if breached else QUIET,
                    lambda lang, c=clock, b=breached: messages.sla_warning(
                        sr, lang, c.kind.value, b, c.deadline
                    ),
                )
            wake = next_wakeup(clocks, now)
            if wake is not None:
                self._wake[sr.id] = wake
        if sr.red_flag is not None:
            for flag, happened in (("opened", True), ("closed", sr.red_flag.closed is not None)):
                if happened and (EventKind.CSQ_NOTIFIED, flag) not in told:
                    csq = self._csq(now)
                    events.append(
                        (
                            EventKind.CSQ_NOTIFIED,
                            f"Red Flag {flag}: told {', '.join(p.id for p in csq) or 'nobody (no CSQ on call)'}",
                            {"flag": flag, "people": [p.id for p in csq]},
                        )
                    )
                    notices += self._notices(
                        sr,
                        csq,
                        f"red_flag:{flag}",
                        now,
                        QUIET,
                        lambda lang, o=(flag == "opened"): messages.red_flag_notice(sr, lang, o),
                    )
        if events:
            with self.control.store.atomic(self.control.store.live):
                if notices:
                    self.control.outbox.enqueue(notices)
                sr, _ = self.control.requests.change(
                    sr.id,
                    lambda current: [
                        e
                        for kind, text, data in events
                        for e in current.record(now, ENGINE, kind, text, **data)
                    ],
                )
        self._looked[sr.id] = sr.event_count

    def _owners(self, sr: ServiceRequest, now: datetime) -> list[Person]:
        """Who owns the request: its owner if one is named, else its chain's first step now."""
        roster = self.control.roster
        if sr.owner.person in roster.people:
            return [roster.people[sr.owner.person]]
        chain_id = self.control.routing(sr).chain
        if chain_id is None:
            return []
        steps = preview(
            roster, roster.chains[chain_id], now, sr.site, sr.product, self.control.overrides()
        )
        return list(steps[0].people) if steps else []

    def _csq(self, now: datetime) -> list[Person]:
        roster = self.control.roster
        return [
            p
            for unit in roster.units_of(UnitKind.CSQ)
            for p in roster.on_call(unit.id, Role.CSQ, now, self.control.overrides())
        ]

    def _notices(
        self,
        sr: ServiceRequest,
        people: list[Person],
        topic: str,
        now: datetime,
        channels: tuple[str, ...],
        render,
    ) -> list[OutboxRecord]:
        """One notice per person through each of `channels` that reaches them; where none
        does (only the desk's channel here), their first other way, the desk's relay at
        worst: a notice is never dropped for want of a provider. A notice carries no
        acknowledgement code: it asks nothing of its reader, and nobody told of a request may
        stop its chain (promise 3: only a page's code acknowledges, `engine.replies`)."""
        records = []
        reaches = self.control.reaches
        for person in people:
            text = render(person.language)
            ways = [
                (channel, contact)
                for channel in channels
                if (
                    contact := next(
                        (
                            c
                            for c in person.contacts
                            if c.kind in reaches.get(channel, frozenset())
                            and (channel != "voice" or c.kind != ContactKind.EMAIL)
                        ),
                        None,
                    )
                )
                is not None
            ]
            if not ways:
                ways = [(r.channel, r.contact) for r in routes_for(person, (), reaches).ordered[:1]]
            records += [
                OutboxRecord(
                    sr=sr.id,
                    person=person.id,
                    channel=channel,
                    contact_kind=contact.kind,
                    address=contact.address,
                    ack_code="",
                    purpose=Purpose.NOTICE,
                    topic=topic,
                    urgency=Urgency.HIGH if topic.endswith(":breach") else Urgency.NORMAL,
                    created=now,
                    due=now,
                    short_text=text.short,
                    long_text=text.long,
                    spoken_text=text.spoken,
                    language=person.language,
                )
                for channel, contact in ways
            ]
        return records
