"""An HTTP receiver on 127.0.0.1 that records what is POSTed to it, for webhook-style channels.

with HttpSink() as sink:
    ... post to sink.url ...
    sink.answer(500)            # the following requests get HTTP 500
    sink.answer(404, echo=True) # ... with the request's path in the body, as many servers do
    sink.requests[0].json()     # what arrived
"""

from __future__ import annotations

import json
import threading
from base64 import b64decode
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class HttpSink:
    def __init__(self) -> None:
        self.requests: list[ReceivedRequest] = []
        self.status = 200
        self.echo = False
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def answer(self, status: int, echo: bool = False) -> None:
        """Answer every following request with HTTP `status`; with `echo`, a refusal's body
        quotes the request's path (raw and percent-decoded), as many servers' 404 pages do, and
        the user name of its basic authentication, as APIs keyed by it do."""
        self.status = status
        self.echo = echo

    def start(self) -> HttpSink:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with sink._lock:
                    sink.requests.append(
                        ReceivedRequest("POST", self.path, dict(self.headers), body)
                    )
                    status, echo = sink.status, sink.echo
                reply = b"ok" if status < 300 else b"not today"
                if status >= 300 and echo:
                    reply = f"no route {self.path} ({unquote(self.path)})".encode()
                    auth = self.headers.get("Authorization", "")
                    if auth.startswith("Basic "):  # "invalid API key <user>", as APIs say
                        user = b64decode(auth[6:]).decode().partition(":")[0]
                        reply += f"; invalid API key {user}".encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="http-sink", daemon=True
        )
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> HttpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
