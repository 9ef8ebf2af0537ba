"""Test helpers for channel plugin authors: real peers on 127.0.0.1 and a controllable clock.

- `dispatcher.testing.twilio_peer.TwilioPeer`: a stateful Twilio-compatible REST peer.
- `dispatcher.testing.smtp_server.LoopbackSMTPServer`: aiosmtpd with STARTTLS/TLS and AUTH.
- `dispatcher.engine.clock.ManualClock` (the `controllable_clock` fixture): the engine's own
  clock, moving only when a test says so.

With `dispatcher[testing]` installed, pytest picks up the fixtures in
`dispatcher.testing.fixtures` by itself (`twilio_peer`, `twilio_settings`, `smtp_server`,
`smtp_settings`, `controllable_clock`).
"""
