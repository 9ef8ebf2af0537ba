"""The Twilio client as the sms and voice channels use it: async, pointed at the configured
base URL, and turning Twilio's errors into Receipts with no secret in them.

Twilio's async client (`AsyncTwilioHttpClient`, the `*_async` methods) runs on aiohttp in the
engine's own event loop, so hundreds of messages and calls are in flight at once without
threads. A library for channel plugins, not a plugin: it registers no channel.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiohttp
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from dispatcher.plugins import (
    Failure,
    MissingSetting,
    PollResult,
    Receipt,
    Reply,
    Settings,
    StatusUpdate,
    one_line,
    redact,
)

TWILIO_URL_ENV = "DISPATCHER_TWILIO_URL"

# Twilio error codes that mean "try later" whatever the HTTP status says
# (https://www.twilio.com/docs/api/errors): 20429 Too Many Requests, 20500 Internal Server
# Error, 20503 Service Unavailable, 14107 SMS send rate limit exceeded, 30001 Queue overflow.
TRY_LATER_CODES = frozenset({20429, 20500, 20503, 14107, 30001})


def failure_for(status: int, code: int | None) -> Failure:
    """Transient for Twilio's "try later" codes, else as the HTTP status says."""
    if code in TRY_LATER_CODES:
        return Failure.TRANSIENT
    return Failure.for_http_status(status)


@dataclass(frozen=True)
class TwilioConfig:
    account_sid: str
    auth_token: str
    from_number: str
    base_url: str | None = None
    timeout: float = 15.0

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioConfig:
        sid, token, sender = settings.require(
            "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"
        )
        base_url = settings.get(TWILIO_URL_ENV)
        if base_url and not base_url.startswith(("http://", "https://")):
            raise MissingSetting(f"{TWILIO_URL_ENV} must be an http:// or https:// URL")
        return cls(sid, token, sender, base_url.rstrip("/") if base_url else None)

    def __repr__(self) -> str:  # never show the token
        return f"TwilioConfig(account_sid={self.account_sid!r}, from_number={self.from_number!r})"


class TwilioSession:
    """One Twilio client per event loop, created on first use (aiohttp needs a running loop)."""

    def __init__(self, config: TwilioConfig) -> None:
        self.config = config
        self._client: Client | None = None
        self._http: AsyncTwilioHttpClient | None = None

    @property
    def client(self) -> Client:
        if self._client is None:
            self._http = AsyncTwilioHttpClient(timeout=self.config.timeout)
            self._client = Client(
                self.config.account_sid, self.config.auth_token, http_client=self._http
            )
            if self.config.base_url:
                self._client.api.base_url = self.config.base_url
        return self._client

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
        self._client = self._http = None

    def failed(self, channel: str, error: Exception, segments: int | None = None) -> Receipt:
        """A Receipt for what went wrong talking to Twilio, with no secret in it."""
        if isinstance(error, TwilioRestException):
            failure = failure_for(error.status, error.code)
            detail, code = f"Twilio refused ({error.status}): {error.msg}", error.code
        elif isinstance(error, (aiohttp.ClientError, OSError, asyncio.TimeoutError)):
            failure, code = Failure.TRANSIENT, None
            detail = f"cannot reach Twilio: {type(error).__name__} {error}".strip()
        elif isinstance(error, TwilioException):
            failure, code = Failure.TRANSIENT, None
            detail = f"unexpected answer from Twilio: {error}"
        else:
            raise error
        detail = self.redact(one_line(detail))
        return Receipt.failed(channel, failure, detail, error_code=code, segments=segments)

    def redact(self, text: str) -> str:
        return redact(text, [self.config.auth_token])


@dataclass
class Held:
    """What the parts of a poll found, held until a poll returns it: a part that fails, or
    a poll the engine's time bound cuts short, loses nothing another part found, and what
    was found is reported by the next poll."""

    replies: list[Reply] = field(default_factory=list)
    updates: list[StatusUpdate] = field(default_factory=list)

    def take(self) -> PollResult:
        """Everything held (replies in the order they were sent), and hold nothing more."""
        replies, self.replies = self.replies, []
        updates, self.updates = self.updates, []
        replies.sort(key=lambda reply: reply.received_at or datetime.min.replace(tzinfo=UTC))
        return PollResult(replies=tuple(replies), updates=tuple(updates))
