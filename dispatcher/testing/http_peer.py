"""An HTTP peer on 127.0.0.1 for channel tests: it records requests and answers as told.

    with HttpPeer() as peer:                       # or the `http_peer` fixture
        ... POST to peer.url + "/send" ...
        peer.answer(503)                           # every following request: HTTP 503
        peer.answer(200, {"ok": True}, delay=2.0, times=1)  # the next one only, 2 s late
        peer.serve("/replies", [{"from": "+15551230001", "text": "ACK 4821"}])  # for GET polls
        peer.respond_with(lambda request: Answer(429) if ... else None)  # a provider's rules
        peer.wait_for(2)                           # block until two requests arrived
        peer.requests[0].json()                    # what arrived

It runs in a thread of its own (the standard library's threading HTTP server), so a test
may block on it or await a client that talks to it. What it answers, first match wins:
the `respond_with` function (when it returns an `Answer`), then the answers queued with
`answer(..., times=N)`, then a GET of a path given to `serve()`, then the standing answer
(HTTP 200 with `{"ok": true}` until `answer()` changes it). Delays are in seconds.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as it arrived: `path` keeps its query string; `query` is it parsed."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def query(self) -> dict[str, str]:
        """The query parameters, each parameter's last value, percent-decoded."""
        return {key: values[-1] for key, values in parse_qs(urlsplit(self.path).query).items()}

    @property
    def route(self) -> str:
        """The path without its query string."""
        return urlsplit(self.path).path

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Answer:
    """What the peer sends back: `body` is JSON unless it is `bytes` or `str`."""

    status: int = 200
    body: Any = field(default_factory=lambda: {"ok": True})
    delay: float = 0.0  # seconds before the answer starts
    headers: tuple[tuple[str, str], ...] = ()

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return json.dumps(self.body, ensure_ascii=False).encode(), "application/json"


Responder = Callable[[ReceivedRequest], Answer | None]


class HttpPeer:
    """A loopback HTTP server that records every request and answers as the test says."""

    def __init__(self) -> None:
        self.requests: list[ReceivedRequest] = []
        self.url = ""
        self._standing = Answer()
        self._queued: deque[Answer] = deque()
        self._served: dict[str, Answer] = {}
        self._responder: Responder | None = None
        self._arrived = threading.Condition()
        self._server: ThreadingHTTPServer | None = None

    def answer(
        self, status: int, body: Any = None, *, delay: float = 0.0, times: int | None = None
    ) -> None:
        """Answer HTTP `status` (with `body`, after `delay` seconds) to the next `times`
        requests, or to every following request when `times` is None."""
        answer = Answer(status, {"ok": status < 300} if body is None else body, delay)
        with self._arrived:
            if times is None:
                self._standing = answer
            else:
                self._queued.extend([answer] * times)

    def serve(self, path: str, body: Any, *, status: int = 200, delay: float = 0.0) -> None:
        """Answer a GET of `path` (without query) with `body`; call again to change it."""
        with self._arrived:
            self._served[path] = Answer(status, body, delay)

    def respond_with(self, responder: Responder | None) -> None:
        """Decide answers with `responder(request)`; None from it falls through to the rest."""
        self._responder = responder

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedRequest]:
        """Block until at least `count` requests arrived; `TimeoutError` after `timeout` s."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.requests) >= count, timeout):
                raise TimeoutError(f"{len(self.requests)} of {count} requests in {timeout} s")
            return list(self.requests)

    def _answer_for(self, request: ReceivedRequest) -> Answer:
        chosen = self._responder(request) if self._responder else None
        with self._arrived:
            self.requests.append(request)
            self._arrived.notify_all()
            if chosen is not None:
                return chosen
            if self._queued:
                return self._queued.popleft()
            if request.method == "GET" and request.route in self._served:
                return self._served[request.route]
            return self._standing

    def start(self) -> HttpPeer:
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = ReceivedRequest(self.command, self.path, dict(self.headers), body)
                answer = peer._answer_for(request)
                if answer.delay:
                    time.sleep(answer.delay)
                payload, content_type = answer.encoded()
                self.send_response(answer.status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="http-peer", daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> HttpPeer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
