"""pytest fixtures for plugin authors, loaded through the `pytest11` entry point `dispatcher`.

    async def test_my_push(http_peer): http_peer.answer(503); ...
    def test_my_channel(twilio_peer, twilio_settings): ...
    def test_my_mail(smtp_server, smtp_settings): ...
    async def test_later(controllable_clock): await controllable_clock.advance(timedelta(minutes=1))

The peers start on 127.0.0.1 for one test and stop after it. Their libraries are imported
only when a fixture is used, so this plugin costs nothing in a project that does not.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from dispatcher.engine.clock import ManualClock

NIGHT_START = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 3 a.m., when it matters


@pytest.fixture
def controllable_clock() -> ManualClock:
    """The engine's own manual clock, at 03:00 UTC, moving only when the test calls `advance()`."""
    return ManualClock(NIGHT_START)


@pytest.fixture
def http_peer() -> Iterator[Any]:
    """A started `HttpPeer` (see `dispatcher.testing.http_peer`): `url`, `requests`,
    `answer(status, body, delay=, times=)`, `serve(path, body)`, `respond_with(fn)`,
    `wait_for(count)`."""
    from dispatcher.testing.http_peer import HttpPeer

    with HttpPeer() as peer:
        yield peer


@pytest.fixture
def twilio_peer(controllable_clock: ManualClock) -> Iterator[Any]:
    """A started `TwilioPeer` whose timestamps follow `controllable_clock`."""
    from dispatcher.testing.twilio_peer import TwilioPeer

    with TwilioPeer(clock=controllable_clock) as peer:
        yield peer


@pytest.fixture
def twilio_settings(twilio_peer: Any) -> dict[str, str]:
    """The environment that points the sms and voice channels at `twilio_peer`."""
    from dispatcher.testing.twilio_peer import TEST_FROM

    return {
        "TWILIO_ACCOUNT_SID": twilio_peer.account_sid,
        "TWILIO_AUTH_TOKEN": twilio_peer.auth_token,
        "TWILIO_FROM": TEST_FROM,
        "DISPATCHER_TWILIO_URL": twilio_peer.url,
    }


@pytest.fixture
def smtp_server() -> Iterator[Any]:
    """A started `LoopbackSMTPServer` with STARTTLS and AUTH."""
    from dispatcher.testing.smtp_server import LoopbackSMTPServer

    with LoopbackSMTPServer(tls="starttls") as server:
        yield server


@pytest.fixture
def smtp_settings(smtp_server: Any) -> dict[str, str]:
    """The environment that points the email channel at `smtp_server`."""
    return {
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": str(smtp_server.port),
        "SMTP_USER": smtp_server.user,
        "SMTP_PASSWORD": smtp_server.password,
        "SMTP_FROM": "Dispatch Desk <desk@example.org>",
        "SMTP_TLS": smtp_server.tls,
        "SMTP_CA_FILE": str(smtp_server.ca_file),
    }
