"""How the engine runs: its pass timings, send bounds, retries and provider rate limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from dispatcher.domain.outbox import DEFAULT_LIMITS, Limit, RetryPolicy
from dispatcher.engine.sending import SENDS_AT_ONCE
from dispatcher.errors import DispatcherError

SMS_RATE_ENV = "DISPATCHER_SMS_PER_SECOND"
SEND_TIMEOUT_ENV = "DISPATCHER_SEND_TIMEOUT"  # seconds; `_<CHANNEL>` for one channel's own
SENDS_AT_ONCE_ENV = "DISPATCHER_SENDS_AT_ONCE"  # sends one channel has under way at most


@dataclass(frozen=True)
class EngineSettings:
    poll_seconds: float = 2.0  # how often channels are asked for replies and delivery updates
    idle_seconds: float = 0.2  # the longest sleep between two passes
    # How often a sleeping engine looks (one fstat) for a change to the live partition, by
    # another process or thread, a command to act on: a new emergency waits no longer.
    notice_seconds: float = 0.02
    watch_seconds: float = 5.0  # how often SLA clocks and Red Flags are looked at
    max_concurrent_sends: int = SENDS_AT_ONCE  # per channel (`engine.sending`)
    send_timeout: float = 20.0  # seconds one send may take before it counts as failed
    send_timeouts: Mapping[str, float] = field(default_factory=dict)  # a channel's own bound
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limits: dict[str, Limit] | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> EngineSettings:
        """`DISPATCHER_SMS_PER_SECOND`: what the SMS sender may send a second (a long code 1,
        the default; a short code or a messaging service more). `DISPATCHER_SEND_TIMEOUT`:
        seconds a send may take (20); `DISPATCHER_SEND_TIMEOUT_EMAIL` and the like, one
        channel's own. `DISPATCHER_SENDS_AT_ONCE`: sends one channel has under way at most
        (the rest wait their turn, first pages first), and as many again for a request's
        first page of a step (`sending.Slots`). Raises `DispatcherError` naming the variable
        for a bad value."""
        changes: dict = {}
        raw = environ.get(SMS_RATE_ENV, "").strip()
        if raw:
            rate = _number(SMS_RATE_ENV, raw, whole=True)
            changes["limits"] = {
                **DEFAULT_LIMITS,
                "channel:sms": Limit(int(rate), timedelta(seconds=1)),
            }
        raw = environ.get(SENDS_AT_ONCE_ENV, "").strip()
        if raw:
            changes["max_concurrent_sends"] = int(_number(SENDS_AT_ONCE_ENV, raw, whole=True))
        timeouts = {}
        for name, value in environ.items():
            if name == SEND_TIMEOUT_ENV and value.strip():
                changes["send_timeout"] = _number(name, value.strip())
            elif name.startswith(SEND_TIMEOUT_ENV + "_") and value.strip():
                channel = name[len(SEND_TIMEOUT_ENV) + 1 :].lower()
                timeouts[channel] = _number(name, value.strip())
        if timeouts:
            changes["send_timeouts"] = timeouts
        return cls(**changes)


def _number(name: str, raw: str, whole: bool = False) -> float:
    try:
        value = int(raw) if whole else float(raw)
        if value < (1 if whole else 0.001):
            raise ValueError
    except ValueError:
        raise DispatcherError(
            f"{name} must be a whole number of 1 or more, not {raw!r}"
            if whole
            else f"{name} must be a number of seconds above 0, not {raw!r}"
        ) from None
    return value
