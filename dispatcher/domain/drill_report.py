"""What a drill showed: per step and per person, who was paged when, through which channels,
whether it arrived (and the provider's reason when not), who acknowledged when and how; the
reach rate, the times to acknowledge, pass or fail, and what to fix.

Built from the records the engine leaves (the call-out's step log, the outbox, the SR's
timeline); no I/O here. The report's records are in `dispatcher.domain.drill_outcomes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from dispatcher.domain import outbox
from dispatcher.domain.drill_outcomes import (
    Acknowledgement,
    DrillReport,
    Page,
    PersonOutcome,
    StepOutcome,
)
from dispatcher.domain.drills import (
    NOT_MOBILE_CODES,
    WRONG_NUMBER_CODES,
    DrillTargets,
    TargetResult,
    judge,
)
from dispatcher.domain.names import person_named
from dispatcher.domain.outbox import Purpose
from dispatcher.domain.roster import ContactKind, Person
from dispatcher.domain.timeline import EventKind

UNANSWERED = ("busy", "no_answer")  # a call that rang: the number works
# The timeline events of an acknowledgement: the first (the SR's own), one while the chain
# still ran, one after it had ended (someone else had acknowledged first).
ACK_EVENTS = (
    EventKind.ACKNOWLEDGED,
    EventKind.CALLOUT_ACKNOWLEDGED,
    EventKind.LATE_ACKNOWLEDGEMENT,
)
WAITING = "paged, waiting for an answer"
PAGING = (WAITING, "being paged")  # a person's verdict while their step still waits


class StepLike(outbox.StepLike, Protocol):
    """A step of the run as the report reads it: when, and whom it paged how (the store's
    frozen `StepLog`)."""

    @property
    def people(self) -> tuple[str, ...]: ...
    @property
    def channels(self) -> tuple[str, ...]: ...
    @property
    def nobody_for(self) -> tuple[str, ...]: ...
    @property
    def skipped(self) -> bool: ...


class NotificationLike(outbox.NotificationLike, Protocol):
    """A notification as the report reads it: what the chain log reads, and where it went
    (the store's frozen `OutboxRecord`)."""

    @property
    def id(self) -> int: ...
    @property
    def person(self) -> str: ...
    @property
    def address(self) -> str: ...


class EventLike(Protocol):
    """A timeline event as the report reads it (the frozen `timeline.Event`)."""

    @property
    def kind(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def channel(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...


def build_report(
    sr: str,
    scenario: str,
    scenario_name: str,
    chain: str,
    targets: DrillTargets,
    started: datetime,
    state: str,
    aborted: datetime | None,
    steps_total: int,
    steps: Sequence[StepLike],
    notifications: Iterable[NotificationLike],
    events: Iterable[EventLike],
    people: Mapping[str, Person],
    now: datetime,
) -> DrillReport:
    """The report of one drill from its records as of `now` (aware); `people` are the
    roster's, for names and contact methods (someone no longer in the roster is shown by id).
    While the chain runs, a target is judged only once it is decided (`drills.judge`)."""
    notifications = sorted(notifications, key=lambda n: n.id)
    acks = _acknowledgements(events, started, people)
    running = state == "running" and aborted is None
    steps = list(steps)
    current = (steps[-1].round, steps[-1].step) if steps and running else None
    ack_of = {a.person: a for a in acks}
    told_over = {n.person for n in notifications if n.purpose == Purpose.DRILL_OVER}
    pages = [n for n in notifications if n.purpose != Purpose.DRILL_OVER]
    outcomes = []
    for log in steps:
        ordinal = log.round * max(1, steps_total) + log.step + 1
        step_people = []
        for person_id in log.people:
            mine = tuple(
                _page(n)
                for n in pages
                if n.person == person_id and (n.round, n.step) == (log.round, log.step)
            )
            ack = ack_of.get(person_id)
            step_people.append(
                PersonOutcome(
                    person_id,
                    _name(people, person_id),
                    log.at,
                    mine,
                    ack.at if ack else None,
                    ack.via if ack else "",
                    _verdict(mine, ack, waiting=(log.round, log.step) == current),
                    person_id in told_over,
                )
            )
        outcomes.append(
            StepOutcome(
                ordinal,
                f"round {log.round + 1}, step {log.step + 1}",
                log.at,
                getattr(log, "how", ""),
                tuple(log.channels),
                tuple(step_people),
                tuple(log.nobody_for),
            )
        )
    first_step = None
    if acks:
        first_step = next(
            (s.ordinal for s in outcomes if any(p.person == acks[0].person for p in s.people)), None
        )
    report = DrillReport(
        sr,
        scenario,
        scenario_name,
        chain,
        started,
        state,
        aborted,
        tuple(outcomes),
        tuple(acks),
        (),
        (),
    )
    elapsed = None if report.over else max(now - started, timedelta(0))
    results = judge(targets, report.first_ack_after, first_step, report.reach_rate, elapsed)
    missed = [r for r in results if r.decided and not r.passed]
    return replace(
        report,
        results=tuple(results),
        fixes=tuple(_fixes(outcomes, report.people, people, missed)),
    )


def _acknowledgements(
    events: Iterable[EventLike], started: datetime, people: Mapping[str, Person]
) -> list[Acknowledgement]:
    """The first acknowledgement of each person, in order, from every path that records one
    (the desk, the command line, an SMS reply, a key press). The timeline names who
    acknowledged as the roster shows them, by id, or by a name a dispatcher typed."""
    found: dict[str, Acknowledgement] = {}
    for event in sorted(events, key=lambda e: e.at):
        who = event.data.get("by") if event.kind in ACK_EVENTS else None
        person = person_named(people, who) if who else None
        if person and person not in found:
            via = event.data.get("via") or event.channel
            found[person] = Acknowledgement(
                person, _name(people, person), event.at, via, event.at - started
            )
    return list(found.values())


def _page(notification: NotificationLike) -> Page:
    return Page(
        notification.channel,
        notification.address,
        str(notification.state),
        notification.provider_status,
        notification.error_code,
        notification.detail,
        notification.created,
    )


def _verdict(pages: tuple[Page, ...], ack: Acknowledgement | None, waiting: bool = False) -> str:
    """One line per person; "not reached" only once the step's wait is over (`waiting`
    is the running chain's current step)."""
    if ack is not None:
        return f"acknowledged by {ack.via}" if ack.via else "acknowledged"
    if waiting:
        return "being paged" if any(p.state in ("queued", "sending") for p in pages) else WAITING
    rejected = [p for p in pages if p.failed and p.error_code in WRONG_NUMBER_CODES]
    if rejected:
        return f"not reached: wrong number {rejected[0].address} (carrier rejected it)"
    if pages and all(p.failed and p.provider_status not in UNANSWERED for p in pages):
        return "not reached: every page failed"
    if any(p.state in ("queued", "sending") for p in pages):
        return "being paged"
    if all(p.state == "cancelled" for p in pages):
        return "not reached: no page went out before the chain ended"
    if any(p.state == "delivered" for p in pages):  # a call answered, a text delivered, a relay
        return "reached, never acknowledged"
    return "not reached: no answer"


def _fixes(
    steps: list[StepOutcome],
    paged: list[PersonOutcome],
    people: Mapping[str, Person],
    results: Sequence[TargetResult] = (),
) -> list[str]:
    """What to change so the next drill (or night) reaches everyone; a target missed with no
    fault found in the roster or the numbers is named, so a failed drill never reads "nothing
    to fix"."""
    fixes: list[str] = []
    for step in steps:
        for target in step.nobody_for:
            fixes.append(f"{step.label}: nobody on call for {target}: fill that rotation")
    for outcome in paged:
        # An unanswered or busy call is no fault of the number: "never acknowledged" says it.
        failed = {
            (p.address, p.error_code): p
            for p in outcome.pages
            if p.failed and p.provider_status not in UNANSWERED
        }
        for (address, code), page in failed.items():
            reason = ": ".join(x for x in (code, page.detail) if x)
            if code in WRONG_NUMBER_CODES:
                fixes.append(
                    f"{outcome.name}: {address} is a wrong number (the carrier rejected "
                    f"it, {reason}): correct it in the roster"
                )
            elif code in NOT_MOBILE_CODES:
                fixes.append(
                    f"{outcome.name}: {address} cannot take SMS ({reason}): make it "
                    "kind: voice and add a mobile"
                )
            else:
                fixes.append(
                    f"{outcome.name}: {page.channel} to {address} failed ({reason or 'no reason given'})"
                )
        person = people.get(outcome.person)
        if person is not None and not person.contacts_of(ContactKind.MOBILE):
            fixes.append(f"{outcome.name} has no mobile number: SMS cannot reach them; add one")
        # The desk's relay shows a page to a dispatcher, not to the person.
        delivered = any(
            (p.state in ("sent", "delivered") or p.provider_status in UNANSWERED)
            and p.channel != "desk"
            for p in outcome.pages
        )
        if outcome.acknowledged_at is None and delivered and outcome.verdict not in PAGING:
            fixes.append(
                f"{outcome.name} was paged but never acknowledged: check they know to "
                "reply with the code or press 1"
            )
    if not fixes:
        fixes += [
            f"target missed: {r.wanted} (got {r.got}); nothing wrong found in the roster or "
            "the numbers: ask the people paged why they did not answer"
            for r in results
            if not r.passed
        ]
    return list(dict.fromkeys(fixes))


def _name(people: Mapping[str, Person], person_id: str) -> str:
    person = people.get(person_id)
    return person.display_name if person else person_id
