"""The email channel: one plain-text UTF-8 mail per notification, over TLS, logged in.

The subject leads with what matters and stays short enough for a phone's lock screen; a
drill says so in the subject and the first line. Mail gives no reply channel here: the
acknowledgement code is in the body for the person to answer by SMS, call or desk.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
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

SUBJECT_LIMIT = 60  # what a lock-screen notification shows of a subject
TLS_MODES = {"starttls": 587, "implicit": 465}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    user: str
    password: str
    sender: str
    tls: str = "starttls"
    ca_file: str | None = None  # a private CA for the server's certificate
    timeout: float = 20.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        host, user, password, sender = settings.require("SMTP_HOST", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM")
        tls = (settings.get("SMTP_TLS") or "starttls").lower()
        if tls not in TLS_MODES:
            raise MissingSetting("SMTP_TLS must be starttls or implicit")
        port = settings.get("SMTP_PORT") or str(TLS_MODES[tls])
        if not port.isdigit():
            raise MissingSetting("SMTP_PORT must be a number")
        if "@" not in parseaddr(sender)[1]:
            raise MissingSetting("SMTP_FROM must be an email address")
        return cls(host, int(port), user, password, sender, tls, settings.get("SMTP_CA_FILE"))

    def __repr__(self) -> str:  # never show the password
        return f"SmtpConfig(host={self.host!r}, port={self.port}, user={self.user!r}, tls={self.tls!r})"


def subject_line(notification: Notification) -> str:
    """`short_text` cut at a word to fit a lock screen, a drill marked first."""
    mark = ("【演练】" if notification.language == "zh" else "[DRILL] ") if notification.drill else ""
    text = mark + " ".join(notification.short_text.split())
    if len(text) <= SUBJECT_LIMIT:
        return text
    cut = text[: SUBJECT_LIMIT - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[len(mark):] else cut) + "…"


def mail_body(notification: Notification) -> str:
    if notification.language == "zh":
        drill = "*** 演练,并非真实事件 ***\n\n" if notification.drill else ""
        return f"{drill}{notification.long_text}\n\n服务请求:{notification.sr_id}\n确认码:{notification.ack_code}\n"
    drill = "*** DRILL - not a real emergency ***\n\n" if notification.drill else ""
    return (f"{drill}{notification.long_text}\n\nService request: {notification.sr_id}\n"
            f"Acknowledgement code: {notification.ack_code}\n")


class EmailChannel(ChannelBase):
    name = "email"
    reaches = frozenset({ContactKind.EMAIL})

    def __init__(self, config: SmtpConfig, clock: Any = None) -> None:
        self.config = config
        self.clock = clock

    def message(self, notification: Notification) -> EmailMessage:
        now = self.clock.now() if self.clock is not None else datetime.now(UTC)
        message = EmailMessage()
        message["From"] = self.config.sender
        message["To"] = formataddr((notification.recipient.display_name, notification.contact.address))
        message["Subject"] = subject_line(notification)
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid("dispatcher", domain=parseaddr(self.config.sender)[1].split("@")[-1])
        message.set_content(mail_body(notification), charset="utf-8")
        return message

    def _connection(self) -> dict[str, Any]:
        return dict(
            hostname=self.config.host, port=self.config.port, username=self.config.user,
            password=self.config.password, use_tls=self.config.tls == "implicit",
            start_tls=self.config.tls == "starttls", cert_bundle=self.config.ca_file,
            timeout=self.config.timeout,
        )

    async def send(self, notification: Notification) -> Receipt:
        message = self.message(notification)
        try:
            await aiosmtplib.send(message, **self._connection())
        except Exception as error:
            return self.failed(error)
        return Receipt.accepted(self.name, message["Message-ID"], DeliveryStatus.SENT)

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
        failure = Failure.TRANSIENT if 400 <= code < 500 else Failure.PERMANENT
        return self._receipt(failure, detail, code)

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
