"""Which provider answers are worth retrying: transient (a network error, a timeout, HTTP 5xx,
"too many requests", Twilio's "try later" codes, SMTP 4xx) or permanent (anything else)."""

from __future__ import annotations

import pytest
from dispatcher_twilio import failure_for

from dispatcher.plugins import Failure

T, P = Failure.TRANSIENT, Failure.PERMANENT


@pytest.mark.parametrize(
    ("status", "expected"),
    [(500, T), (502, T), (503, T), (408, T), (425, T), (429, T), (400, P), (401, P), (404, P)],
)
def test_http_statuses(status, expected):
    assert Failure.for_http_status(status) is expected


@pytest.mark.parametrize(
    ("code", "expected"), [(421, T), (450, T), (451, T), (452, T), (550, P), (554, P)]
)
def test_smtp_reply_codes(code, expected):
    assert Failure.for_smtp_code(code) is expected


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (429, 20429, T),  # Too Many Requests
        (400, 14107, T),  # SMS send rate limit exceeded, whatever the status says
        (400, 30001, T),  # queue overflow
        (503, 20503, T),
        (400, 21211, P),  # not a valid phone number
        (401, 20003, P),  # bad credentials
        (500, None, T),
    ],
)
def test_twilio_try_later_codes(status, code, expected):
    assert failure_for(status, code) is expected
