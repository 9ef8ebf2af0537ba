"""Replies people send back, judged: which acknowledge, which are suspicious, which are guesses.

A code acknowledges only from where it was sent (promise 3): a reply on the very call or
conversation that carried it (a key press on the call, matched by the provider's id), or a
reply whose sender is an address that was paged with that code (an SMS from the paged E.164
number, a plugin's reply from the identity it paged), through the channel that paged it or
one that reaches that kind of address (a channel's word for who sent a reply is worth
nothing about addresses it does not reach). The right code from anywhere else is a
*suspicious reply*: it goes on the request's timeline, where the desk shows it, and
acknowledges nothing. A code acknowledges only the call-out that paged it: once a later one
has started (a dispatcher stopped the chain and started another), its answer is a late
acknowledgement on the timeline and the later call-out goes on (`dispatcher.engine.outcomes`).

Only a code that was handed out to be answered counts (`answerable`): one a page, a re-page or
an audit carried (`ANSWERED_BY_CODE`) and that was handed to a provider (sent at least once,
the desk's relay included). A notice, a status update or a drill's end carries no code
(`dispatcher.engine.watch`, `dispatcher.engine.notices`); a code found only on such a message
(one stored before they stopped carrying it) or on a page never sent is a wrong code, as a
guess is. Every reply that carries a code comes here (an SMS, a key press on a call, a mail
or a plugin's reply); the desk and `sr ack` acknowledge by a named person, never by a code.

Guessing is limited (`dispatcher.domain.acks.GuessLimit`): each reply with a code that
acknowledges nothing strikes its sender, and the requests it concerns (the one whose code it
carried, or those the sender was paged for); a reply without a code is no guess. A sender
at its limit is ignored for a while; a request at its limit refuses typed codes for a while (a
key press on the call and the desk still acknowledge). Both are told to the desk on the
timelines concerned, or, when a sender concerns no request, on every request whose chain is
running.

The replies and the strikes are kept by `dispatcher.store.replies.ReplyRepository`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from dispatcher.domain.acks import GuessLimit, ReplyOutcome, Strikes
from dispatcher.domain.addresses import Canonical, canonical_address, same_address
from dispatcher.domain.localtime import local
from dispatcher.domain.outbox import PAGES, Purpose
from dispatcher.domain.text import escape_line
from dispatcher.domain.timeline import EventKind
from dispatcher.engine.control import ENGINE, CalloutControl
from dispatcher.errors import DispatcherError
from dispatcher.plugins.contract import Reply, one_line
from dispatcher.store.outbox import OutboxRecord
from dispatcher.store.replies import ReplyEntry, ReplyRepository

log = logging.getLogger(__name__)

GUESS_LIMIT = GuessLimit()
# The purposes whose code the reader answers with and which a reply may acknowledge: a page
# or re-page (the chain stops), an audit (the contact method is confirmed). A test's code
# (`dispatcher notify test`) is never stored; a notice's message carries none.
ANSWERED_BY_CODE = PAGES | {Purpose.AUDIT}


def answerable(record: OutboxRecord) -> bool:
    """Whether `record`'s code acknowledges when its person answers with it: it is a page,
    re-page or audit, carries a code, and was handed to a provider (attempted at least once;
    a page still queued, or cancelled before it went, gave its code to nobody)."""
    return record.purpose in ANSWERED_BY_CODE and bool(record.ack_code) and record.attempt > 0


@dataclass(frozen=True)
class Verdict:
    """What a reply came to (`ReplyOutcome`), with the notification it acknowledged or whose
    code it carried, and the requests it concerns."""

    outcome: ReplyOutcome
    notification: OutboxRecord | None = None
    concerns: tuple[str, ...] = ()  # the SR ids the reply concerns


class ReplyBook:
    def __init__(
        self,
        control: CalloutControl,
        reaches: Callable[[str], frozenset[str]],
        limit: GuessLimit = GUESS_LIMIT,
        canonical: Callable[[str], Canonical | None] = lambda kind: None,
    ) -> None:
        """`reaches(channel)` is the contact kinds an installed channel reaches (none for a
        channel not installed): a reply binds to a page only through the channel that sent
        it, or one that reaches the page's kind of address, whose word for its sender is
        then worth as much. `canonical(kind)` is a contact kind's declared canonical form,
        if any (`ContactKinds.canonical`): a reply binds to a page only from the same
        address by that kind's rules (`dispatcher.domain.addresses`)."""
        self.control = control
        self.kept = ReplyRepository(control.store)
        self.reaches = reaches
        self.limit = limit
        self.canonical = canonical

    def judge(self, reply: Reply, at: datetime) -> Verdict | None:
        """Record one reply and say what it came to; None if it was seen before. Call inside
        an atomic block on the live partition."""
        if self.kept.seen(reply.channel, reply.provider_id, reply.sender, reply.text):
            return None
        sender_key = f"sender|{reply.channel}|{canonical_address(reply.sender)}"
        sender = self.kept.strikes(sender_key)
        if sender.ignoring(at):
            self.kept.save_strikes(sender_key, sender.dropped())
            log.info(
                "reply from %s ignored until %s", escape_line(reply.sender), sender.ignored_until
            )
            self._tell_own_code_ignored(reply, sender, at)
            return Verdict(ReplyOutcome.IGNORED)
        verdict = self._verdict(reply, at)
        self._keep(reply, verdict, verdict.outcome, at)
        if verdict.outcome is not ReplyOutcome.ACKNOWLEDGED:
            self._failed(reply, verdict, sender_key, sender, at)
        return verdict

    def _tell_own_code_ignored(self, reply: Reply, sender: Strikes, at: datetime) -> None:
        """A sender whose replies are ignored sent the code paged to that very address (an
        engineer who mistyped five times, then got it right): nothing is acknowledged, but the
        desk is told, once per reply, so that it phones them. Other ignored replies stay unread."""
        verdict = self._verdict(reply, at)
        if verdict.outcome is not ReplyOutcome.ACKNOWLEDGED:
            return
        self._keep(reply, verdict, ReplyOutcome.IGNORED, at)
        assert sender.ignored_until is not None  # only an ignored sender's replies come here
        until = f"{local(sender.ignored_until, self.control.zone()):%H:%M}"
        self._tell(
            verdict.concerns,
            at,
            EventKind.REPLY_REFUSED,
            f"{reply.sender} sent the code paged to it while its replies are ignored (until "
            f"{until}): nothing acknowledged; phone them and acknowledge by the desk",
            reply,
        )

    def _keep(self, reply: Reply, verdict: Verdict, outcome: ReplyOutcome, at: datetime) -> None:
        """Store a reply read, by its key: a reply polled again is then seen before."""
        self.kept.add(
            ReplyEntry(
                sr=verdict.concerns[0] if verdict.concerns else "",
                channel=reply.channel,
                provider_id=reply.provider_id,
                sender=reply.sender,
                text=reply.text,
                ack_code=reply.ack_code,
                at=at,
                outcome=outcome,
                notification=verdict.notification.id if verdict.notification else None,
            )
        )

    def _verdict(self, reply: Reply, at: datetime) -> Verdict:
        code = reply.ack_code
        outbox = self.control.outbox
        if not code:
            return Verdict(ReplyOutcome.NO_CODE, concerns=self._paged_for(reply.sender))
        carried = outbox.by_provider_id(reply.channel, reply.provider_id)
        if carried is not None and carried.ack_code == code and answerable(carried):
            return Verdict(ReplyOutcome.ACKNOWLEDGED, carried, (carried.sr,))  # a key press
        stored = outbox.by_ack_code(code)
        found = [r for r in stored if answerable(r)]
        if not found:  # a guess, or a code only a notice or an unsent page holds
            concerns = self._paged_for(reply.sender) or tuple(sorted({r.sr for r in stored}))
            return Verdict(ReplyOutcome.WRONG_CODE, concerns=concerns)
        bound = [
            r
            for r in found
            if (r.channel == reply.channel or r.contact_kind in self.reaches(reply.channel))
            and same_address(
                r.address, reply.sender, r.contact_kind, self.canonical(r.contact_kind)
            )
        ]
        if bound:
            newest = max(bound, key=lambda r: r.id)
            if self.kept.strikes(f"sr|{newest.sr}").ignoring(at):
                return Verdict(ReplyOutcome.REFUSED, newest, (newest.sr,))
            return Verdict(ReplyOutcome.ACKNOWLEDGED, newest, (newest.sr,))
        paged = max(found, key=lambda r: r.id)
        return Verdict(ReplyOutcome.SUSPICIOUS, paged, (paged.sr,))

    def _paged_for(self, sender: str) -> tuple[str, ...]:
        """The live requests whose running chains paged this address."""
        running = {record.sr for record in self.control.callouts.running()}
        return self.control.outbox.requests_paging(sender, running, self.canonical)

    def _failed(
        self, reply: Reply, verdict: Verdict, sender_key: str, sender: Strikes, at: datetime
    ) -> None:
        """Strike the sender and the requests concerned; tell the desk what it must know."""
        said = one_line(reply.text, 60)
        if verdict.outcome is ReplyOutcome.SUSPICIOUS:
            paged = verdict.notification
            assert paged is not None  # a suspicious reply carries the code of a notification
            self._tell(
                verdict.concerns,
                at,
                EventKind.SUSPICIOUS_REPLY,
                f"{reply.sender} sent the code paged to {paged.person} ({paged.address}) by "
                f"{reply.channel}: not a paged address, nothing acknowledged",
                reply,
            )
        elif verdict.outcome is ReplyOutcome.REFUSED:
            self._tell(
                verdict.concerns,
                at,
                EventKind.REPLY_REFUSED,
                f"{reply.sender} sent a code while typed codes are refused: nothing "
                "acknowledged; acknowledge by the desk",
                reply,
            )
        elif verdict.concerns:
            self._tell(
                verdict.concerns,
                at,
                EventKind.REPLY_UNMATCHED,
                f"{reply.sender} replied by {reply.channel} with no code of this request: {said}",
                reply,
            )
        if (
            verdict.outcome is ReplyOutcome.NO_CODE
        ):  # words ("on my way") or a wrong key on the call:
            return  # no code, so no guess; striking them would mute the engineers who answer
        struck = sender.struck(at, self.limit.per_sender, self.limit)
        self.kept.save_strikes(sender_key, struck)
        self.kept.forget_expired(at, self.limit.window)
        if struck.ignoring(at) and struck.ignored_until is not None:
            until = f"{local(struck.ignored_until, self.control.zone()):%H:%M}"
            log.warning("replies from %s ignored until %s", escape_line(reply.sender), until)
            self._tell(
                verdict.concerns or self._running(),
                at,
                EventKind.REPLIES_IGNORED,
                f"{reply.sender} sent {self.limit.per_sender} replies by {reply.channel} that "
                f"acknowledged nothing; its replies are ignored until {until}",
                reply,
            )
        for sr_id in verdict.concerns:
            key = f"sr|{sr_id}"
            before = self.kept.strikes(key)
            if before.ignoring(at):
                continue
            after = before.struck(at, self.limit.per_request, self.limit)
            self.kept.save_strikes(key, after, sr=sr_id)
            if after.ignoring(at) and after.ignored_until is not None:
                until = f"{local(after.ignored_until, self.control.zone()):%H:%M}"
                self._tell(
                    (sr_id,),
                    at,
                    EventKind.CODES_LOCKED,
                    f"{self.limit.per_request} replies failed against this request; codes "
                    f"typed by text are refused until {until} (a key press on the call or the "
                    "desk still acknowledges)",
                    reply,
                )

    def _tell(
        self, sr_ids: tuple[str, ...], at: datetime, kind: EventKind, text: str, reply: Reply
    ) -> None:
        for sr_id in sr_ids:
            try:
                self.control.requests.change(
                    sr_id,
                    lambda sr: sr.record(
                        at,
                        ENGINE,
                        kind,
                        text,
                        reply.channel,
                        sender=reply.sender,
                        reply=reply.text,
                    ),
                )
            except DispatcherError as error:  # an audit's id, or an SR archived meanwhile
                log.info("%s: %s", escape_line(sr_id), error)

    def _running(self) -> tuple[str, ...]:
        return tuple(sorted({record.sr for record in self.control.callouts.running()}))
