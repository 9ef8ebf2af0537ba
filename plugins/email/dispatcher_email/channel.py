"""The email channel: one plain-text UTF-8 mail per notification, over TLS, logged in.

The engine composes the subject and body (a drill marked in both, the acknowledgement code
in the body); the subject is cut to fit a phone's lock screen. Mail gives no reply channel
here: the person answers with the code by SMS, call or desk.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from typing import Any

import aiosmtplib

from dispatcher.plugins import (
    ChannelBase,
    ContactKind,
    DeliveryStatus,
    Failure,
    Health,
    MissingSetting,
    Notification,
    Receipt,
    Settings,
    one_line,
    redact,
)
from dispatcher.plugins.sizes import cut_subject
from dispatcher_email.headers import POLICY

TLS_MODES = {"starttls": 587, "implicit": 465}
POOL_SIZE = 8  # logged-in connections kept open; mail servers cap one client's (Postfix: 50)
IDLE_LIMIT = 30.0  # seconds an unused connection is kept; servers drop idle clients in minutes


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    user: str
    password: str = field(repr=False)  # never in a repr, a trace or a log
    sender: str
    tls: str = "starttls"
    ca_file: str | None = None  # a private CA for the server's certificate
    timeout: float = 20.0
    pool_size: int = POOL_SIZE

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        host, user, password, sender = settings.require(
            "SMTP_HOST", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM"
        )
        tls = (settings.get("SMTP_TLS") or "starttls").lower()
        if tls not in TLS_MODES:
            raise MissingSetting("SMTP_TLS must be starttls or implicit")
        port = settings.get("SMTP_PORT") or str(TLS_MODES[tls])
        if not port.isdigit():
            raise MissingSetting("SMTP_PORT must be a number")
        if "@" not in parseaddr(sender)[1]:
            raise MissingSetting("SMTP_FROM must be an email address")
        pool_size = settings.get("SMTP_POOL_SIZE") or str(POOL_SIZE)
        if not pool_size.isdigit() or int(pool_size) < 1:
            raise MissingSetting("SMTP_POOL_SIZE must be a whole number of 1 or more")
        return cls(
            host,
            int(port),
            user,
            password,
            sender,
            tls,
            settings.get("SMTP_CA_FILE"),
            pool_size=int(pool_size),
        )

    def __repr__(self) -> str:  # never show the password
        return f"SmtpConfig(host={self.host!r}, port={self.port}, user={self.user!r}, tls={self.tls!r})"


def subject_line(notification: Notification) -> str:
    """The engine's subject (drill mark first) cut by characters to fit a lock screen
    (`sizes.cut_subject`): a summary with no spaces keeps its start."""
    return cut_subject(notification.subject)


class EmailChannel(ChannelBase):
    """Sends over a small pool of logged-in connections (`SmtpConfig.pool_size`).

    A call-out mails many people at once: each mail on a fresh connection would pay TCP, TLS,
    EHLO and AUTH again, and open more connections than a server lets one client have. An
    idle connection is reused while young; one the server has dropped meanwhile is replaced
    and the mail sent again on a fresh connection, once.
    """

    name = "email"
    reaches = frozenset({ContactKind.EMAIL})

    def __init__(self, config: SmtpConfig, clock: Any = None) -> None:
        self.config = config
        self.clock = clock
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []  # connection, last used (monotonic)
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.connections_opened = 0

    def message(self, notification: Notification) -> EmailMessage:
        now = self.clock.now() if self.clock is not None else datetime.now(UTC)
        message = EmailMessage(policy=POLICY)
        message["From"] = self.config.sender
        message["To"] = formataddr(
            (notification.recipient.display_name, notification.contact.address)
        )
        message["Subject"] = subject_line(notification)
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid(
            "dispatcher", domain=parseaddr(self.config.sender)[1].split("@")[-1]
        )
        message.set_content(notification.body, charset="utf-8")
        return message

    def _connection(self) -> dict[str, Any]:
        return {
            "hostname": self.config.host,
            "port": self.config.port,
            "username": self.config.user,
            "password": self.config.password,
            "use_tls": self.config.tls == "implicit",
            "start_tls": self.config.tls == "starttls",
            "cert_bundle": self.config.ca_file,
            "timeout": self.config.timeout,
        }

    async def send(self, notification: Notification) -> Receipt:
        message = self.message(notification)
        async with self._pool_slots():
            try:
                client, reused = await self._take()
            except Exception as error:  # cannot connect, TLS or login refused
                return self.failed(error)
            dropped_while_idle = (
                (aiosmtplib.SMTPServerDisconnected, ConnectionError) if reused else ()
            )
            try:
                try:
                    await client.send_message(message)
                except dropped_while_idle:
                    client.close()  # once more on a fresh connection
                    client = await self._open()
                    await client.send_message(message)
            except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused) as error:
                await self._give_back_after_refusal(client)
                return self.failed(error)
            except Exception as error:
                client.close()
                return self.failed(error)
            self._idle.append((client, time.monotonic()))
        return Receipt.accepted(self.name, message["Message-ID"], DeliveryStatus.SENT)

    def _pool_slots(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        # connections belong to the loop that opened them (no slots yet: no loop yet either)
        if self._loop is not loop or self._slots is None:
            for client, _ in self._idle:
                client.close()
            self._idle.clear()
            self._loop, self._slots = loop, asyncio.Semaphore(self.config.pool_size)
        return self._slots

    async def _take(self) -> tuple[aiosmtplib.SMTP, bool]:
        """An idle logged-in connection young enough to trust, else a new one."""
        while self._idle:
            client, used = self._idle.pop()
            if client.is_connected and time.monotonic() - used < IDLE_LIMIT:
                return client, True
            await self._quit(client)
        return await self._open(), False

    async def _open(self) -> aiosmtplib.SMTP:
        client = aiosmtplib.SMTP(**self._connection())
        self.connections_opened += 1
        try:
            await client.connect()  # TLS and login, as configured
        except BaseException:
            client.close()
            raise
        return client

    async def _give_back_after_refusal(self, client: aiosmtplib.SMTP) -> None:
        """A refused mail leaves the connection usable once its envelope is reset."""
        try:
            await client.rset()
        except Exception:
            client.close()
            return
        self._idle.append((client, time.monotonic()))

    async def _quit(self, client: aiosmtplib.SMTP) -> None:
        try:
            if client.is_connected:
                await client.quit(timeout=2)
        except Exception:
            pass
        client.close()

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        await asyncio.gather(*(self._quit(client) for client, _ in idle))

    def failed(self, error: Exception) -> Receipt:
        """A Receipt for an SMTP failure: 5xx and TLS trouble are permanent, the rest transient."""
        code: int | None = None
        if isinstance(error, aiosmtplib.SMTPRecipientsRefused) and error.recipients:
            refused = error.recipients[0]
            code, detail = refused.code, f"mailbox refused ({refused.code}): {refused.message}"
        elif isinstance(error, aiosmtplib.SMTPAuthenticationError):
            code, detail = error.code, f"login refused ({error.code}): {error.message}"
        elif isinstance(error, aiosmtplib.SMTPResponseException):
            code, detail = error.code, f"mail server refused ({error.code}): {error.message}"
        elif isinstance(error, ssl.SSLError):
            detail = f"TLS with {self.config.host} failed: {error}"
            return self._receipt(Failure.PERMANENT, detail, None)
        elif isinstance(error, OSError):  # refused, reset, timed out, disconnected
            detail = f"cannot reach {self.config.host}:{self.config.port}: {type(error).__name__} {error}"
            return self._receipt(Failure.TRANSIENT, detail, None)
        elif isinstance(error, aiosmtplib.SMTPException):  # e.g. no STARTTLS or AUTH offered
            detail = f"{self.config.host}:{self.config.port} cannot be used: {error}"
            return self._receipt(Failure.PERMANENT, detail, None)
        else:
            raise error
        return self._receipt(Failure.for_smtp_code(code), detail, code)

    def _receipt(self, failure: Failure, detail: str, code: int | None) -> Receipt:
        detail = redact(one_line(detail), [self.config.password])
        return Receipt.failed(self.name, failure, detail, error_code=code)

    async def check(self) -> Health:
        connection = self._connection()
        credentials = connection.pop("username"), connection.pop("password")
        client = aiosmtplib.SMTP(**connection)
        try:
            async with client:
                await client.login(*credentials)
        except Exception as error:
            return Health(False, self.failed(error).detail)
        return Health(True, f"{self.config.host}:{self.config.port} accepts the login")
