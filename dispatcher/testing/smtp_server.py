"""A real SMTP server on 127.0.0.1 (aiosmtpd) with STARTTLS or implicit TLS and AUTH.

Its certificate comes from a throwaway CA (trustme); `client_tls_context()` trusts it, and
`ca_file` is that CA as a PEM file for clients configured through the environment
(`SSL_CERT_FILE`). `refuse()` and `defer()` make the server answer RCPT TO for an address
with a permanent (5xx) or temporary (4xx) error; `messages` holds what was accepted, and
`connections_closed` counts the logged-in sessions that ended (the client quit, or it sat idle
past `idle_timeout` and the server hung up).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import tempfile
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from dispatcher.testing._loopback import free_port

TEST_SMTP_USER = "desk@example.org"
TEST_SMTP_PASSWORD = "smtp-test-password-" + "a7f3" * 4


class _Handler:
    def __init__(self, server: LoopbackSMTPServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, smtp, session: Session, envelope: Envelope, address: str, options
    ) -> str:
        with self.server._lock:
            answer = self.server._refusals.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session: Session, envelope: Envelope) -> str:
        if self.server.latency:
            await asyncio.sleep(self.server.latency)
        raw = envelope.original_content or envelope.content
        message = message_from_bytes(raw, policy=policy.default)
        with self.server._lock:
            self.server.raw_messages.append(raw)
            self.server.messages.append(message)
            self.server.envelopes.append((envelope.mail_from, tuple(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class _CountingSMTP(SMTP):
    """aiosmtpd's session, counting the logged-in connections that ended (either side hung
    up; aiosmtpd's own readiness probe never logs in)."""

    def __init__(self, server: LoopbackSMTPServer, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._server = server

    def connection_lost(self, error: Exception | None) -> None:
        logged_in = self.session is not None and self.session.authenticated
        super().connection_lost(error)
        if logged_in:
            with self._server._lock:
                self._server.connections_closed += 1


class _Controller(Controller):
    def __init__(self, server: LoopbackSMTPServer, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._server = server

    def factory(self) -> SMTP:
        return _CountingSMTP(self._server, self.handler, **self.SMTP_kwargs)


class LoopbackSMTPServer:
    """`with LoopbackSMTPServer(tls="starttls") as server:`; tls is "starttls" or "implicit"."""

    def __init__(
        self,
        tls: str = "starttls",
        *,
        user: str = TEST_SMTP_USER,
        password: str = TEST_SMTP_PASSWORD,
        latency: float = 0.0,
        idle_timeout: float = 300.0,
    ) -> None:
        if tls not in ("starttls", "implicit"):
            raise ValueError("tls is 'starttls' or 'implicit'")
        self.tls = tls
        self.user = user
        self.password = password
        self.latency = latency  # seconds before a message is accepted, like a busy relay
        self.idle_timeout = idle_timeout  # seconds of silence before the server hangs up
        self.host = "127.0.0.1"
        self.port = 0
        self.messages: list[EmailMessage] = []
        self.raw_messages: list[bytes] = []  # as received on the wire, for header checks
        self.envelopes: list[tuple[str, tuple[str, ...]]] = []
        self.failed_logins = 0
        self.logins = 0  # successful logins: one per connection a client opened
        self.connections_closed = 0  # logged in, then closed by either side
        self._refusals: dict[str, str] = {}
        self._lock = threading.Lock()
        self._ca = trustme.CA()
        self._folder = tempfile.TemporaryDirectory(prefix="dispatcher-smtp-")
        self.ca_file = Path(self._folder.name) / "ca.pem"
        self._ca.cert_pem.write_to_path(str(self.ca_file))
        self._controller: Controller | None = None

    def client_tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))

    def refuse(self, address: str, reply: str = "550 5.1.1 Mailbox unavailable") -> None:
        with self._lock:
            self._refusals[address.lower()] = reply

    def defer(self, address: str, reply: str = "451 4.3.0 Mailbox temporarily unavailable") -> None:
        self.refuse(address, reply)

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (self.user, self.password):
            with self._lock:
                self.logins += 1
            return AuthResult(success=True)
        with self._lock:
            self.failed_logins += 1
        return AuthResult(success=False, handled=False)

    def start(self) -> LoopbackSMTPServer:
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_context)
        self.port = free_port()
        options = {
            "hostname": self.host,
            "port": self.port,
            "authenticator": self._authenticate,
            # over implicit TLS the whole session is encrypted, yet aiosmtpd only counts
            # STARTTLS as TLS when offering AUTH
            "auth_require_tls": self.tls == "starttls",
            "server_hostname": "localhost",
            "ready_timeout": 10,
            "timeout": self.idle_timeout,
        }
        if self.tls == "starttls":
            self._controller = _Controller(
                self, _Handler(self), tls_context=server_context, require_starttls=True, **options
            )
        else:
            self._controller = _Controller(
                self, _Handler(self), ssl_context=server_context, **options
            )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        self._folder.cleanup()

    def __enter__(self) -> LoopbackSMTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class SilentServer:
    """A server on 127.0.0.1 that accepts every connection and never says a word: the mail
    server that hangs (no SMTP greeting, no reply), for testing time bounds.

        with SilentServer() as silent: ...  # silent.host, silent.port, silent.accepted
    """

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self._socket = socket.create_server((self.host, 0))
        self.port = self._socket.getsockname()[1]
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, name="silent-server", daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:  # closed by stop()
                return
            self.accepted += 1
            self._held.append(connection)

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._socket.close()
        for connection in self._held:
            connection.close()
        self._thread.join(5)
