"""The voice channel: a Twilio call that speaks the message with inline TwiML.

Inline TwiML needs no public URL to place a call, and call outcomes (answered, busy,
no-answer, failed) are read by polling. With the webhook receiver configured the message is
wrapped in `<Gather>` when the notification has a code to answer with (a page, an audit, a
test; a notice has none): pressing 1 acknowledges, and Twilio also posts status callbacks.
"""

from __future__ import annotations

import asyncio
from functools import partial

from dispatcher_twilio import Held, TwilioConfig, TwilioSession
from twilio.twiml.voice_response import VoiceResponse

from dispatcher.plugins import (
    ChannelBase,
    ContactKind,
    DeliveryStatus,
    Health,
    Notification,
    PollResult,
    Receipt,
    StatusUpdate,
)
from dispatcher.plugins.sizes import TWIML_LIMIT, fit
from dispatcher_voice.receiver import WebhookReceiver

TWILIO_CALL_STATUS = {
    "queued": DeliveryStatus.QUEUED,
    "initiated": DeliveryStatus.QUEUED,
    "ringing": DeliveryStatus.SENT,
    "in-progress": DeliveryStatus.ANSWERED,
    "completed": DeliveryStatus.ANSWERED,
    "busy": DeliveryStatus.BUSY,
    "no-answer": DeliveryStatus.NO_ANSWER,
    "failed": DeliveryStatus.FAILED,
    "canceled": DeliveryStatus.FAILED,
}
TWILIO_FINAL = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]

# Amazon Polly voices through Twilio's <Say>: one per language the roster knows.
VOICES = {"en": ("Polly.Joanna", "en-US"), "zh": ("Polly.Zhiyu", "cmn-CN")}
WORDS = {
    "en": {"press": "Press 1 to acknowledge.", "bye": "Goodbye."},
    "zh": {"press": "确认请按1。", "bye": "再见。"},
}


def call_twiml(notification: Notification, gather_url: str | None) -> str:
    """The engine's spoken text (drill and code already in it) said twice, in the
    recipient's language; inside a `<Gather>` if wanted.

    The engine keeps the spoken text short (`sizes.SPOKEN_LIMIT`); should escaping still make
    the TwiML longer than Twilio's `TWIML_LIMIT` of 4,000 characters (a longer `Twiml`
    parameter fails the call), the text is cut (`sizes.fit`) so the call is placed.
    """
    language = notification.language if notification.language in VOICES else "en"
    render = partial(_twiml, language=language, gather_url=gather_url)
    return render(fit(notification.spoken_text, render, TWIML_LIMIT))


def _twiml(text: str, language: str, gather_url: str | None) -> str:
    voice, locale = VOICES[language]
    words = WORDS[language]
    response = VoiceResponse()
    speaker = (
        response.gather(num_digits=1, action=gather_url, method="POST", timeout=8)
        if gather_url
        else response
    )
    speaker.say(text, voice=voice, language=locale)
    speaker.pause(length=1)
    speaker.say(text, voice=voice, language=locale)
    if gather_url:
        speaker.say(words["press"], voice=voice, language=locale)
    response.say(words["bye"], voice=voice, language=locale)
    return str(response)


class VoiceChannel(ChannelBase):
    name = "voice"
    reaches = frozenset({ContactKind.MOBILE, ContactKind.VOICE})

    def __init__(self, config: TwilioConfig, receiver: WebhookReceiver | None = None) -> None:
        self.config = config
        self.receiver = receiver
        self.twilio = TwilioSession(config)
        self._outstanding: dict[str, DeliveryStatus] = {}  # call sid -> last reported status
        self._held = Held()  # found, not yet returned by a poll

    async def send(self, notification: Notification) -> Receipt:
        options = {}
        gather_url = None
        if self.receiver is not None:
            await self.receiver.start()
            if notification.ack_code:  # a notice asks nothing: no "press 1 to acknowledge"
                gather_url = self.receiver.gather_url(notification.ack_code)
            options = {
                "status_callback": self.receiver.status_url,
                "status_callback_event": STATUS_EVENTS,
            }
        if notification.contact.extension:
            # Once the switchboard answers: a one-second pause ("ww"), then the extension.
            options["send_digits"] = f"ww{notification.contact.extension}"
        try:
            call = await self.twilio.client.calls.create_async(
                to=notification.contact.number,
                from_=self.config.from_number,
                twiml=call_twiml(notification, gather_url),
                **options,
            )
        except Exception as error:
            return self.twilio.failed(self.name, error)
        status = TWILIO_CALL_STATUS.get(call.status, DeliveryStatus.QUEUED)
        self._outstanding[call.sid] = status
        return Receipt.accepted(self.name, call.sid, status)

    async def poll(self) -> PollResult:
        """Key presses and status callbacks from the receiver, then the calls still open.

        What the receiver gave and each call fetched is held until a poll returns it, so a
        poll cut short (a fetch failing, the engine's time bound) loses no key press or
        outcome: the next poll reports it."""
        replies, callbacks = self.receiver.drain() if self.receiver is not None else ([], [])
        self._held.replies.extend(replies)
        self._held.updates.extend(
            u for sid, status in callbacks if (u := self._update(sid, status))
        )
        await asyncio.gather(
            *(self._fetch(sid) for sid in list(self._outstanding)), return_exceptions=True
        )
        return self._held.take()

    async def _fetch(self, sid: str) -> None:
        """One open call's status, held if it changed (a failed fetch is asked again)."""
        call = await self.twilio.client.calls(sid).fetch_async()
        if update := self._update(sid, call.status):
            self._held.updates.append(update)

    def _update(self, sid: str, twilio_status: str) -> StatusUpdate | None:
        """A StatusUpdate if this call's status changed since it was last reported."""
        if sid not in self._outstanding or twilio_status not in TWILIO_CALL_STATUS:
            return None
        status = TWILIO_CALL_STATUS[twilio_status]
        changed = status != self._outstanding[sid]
        self._outstanding[sid] = status
        if twilio_status in TWILIO_FINAL:
            del self._outstanding[sid]
        return StatusUpdate(self.name, sid, status, detail=twilio_status) if changed else None

    async def check(self) -> Health:
        try:
            await self.twilio.client.api.v2010.accounts(self.config.account_sid).fetch_async()
        except Exception as error:
            return Health(False, self.twilio.failed(self.name, error).detail)
        receiver = f"; key presses at {self.receiver.config.public_url}" if self.receiver else ""
        return Health(True, f"Twilio account {self.config.account_sid} answers{receiver}")

    async def close(self) -> None:
        if self.receiver is not None:
            await self.receiver.close()
        await self.twilio.close()
