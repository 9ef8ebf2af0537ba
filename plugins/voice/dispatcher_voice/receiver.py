"""The optional webhook receiver: Twilio posts key presses and call status here.

Only requests signed with the account's auth token (`X-Twilio-Signature`) are accepted;
unsigned or forged ones get 403 and change nothing. The signature covers the public URL
Twilio called, so the receiver checks against `public_url`, not the address it listens on
(a reverse proxy may stand between them).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiohttp import web
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from dispatcher.plugins import MissingSetting, Reply, Settings

WEBHOOK_URL_ENV = "DISPATCHER_VOICE_WEBHOOK_URL"
WEBHOOK_LISTEN_ENV = "DISPATCHER_VOICE_WEBHOOK_LISTEN"
ACKNOWLEDGE_DIGIT = "1"


@dataclass(frozen=True)
class ReceiverConfig:
    public_url: str  # what Twilio calls, e.g. https://desk.example.org/twilio
    host: str = "127.0.0.1"
    port: int = 8780

    @classmethod
    def from_settings(cls, settings: Settings) -> ReceiverConfig | None:
        public_url = settings.get(WEBHOOK_URL_ENV)
        if public_url is None:
            return None
        if not public_url.startswith(("http://", "https://")):
            raise MissingSetting(f"{WEBHOOK_URL_ENV} must be an http:// or https:// URL")
        host, _, port = (settings.get(WEBHOOK_LISTEN_ENV) or "127.0.0.1:8780").rpartition(":")
        if not port.isdigit():
            raise MissingSetting(f"{WEBHOOK_LISTEN_ENV} must be HOST:PORT")
        return cls(public_url.rstrip("/"), host or "127.0.0.1", int(port))


class WebhookReceiver:
    """Collects signed key presses and status callbacks until the channel's next poll."""

    def __init__(self, config: ReceiverConfig, auth_token: str) -> None:
        self.config = config
        self._validator = RequestValidator(auth_token)
        self._runner: web.AppRunner | None = None
        self._starting: asyncio.Future[None] | None = None
        self.replies: list[Reply] = []
        self.statuses: list[tuple[str, str]] = []  # call sid, Twilio call status
        self.refused = 0

    def gather_url(self, ack_code: str) -> str:
        return f"{self.config.public_url}/voice/gather?ack={ack_code}"

    @property
    def status_url(self) -> str:
        return f"{self.config.public_url}/voice/status"

    async def start(self) -> None:
        """Listen, once: calls placed at the same moment share one start."""
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._listen())
        await asyncio.shield(self._starting)

    async def _listen(self) -> None:
        app = web.Application()
        app.router.add_post("/voice/gather", self._gather)
        app.router.add_post("/voice/status", self._status)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.config.host, self.config.port).start()
        except BaseException:
            await runner.cleanup()
            self._starting = None
            raise
        self._runner = runner

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._starting = None

    def drain(self) -> tuple[list[Reply], list[tuple[str, str]]]:
        replies, statuses = self.replies, self.statuses
        self.replies, self.statuses = [], []
        return replies, statuses

    async def _signed_form(self, request: web.Request) -> dict[str, str] | None:
        form = {key: str(value) for key, value in (await request.post()).items()}
        signature = request.headers.get("X-Twilio-Signature", "")
        url = self.config.public_url + request.path_qs
        if signature and self._validator.validate(url, form, signature):
            return form
        self.refused += 1
        return None

    async def _gather(self, request: web.Request) -> web.Response:
        form = await self._signed_form(request)
        if form is None:
            return web.Response(status=403, text="forbidden")
        pressed = form.get("Digits", "")
        acknowledged = pressed == ACKNOWLEDGE_DIGIT
        self.replies.append(
            Reply(
                "voice",
                request.query.get("ack") if acknowledged else None,
                form.get("To", ""),
                f"pressed {pressed}",
                form.get("CallSid", ""),
            )
        )
        answer = VoiceResponse()
        answer.say("Acknowledged. Thank you." if acknowledged else "Not acknowledged. Goodbye.")
        return web.Response(text=str(answer), content_type="text/xml")

    async def _status(self, request: web.Request) -> web.Response:
        form = await self._signed_form(request)
        if form is None:
            return web.Response(status=403, text="forbidden")
        self.statuses.append((form.get("CallSid", ""), form.get("CallStatus", "")))
        return web.Response(status=204)
