"""A stateful Twilio-compatible peer on 127.0.0.1, for testing channels with the real client.

It speaks the parts of the 2010-04-01 REST API that the sms and voice channels use, with
Twilio's JSON shapes (see tests/contracts for the published description):

    POST /2010-04-01/Accounts/{sid}/Messages.json   GET .../Messages.json  GET .../Messages/{sid}.json
    POST /2010-04-01/Accounts/{sid}/Calls.json      GET .../Calls.json     GET .../Calls/{sid}.json

and lets a test play the carrier and the person: `advance()` moves every message and call one
status on (sending signed status callbacks), `receive_sms()` makes a person reply,
`press_key()` presses a key on a call's `<Gather>`, `reject()` and `script()` simulate
carrier failures with Twilio's error codes, `fail_next()` makes the API itself fail. The
records it keeps, and how each moves one status on, are in `dispatcher.testing.twilio_records`.
"""

from __future__ import annotations

import asyncio
import threading
import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from aiohttp import BasicAuth, ClientSession, web
from aiohttp.typedefs import Handler

from dispatcher.testing._loopback import LoopThread
from dispatcher.testing.twilio_records import (
    API,
    CALL_OUTCOMES,
    CALL_STEPS,
    MESSAGE_OUTCOMES,
    TEST_ACCOUNT_SID,
    TEST_AUTH_TOKEN,
    TEST_FROM,
    error_response,
    new_call,
    new_message,
    public,
    step_call,
    step_message,
    twilio_signature,
)

__all__ = [
    "CALL_OUTCOMES",
    "MESSAGE_OUTCOMES",
    "TEST_ACCOUNT_SID",
    "TEST_AUTH_TOKEN",
    "TEST_FROM",
    "TwilioPeer",
    "twilio_signature",
]


