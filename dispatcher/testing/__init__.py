"""Test helpers for channel plugin authors: real peers on 127.0.0.1 and a controllable clock.

Install with `pip install "dispatcher[testing]"` (it brings pytest and pytest-asyncio too).
pytest then loads the fixtures of `dispatcher.testing.fixtures` by itself:

- `http_peer`: an `HttpPeer` that records requests, answers chosen statuses after chosen
  delays and serves GETs for polling (`dispatcher.testing.http_peer`).
- `twilio_peer`, `twilio_settings`: a stateful Twilio-compatible REST peer and the
  environment that points the sms and voice channels at it.
- `smtp_server`, `smtp_settings`: aiosmtpd with STARTTLS and AUTH, and its environment.
- `controllable_clock`: the engine's `ManualClock` at 03:00 UTC, moving only on `advance()`.

and, imported from here:

- `sample_notification(address, kind, *, language, drill, ack_code, ...)`: a `Notification`
  to a fictional on-call engineer, every field filled the way the engine fills it.
- `free_port()`: a TCP port on 127.0.0.1 nothing listens on (a refused connection).
- `HttpPeer`, `Answer`, `ReceivedRequest`: the HTTP peer outside a fixture.

and, from `dispatcher.testing.waiting`, bounded waits on a condition instead of fixed sleeps:
`wait_for`, `wait_for_async`, and `pilot_wait_for` / `settle_workers` for a Textual Pilot.

Async tests need pytest-asyncio's auto mode (`asyncio_mode = "auto"` under
`[tool.pytest.ini_options]`), as `plugins/template/pyproject.toml` shows.
"""

from dispatcher.testing._loopback import free_port
from dispatcher.testing.builders import sample_notification
from dispatcher.testing.http_peer import Answer, HttpPeer, ReceivedRequest

__all__ = ["Answer", "HttpPeer", "ReceivedRequest", "free_port", "sample_notification"]
