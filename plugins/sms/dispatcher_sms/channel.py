"""The sms channel: Twilio Messages out, replies read back by polling the sending number.

Polling the inbound messages sent to `TWILIO_FROM` needs no public URL, so the desk can run
behind any firewall. Each inbound message is reported once per process (its Twilio sid is
`Reply.provider_id`, for the engine to record); a reply's acknowledgement code is parsed
from "1234" or "ACK 1234".
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from dispatcher_twilio import TwilioConfig, TwilioSession

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
REPLY_LIMIT = 200  # newest inbound messages read per poll; also bounds paging


class SmsChannel(ChannelBase):
    name = "sms"
    reaches = frozenset({ContactKind.MOBILE})

    def __init__(self, config: TwilioConfig, clock: Any = None) -> None:
        self.config = config
        self.clock = clock
        self.twilio = TwilioSession(config)
        self._outstanding: dict[str, DeliveryStatus] = {}  # sid -> last reported status
        self._seen_replies: set[str] = set()

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
        """Replies to the sending number, and status changes of messages sent by this process."""
        inbound, updates = await asyncio.gather(self._replies(), self._status_updates())
        return PollResult(replies=inbound, updates=updates)

    async def _replies(self) -> tuple[Reply, ...]:
        messages = await self.twilio.client.messages.list_async(
            to=self.config.from_number,
            date_sent_after=self._now() - REPLY_WINDOW,
            limit=REPLY_LIMIT,
        )
        replies = []
        for message in reversed(messages):  # Twilio lists newest first
            if message.direction != "inbound" or message.sid in self._seen_replies:
                continue
            self._seen_replies.add(message.sid)
            replies.append(
                Reply(
                    self.name,
                    parse_ack_code(message.body),
                    message.from_,
                    message.body,
                    message.sid,
                    message.date_sent,
                )
            )
        return tuple(replies)

    async def _status_updates(self) -> tuple[StatusUpdate, ...]:
        sids = list(self._outstanding)
        fetched = await asyncio.gather(
            *(self.twilio.client.messages(sid).fetch_async() for sid in sids),
            return_exceptions=True,
        )
        updates = []
        for sid, message in zip(sids, fetched, strict=False):
            if isinstance(message, BaseException):
                continue  # asked again at the next poll
            status = TWILIO_MESSAGE_STATUS.get(message.status, DeliveryStatus.QUEUED)
            if status != self._outstanding[sid]:
                code = str(message.error_code) if message.error_code else None
                updates.append(
                    StatusUpdate(self.name, sid, status, code, message.error_message or "")
                )
            self._outstanding[sid] = status
            if status.is_final:
                del self._outstanding[sid]
        return tuple(updates)

    async def check(self) -> Health:
        try:
            await self.twilio.client.api.v2010.accounts(self.config.account_sid).fetch_async()
        except Exception as error:
            return Health(False, self.twilio.failed(self.name, error).detail)
        return Health(True, f"Twilio account {self.config.account_sid} answers")

    async def close(self) -> None:
        await self.twilio.close()
