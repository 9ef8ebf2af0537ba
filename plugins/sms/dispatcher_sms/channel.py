"""The sms channel: Twilio Messages out, replies read back by polling the sending number.

Polling the inbound messages sent to `TWILIO_FROM` needs no public URL, so the desk can run
behind any firewall. Each inbound message is reported once per process (its Twilio sid is
`Reply.provider_id`, for the engine to record), however many arrive between two polls; a
reply's acknowledgement code is parsed from "1234" or "ACK 1234".
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from dispatcher_twilio import Held, TwilioConfig, TwilioSession

from dispatcher.plugins import (
    ChannelBase,
    ContactKind,
    DeliveryStatus,
    Health,
    Notification,
    PollResult,
    Receipt,
    Reply,
    StatusUpdate,
    one_line,
    parse_ack_code,
)
from dispatcher.plugins.sizes import sms_parts

TWILIO_MESSAGE_STATUS = {
    "accepted": DeliveryStatus.QUEUED,
    "scheduled": DeliveryStatus.QUEUED,
    "queued": DeliveryStatus.QUEUED,
    "sending": DeliveryStatus.SENT,
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.DELIVERED,
    "undelivered": DeliveryStatus.FAILED,
    "failed": DeliveryStatus.FAILED,
    "canceled": DeliveryStatus.FAILED,
}
REPLY_WINDOW = timedelta(days=1)  # how far back a poll looks for replies
REPLY_PAGE_SIZE = 200  # inbound messages asked for in one request (Twilio allows 1,000)
REPLY_PAGES_PER_POLL = 5  # requests for replies one poll makes at most; the rest next poll

log = logging.getLogger(__name__)


class SmsChannel(ChannelBase):
    """Sends texts; its `poll` reads replies and delivery statuses.

    Replies are read newest first, page by page (Twilio's `next_page_uri`), back to the
    last message already read, so a burst of texts between two polls buries no reply. A
    poll reads at most `REPLY_PAGES_PER_POLL` pages; where it stopped short, the next poll
    goes on from there (`_unread`: the pages still to read, oldest first). Reading replies
    and fetching statuses are separate parts: one failing (logged) loses nothing the other
    found. Whatever a part finds is held until a poll returns it, so a poll cut short (an
    error, the engine's time bound) reports it with the next.
    """

    name = "sms"
    reaches = frozenset({ContactKind.MOBILE})

    def __init__(self, config: TwilioConfig, clock: Any = None) -> None:
        self.config = config
        self.clock = clock
        self.twilio = TwilioSession(config)
        self._outstanding: dict[str, DeliveryStatus] = {}  # sid -> last reported status
        self._read: dict[str, datetime] = {}  # sid of each inbound message read -> when sent
        self._unread: list[str] = []  # URLs of pages not read yet, oldest first
        self._held = Held()  # found, not yet returned by a poll

    def _now(self) -> datetime:
        return self.clock.now() if self.clock is not None else datetime.now(UTC)

    async def send(self, notification: Notification) -> Receipt:
        body = notification.sms_text  # composed by the engine: code and drill mark in it
        segments = sms_parts(body)
        try:
            message = await self.twilio.client.messages.create_async(
                to=notification.contact.address, from_=self.config.from_number, body=body
            )
        except Exception as error:
            return self.twilio.failed(self.name, error, segments)
        status = TWILIO_MESSAGE_STATUS.get(message.status, DeliveryStatus.QUEUED)
        self._outstanding[message.sid] = status
        return Receipt.accepted(self.name, message.sid, status, segments=segments)

    async def poll(self) -> PollResult:
        """Replies to the sending number, and status changes of messages sent by this process,
        found since the last poll returned (replies in the order they were sent)."""
        parts = await asyncio.gather(
            self._read_replies(), self._read_statuses(), return_exceptions=True
        )
        for part, outcome in zip(("replies", "delivery statuses"), parts, strict=True):
            if isinstance(outcome, BaseException):
                log.warning("sms: %s not read this time: %s", part, self._described(outcome))
        return self._held.take()

    def _described(self, error: BaseException) -> str:
        if isinstance(error, Exception):
            try:
                return self.twilio.failed(self.name, error).detail
            except Exception:
                pass
        return self.twilio.redact(one_line(f"{type(error).__name__}: {error}"))

    async def _read_replies(self) -> None:
        """The newest page, then pages left unread, up to `REPLY_PAGES_PER_POLL` in all. Each
        page's messages are held before the next request, and a page's URL stays in
        `_unread` until it is read: an error or a cancellation loses no place."""
        messages = self.twilio.client.messages
        newest = await messages.page_async(
            to=self.config.from_number,
            date_sent_after=self._now() - REPLY_WINDOW,
            page_size=REPLY_PAGE_SIZE,
        )
        following = self._take(newest)
        if following:
            self._unread.append(following)
        for _ in range(REPLY_PAGES_PER_POLL - 1):
            if not self._unread:
                break
            page = await messages.get_page_async(self._unread[0])
            following = self._take(page)
            self._unread[0:1] = [following] if following else []
        self._forget_old()

    def _take(self, page: Any) -> str | None:
        """Hold the page's messages not read before (newest first, as Twilio lists them);
        the next page's URL if all were new, or None at a message read before or the end."""
        fresh: list[Any] = []
        following: str | None = page.next_page_url
        for message in page:
            if message.sid in self._read:
                following = None
                break
            self._read[message.sid] = message.date_sent or self._now()
            fresh.append(message)
        self._hold(fresh)
        return following

    def _hold(self, messages: list[Any]) -> None:
        self._held.replies.extend(
            Reply(
                self.name,
                parse_ack_code(message.body),
                message.from_,
                message.body,
                message.sid,
                message.date_sent,
            )
            for message in reversed(messages)
            if message.direction == "inbound"
        )

    def _forget_old(self) -> None:
        """Forget messages sent more than twice the window before the newest one read: a
        poll lists only the window, so none of them is listed again. (Measured from the
        newest message, not this machine's clock, which may differ from Twilio's.)"""
        if not self._read:
            return
        horizon = max(self._read.values()) - 2 * REPLY_WINDOW
        for sid in [sid for sid, sent in self._read.items() if sent < horizon]:
            del self._read[sid]

    async def _read_statuses(self) -> None:
        """Fetch each outstanding message; each answer is held as it comes."""
        sids = list(self._outstanding)
        fetched = await asyncio.gather(
            *(self._read_status(sid) for sid in sids), return_exceptions=True
        )
        failed = [f for f in fetched if isinstance(f, BaseException)]
        if failed:  # the others are held; these are asked again at the next poll
            raise failed[0]

    async def _read_status(self, sid: str) -> None:
        message = await self.twilio.client.messages(sid).fetch_async()
        status = TWILIO_MESSAGE_STATUS.get(message.status, DeliveryStatus.QUEUED)
        if sid not in self._outstanding:
            return  # another poll reported it meanwhile
        if status != self._outstanding[sid]:
            code = str(message.error_code) if message.error_code else None
            self._held.updates.append(
                StatusUpdate(self.name, sid, status, code, message.error_message or "")
            )
        self._outstanding[sid] = status
        if status.is_final:
            del self._outstanding[sid]

    async def check(self) -> Health:
        try:
            await self.twilio.client.api.v2010.accounts(self.config.account_sid).fetch_async()
        except Exception as error:
            return Health(False, self.twilio.failed(self.name, error).detail)
        return Health(True, f"Twilio account {self.config.account_sid} answers")

    async def close(self) -> None:
        await self.twilio.close()
