"""dispatcher.testing's HTTP peer: what a plugin author's tests rely on it for."""

import json
import time
import urllib.error
import urllib.request

import pytest

from dispatcher.testing import Answer


def call(url, body=None):
    request = urllib.request.Request(url, data=body, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_queued_answers_come_first_then_the_standing_one(http_peer):
    http_peer.answer(503, {"error": "busy"}, times=2)
    http_peer.answer(201)

    statuses = [call(http_peer.url + "/send", b"{}")[0] for _ in range(4)]

    assert statuses == [503, 503, 201, 201]
    assert [r.method for r in http_peer.requests] == ["POST"] * 4


def test_an_answer_can_be_late(http_peer):
    http_peer.answer(200, "slow", delay=0.5, times=1)

    started = time.monotonic()
    assert call(http_peer.url + "/send", b"x") == (200, b"slow")
    assert time.monotonic() - started >= 0.5


def test_gets_of_served_paths_answer_what_polling_expects(http_peer):
    http_peer.serve("/replies", [{"from": "+15551230001", "text": "ACK 4821"}])

    status, body = call(http_peer.url + "/replies?since=0")

    assert status == 200 and json.loads(body)[0]["text"] == "ACK 4821"
    assert http_peer.requests[0].query == {"since": "0"}
    http_peer.serve("/replies", [])
    assert json.loads(call(http_peer.url + "/replies")[1]) == []


def test_a_responder_decides_and_wait_for_gives_up_with_a_count(http_peer):
    http_peer.respond_with(lambda r: Answer(429, "slow down") if r.route == "/limited" else None)

    assert call(http_peer.url + "/limited", b"x")[0] == 429
    assert call(http_peer.url + "/other", b"x")[0] == 200
    assert len(http_peer.wait_for(2)) == 2
    with pytest.raises(TimeoutError, match="2 of 3 requests"):
        http_peer.wait_for(3, timeout=0.2)
