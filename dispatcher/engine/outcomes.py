"""What came of a notification: a send's receipt, a later delivery update, a person's reply.

Each outcome is recorded in one commit with its timeline event: sent or delivered, retried
later, failed (and then the person's next contact method at once), acknowledged. Observers
hear of every notification sent or failed.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from dispatcher.domain.acks import ReplyOutcome
from dispatcher.domain.localtime import local
from dispatcher.domain.outbox import PAGES, DeliveryState, Purpose, RetryPolicy
from dispatcher.domain.text import escape_line
from dispatcher.domain.timeline import EventKind
from dispatcher.engine.control import ENGINE, CalloutControl
from dispatcher.engine.paging import fallback
from dispatcher.engine.replies import ReplyBook
from dispatcher.errors import DispatcherError, IllegalTransition
from dispatcher.plugins.contract import (
    CalloutEvent,
    CalloutEventKind,
    DeliveryStatus,
    Failure,
    Receipt,
    Reply,
    StatusUpdate,
    one_line,
)
from dispatcher.plugins.manager import PluginManager
from dispatcher.store.callouts import Confirmation, confirm
from dispatcher.store.outbox import OutboxRecord

log = logging.getLogger(__name__)


class Outcomes:
    def __init__(self, control: CalloutControl, plugins: PluginManager, retry: RetryPolicy) -> None:
        self.control = control
        self.store = control.store
        self.roster = control.roster
        self.plugins = plugins
        self.retry = retry
        self.replies = ReplyBook(
            control,
            reaches=lambda channel: control.reaches.get(channel, frozenset()),
            canonical=plugins.contact_kinds().canonical,
        )

    def settle(self, record: OutboxRecord, receipt: Receipt, at: datetime) -> None:
        """Record what a send came to: sent or delivered, retried later, or failed (and then
        the person's next contact method at once)."""
        outbox = self.control.outbox
        retry = self.retry
        with self.store.atomic(self.store.live):
            if receipt.ok:
                delivered = receipt.status in (DeliveryStatus.DELIVERED, DeliveryStatus.ANSWERED)
                moved = outbox.move(
                    record.id,
                    DeliveryState.DELIVERED if delivered else DeliveryState.SENT,
                    at,
                    provider_id=receipt.provider_id or "",
                    provider_status=receipt.status.value,
                    failure="",
                    detail=receipt.detail,
                )
                self._timeline(moved, at, EventKind.PAGE_SENT, f"{moved.channel} to {moved.person}")
                if delivered:
                    self._timeline(
                        moved,
                        at,
                        EventKind.PAGE_DELIVERED,
                        f"{moved.channel} {receipt.status.value}",
                    )
                self._tell_notification(CalloutEventKind.NOTIFICATION_SENT, moved, at)
                return
            if receipt.failure is Failure.TRANSIENT:
                due = at + retry.delay(max(1, record.attempt))
                why = self._no_retry(record, due)
                if why is None:
                    moved = outbox.retry_at(
                        record.id, due, at, receipt.error_code or "", receipt.detail
                    )
                    self._timeline(
                        moved,
                        at,
                        EventKind.PAGE_FAILED,
                        f"{moved.channel} to {moved.person}: {receipt.detail}; "
                        f"retry at {local(due, self.control.zone()):%H:%M:%S}",
                        transient=True,
                    )
                    self._stand_in(moved, at)  # a fallback channel never holds the person
                    return
                receipt = replace(receipt, detail=f"{receipt.detail} ({why})")
            if record.state is DeliveryState.QUEUED:  # never reached a provider
                record = outbox.move(record.id, DeliveryState.SENDING, at)
            moved = outbox.move(
                record.id,
                DeliveryState.FAILED,
                at,
                failure=(receipt.failure or Failure.PERMANENT).value,
                error_code=receipt.error_code or "",
                detail=receipt.detail,
                provider_id=receipt.provider_id or record.provider_id,
                provider_status=receipt.status.value,
            )
            self._failed(moved, at)

    def _no_retry(self, record: OutboxRecord, due: datetime) -> str | None:
        """Why a transient failure is final, or None when it is retried at `due`. A page
        retries until its step's wait ends; any other notice `RetryPolicy.attempts` times."""
        if record.purpose not in PAGES:
            if self.retry.gives_up_after(max(1, record.attempt)):
                return f"gave up after {record.attempt} attempts"
            return None
        run = self.control.callouts.get(record.sr)
        if (
            run is None
            or not run.running
            or (run.run.position.round, run.run.position.step) != (record.round, record.step)
        ):
            return "its step is over"
        if due >= run.run.step_deadline:
            ends = local(run.run.step_deadline, self.control.zone())
            return f"no retry before its step ends at {ends:%H:%M:%S}"
        return None

    def _failed(self, moved: OutboxRecord, at: datetime) -> None:
        self._timeline(
            moved,
            at,
            EventKind.PAGE_FAILED,
            f"{moved.channel} to {moved.person}: {moved.detail or moved.provider_status}",
        )
        self._tell_notification(CalloutEventKind.NOTIFICATION_FAILED, moved, at)
        self._stand_in(moved, at)

    def _stand_in(self, failed: OutboxRecord, at: datetime) -> None:
        """Queue the person's next route at once where `paging.fallback` says one takes the
        failed page's place (a permanent failure; a transient one of a fallback channel)."""
        instead = fallback(self.control, failed, at)
        if instead is None:
            return
        how = "failed for good" if failed.failure == Failure.PERMANENT.value else "failed"
        self._timeline(
            instead,
            at,
            EventKind.PAGE_FAILED,
            f"{failed.person}: {failed.channel} {how}; {instead.channel} {instead.address} next",
            fallback=instead.id,
        )

    def _timeline(
        self, record: OutboxRecord, at: datetime, kind: EventKind, text: str, **extra
    ) -> None:
        if record.purpose == Purpose.AUDIT:
            return
        log.info("%s %s%s: %s", record.sr, kind, " (drill)" if record.drill else "", text)
        data = {
            "person": record.person,
            "address": record.address,
            "notification": record.id,
            "purpose": str(record.purpose),
            **extra,
        }
        if record.error_code or kind == EventKind.PAGE_FAILED:
            data.update(error_code=record.error_code, detail=record.detail)
        try:
            self.control.requests.change(
                record.sr, lambda sr: sr.record(at, ENGINE, kind, text, record.channel, **data)
            )
        except DispatcherError as error:  # the SR moved on (closed and archived): keep sending
            log.warning("%s: %s", record.sr, error)

    def _tell_notification(
        self, kind: CalloutEventKind, record: OutboxRecord, at: datetime
    ) -> None:
        self.plugins.callout_event(
            CalloutEvent(
                kind,
                record.sr,
                at,
                record.drill,
                step=record.step,
                person_id=record.person,
                channel=record.channel,
                notification_id=str(record.id),
                detail=record.detail or record.provider_status,
            )
        )

    def update(self, update: StatusUpdate, at: datetime) -> None:
        outbox = self.control.outbox
        record = outbox.by_provider_id(update.channel, update.provider_id)
        if record is None or record.state in (DeliveryState.FAILED, DeliveryState.CANCELLED):
            return
        status = update.status
        with self.store.atomic(self.store.live):
            if status in (DeliveryStatus.DELIVERED, DeliveryStatus.ANSWERED):
                first = record.state is not DeliveryState.DELIVERED
                moved = outbox.move(
                    record.id, DeliveryState.DELIVERED, at, provider_status=status.value
                )
                if first:
                    self._timeline(
                        moved, at, EventKind.PAGE_DELIVERED, f"{moved.channel} {status.value}"
                    )
            elif status in (DeliveryStatus.FAILED, DeliveryStatus.BUSY, DeliveryStatus.NO_ANSWER):
                if record.state is DeliveryState.DELIVERED:
                    outbox.move(
                        record.id, DeliveryState.DELIVERED, at, provider_status=status.value
                    )
                    return
                failure = (
                    Failure.PERMANENT if status is DeliveryStatus.FAILED else Failure.TRANSIENT
                )
                moved = outbox.move(
                    record.id,
                    DeliveryState.FAILED,
                    at,
                    provider_status=status.value,
                    failure=failure.value,
                    error_code=update.error_code or "",
                    detail=update.detail or status.value.replace("_", " "),
                )
                self._failed(moved, at)
            elif record.state is DeliveryState.SENT:
                outbox.move(record.id, DeliveryState.SENT, at, provider_status=status.value)

    def reply(self, reply: Reply, at: datetime) -> None:
        """Act on a reply that acknowledges (see `dispatcher.engine.replies` for which do)."""
        with self.store.atomic(self.store.live):
            verdict = self.replies.judge(reply, at)
            if verdict is None or verdict.outcome is not ReplyOutcome.ACKNOWLEDGED:
                if verdict is not None and verdict.outcome is not ReplyOutcome.IGNORED:
                    log.info(
                        "reply on %s %s: %s",
                        reply.channel,
                        verdict.outcome.replace("_", " "),
                        escape_line(one_line(reply.text, 60)),
                    )
                return
            matched = verdict.notification
            assert matched is not None  # an acknowledging reply names its notification
            confirm(
                self.store,
                Confirmation(
                    matched.person,
                    matched.channel,
                    matched.address,
                    matched.contact_kind,
                    at,
                    matched.purpose,
                ),
            )
            if matched.purpose == Purpose.AUDIT:
                return
            person = self.roster.people.get(matched.person)
            by = person.display_name if person else matched.person
            if not self._of_latest_run(matched):
                self._late(
                    matched.sr,
                    at,
                    by,
                    reply.channel,
                    f"{by} answered by {reply.channel} a page of an earlier call-out: the "
                    "call-out under way goes on",
                )
                return
            log.info(
                "%s reply on %s from %s acknowledges for %s",
                matched.sr,
                reply.channel,
                one_line(reply.sender, 40),
                by,
            )
            try:
                try:
                    self.control.acknowledge(
                        matched.sr, at, ENGINE, by, via=reply.channel, person=matched.person
                    )
                except IllegalTransition:  # its chain had ended and someone owned it already
                    self._late(
                        matched.sr, at, by, reply.channel, f"{by} acknowledged by {reply.channel}"
                    )
            except DispatcherError as error:
                log.warning("%s: acknowledgement not recorded: %s", matched.sr, error)

    def _of_latest_run(self, page: OutboxRecord) -> bool:
        """Whether `page` belongs to its request's latest call-out (a page without a run, or a
        request without one, does): a code paged by a call-out that has since been followed
        by another never stops the new one, which may not page that person at all."""
        latest = self.control.callouts.get(page.sr)
        return not page.run or latest is None or latest.run.started.isoformat() == page.run

    def _late(self, sr_id: str, at: datetime, by: str, channel: str, text: str) -> None:
        """An answer that acknowledges no chain: on the timeline, where the desk sees it."""
        self.control.requests.change(
            sr_id,
            lambda sr: sr.record(
                at, ENGINE, EventKind.LATE_ACKNOWLEDGEMENT, text, channel, by=by, via=channel
            ),
        )