class TwilioPeer:
    """Start with `with TwilioPeer() as peer:` (or the `twilio_peer` fixture); `peer.url` is its base."""

    def __init__(
        self,
        account_sid: str = TEST_ACCOUNT_SID,
        auth_token: str = TEST_AUTH_TOKEN,
        *,
        clock: Any = None,
        latency: float = 0.0,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.clock = clock
        self.latency = latency  # seconds each API answer waits, like a provider far away
        self.messages: dict[str, dict[str, Any]] = {}
        self.calls: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # method, path, form
        self.callbacks_sent: list[tuple[str, dict[str, str]]] = []
        self._callback_urls: dict[str, str] = {}
        self._rejections: dict[str, tuple[int, int, str]] = {}
        self._outcomes: dict[str, str] = {}
        self._failures: list[tuple[int, int, str]] = []
        self._lock = threading.Lock()
        self._loop = LoopThread("twilio-peer")
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> TwilioPeer:
        self._loop.start()
        self.url = self._loop.run(self._serve())
        return self

    async def _serve(self) -> str:
        app = web.Application()
        base = API.format(account="{account}")
        app.router.add_get(base + ".json", self._fetch_account)
        app.router.add_post(base + "/Messages.json", self._create_message)
        app.router.add_get(base + "/Messages.json", self._list("messages"))
        app.router.add_get(base + "/Messages/{sid}.json", self._fetch("messages"))
        app.router.add_post(base + "/Calls.json", self._create_call)
        app.router.add_get(base + "/Calls.json", self._list("calls"))
        app.router.add_get(base + "/Calls/{sid}.json", self._fetch("calls"))
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        if self._runner is not None:
            self._loop.run(self._runner.cleanup())
            self._runner = None
        self._loop.stop()

    def __enter__(self) -> TwilioPeer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what a test scripts ---------------------------------------------------------------

    def reject(
        self, number: str, code: int = 21211, message: str | None = None, status: int = 400
    ) -> None:
        """Refuse messages and calls to `number` at once, as Twilio does for an invalid 'To'."""
        text = message or f"The 'To' number {number} is not a valid phone number."
        with self._lock:
            self._rejections[number] = (status, code, text)

    def script(self, number: str, outcome: str) -> None:
        """How messages or calls to `number` end: a key of MESSAGE_OUTCOMES or CALL_OUTCOMES."""
        if outcome not in MESSAGE_OUTCOMES and outcome not in CALL_OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        with self._lock:
            self._outcomes[number] = outcome

    def fail_next(self, status: int = 500, count: int = 1, code: int | None = None) -> None:
        """The next `count` API requests fail with HTTP `status` (500, 503 or 429)."""
        twilio_code = code or (20429 if status == 429 else 20500)
        message = "Too Many Requests" if status == 429 else "Internal Server Error"
        with self._lock:
            self._failures.extend([(status, twilio_code, message)] * count)

    def receive_sms(self, sender: str, body: str, to: str = TEST_FROM) -> str:
        """A person's reply arrives at `to`; it shows in the inbound message list."""
        with self._lock:
            sid = self._new_message(sender, to, body, "inbound")
            self.messages[sid]["status"] = "received"
            return sid

    async def advance(self) -> None:
        """Move every unfinished message and call one status on, sending status callbacks."""
        with self._lock:
            changed = [self._step_message(m) for m in self.messages.values()]
            changed += [self._step_call(c) for c in self.calls.values()]
        await self._loop.run_async(self._send_callbacks([c for c in changed if c]))

    async def settle(self) -> None:
        """Advance until every message and call has reached its final status."""
        for _ in range(CALL_STEPS):
            await self.advance()

    async def press_key(self, call_sid: str, digits: str = "1") -> tuple[int, str]:
        """Press `digits` on the call's `<Gather>`: a signed POST to its action URL.

        Returns the receiver's HTTP status and body (the TwiML it answered with).
        """
        with self._lock:
            call = self.calls[call_sid]
            gather = ElementTree.fromstring(call["_twiml"]).find(".//Gather")
            action = None if gather is None else gather.get("action")
            if not action:
                raise LookupError(f"call {call_sid} has no <Gather action=...> in its TwiML")
            params = {
                "AccountSid": self.account_sid,
                "CallSid": call_sid,
                "CallStatus": "in-progress",
                "Digits": digits,
                "Direction": "outbound-api",
                "From": call["from"],
                "To": call["to"],
            }
        return await self._loop.run_async(self._post_signed(action, params))

    # -- the HTTP API ----------------------------------------------------------------------

    async def _guard(self, request: web.Request) -> tuple[web.Response | None, dict[str, str]]:
        """Latency, scripted API failures and authentication, common to every request.

        Returns the refusal to answer with (or None) and the request's form.
        """
        if self.latency:
            await asyncio.sleep(self.latency)
        posted = await request.post() if request.method == "POST" else {}
        form = {key: str(value) for key, value in posted.items()}
        with self._lock:
            self.requests.append((request.method, request.path, form))
            failure = self._failures.pop(0) if self._failures else None
        if failure:
            return error_response(*failure), form
        try:
            auth = BasicAuth.decode(request.headers.get("Authorization", ""))
        except ValueError:
            auth = None
        if (
            auth is None
            or (auth.login, auth.password) != (self.account_sid, self.auth_token)
            or request.match_info["account"] != self.account_sid
        ):
            return error_response(401, 20003, "Authenticate"), form
        return None, form

    async def _create_message(self, request: web.Request) -> web.Response:
        refused, form = await self._guard(request)
        if refused is not None:
            return refused
        if not form.get("To") or not form.get("Body") or not form.get("From"):
            return error_response(400, 21604, "A 'To', 'From' and 'Body' are required.")
        with self._lock:
            if form["To"] in self._rejections:
                return error_response(*self._rejections[form["To"]])
            sid = self._new_message(form["From"], form["To"], form["Body"], "outbound-api")
            if form.get("StatusCallback"):
                self._callback_urls[sid] = form["StatusCallback"]
            return web.json_response(public(self.messages[sid]), status=201)

    async def _create_call(self, request: web.Request) -> web.Response:
        refused, form = await self._guard(request)
        if refused is not None:
            return refused
        if not form.get("To") or not form.get("From") or not (form.get("Twiml") or form.get("Url")):
            return error_response(400, 21205, "A 'To', 'From' and 'Twiml' or 'Url' are required.")
        digits = form.get("SendDigits", "")
        if len(digits) > 32 or set(digits) - set("0123456789ABCD#*wW"):
            return error_response(400, 21205, "SendDigits: at most 32 of 0-9, A-D, #, *, w, W.")
        with self._lock:
            if form["To"] in self._rejections:
                return error_response(*self._rejections[form["To"]])
            call = new_call(self.account_sid, form, self._stamp())
            sid = call["sid"]
            self.calls[sid] = call
            if form.get("StatusCallback"):
                self._callback_urls[sid] = form["StatusCallback"]
            return web.json_response(public(self.calls[sid]), status=201)

    async def _fetch_account(self, request: web.Request) -> web.Response:
        refused, _ = await self._guard(request)
        if refused is not None:
            return refused
        return web.json_response(
            {
                "sid": self.account_sid,
                "friendly_name": "loopback",
                "status": "active",
                "type": "Full",
                "owner_account_sid": self.account_sid,
                "date_created": self._stamp(),
                "date_updated": self._stamp(),
                "uri": API.format(account=self.account_sid) + ".json",
                "subresource_uris": {},
            }
        )

    def _fetch(self, kind: str) -> Handler:
        async def handler(request: web.Request) -> web.Response:
            refused, _ = await self._guard(request)
            if refused is not None:
                return refused
            with self._lock:
                record = getattr(self, kind).get(request.match_info["sid"])
                if record is None:
                    return error_response(
                        404, 20404, f"The requested resource {request.path} was not found"
                    )
                return web.json_response(public(record))

        return handler

    def _list(self, kind: str) -> Handler:
        async def handler(request: web.Request) -> web.Response:
            refused, _ = await self._guard(request)
            if refused is not None:
                return refused
            wanted = {k: v for k, v in request.query.items() if k in ("To", "From", "Status")}
            with self._lock:
                records = [
                    public(r)
                    for r in reversed(getattr(self, kind).values())
                    if all(r[key.lower()] == value for key, value in wanted.items())
                ]
            uri = request.path_qs
            return web.json_response(
                {
                    kind: records,
                    "start": 0,
                    "end": max(len(records) - 1, 0),
                    "page": 0,
                    "page_size": max(len(records), 50),
                    "uri": uri,
                    "first_page_uri": uri,
                    "next_page_uri": None,
                    "previous_page_uri": None,
                }
            )

        return handler

    # -- state (called with the lock held) -------------------------------------------------

    def _stamp(self) -> str:
        now = self.clock.now() if self.clock is not None else datetime.now(UTC)
        return format_datetime(now.astimezone(UTC), usegmt=True).replace("GMT", "+0000")

    def _new_message(self, sender: str, to: str, body: str, direction: str) -> str:
        message = new_message(self.account_sid, sender, to, body, direction, self._stamp())
        self.messages[message["sid"]] = message
        return str(message["sid"])

    def _step_message(self, message: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
        outcome = self._outcomes.get(message["to"], "delivered")
        params = step_message(message, outcome, self._stamp())
        return None if params is None else self._callback(message["sid"], params)

    def _step_call(self, call: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
        params = step_call(call, self._outcomes.get(call["to"], "completed"), self._stamp())
        return None if params is None else self._callback(call["sid"], params)

    def _callback(self, sid: str, params: dict[str, str]) -> tuple[str, dict[str, str]] | None:
        url = self._callback_urls.get(sid)
        return (url, params) if url else None

    # -- outgoing requests (on the peer's loop) --------------------------------------------

    async def _send_callbacks(self, callbacks: list[tuple[str, dict[str, str]]]) -> None:
        for url, params in callbacks:
            await self._post_signed(url, params)

    async def _post_signed(self, url: str, params: dict[str, str]) -> tuple[int, str]:
        headers = {"X-Twilio-Signature": twilio_signature(self.auth_token, url, params)}
        self.callbacks_sent.append((url, params))
        async with (
            ClientSession() as session,
            session.post(url, data=params, headers=headers) as response,
        ):
            return response.status, await response.text()
