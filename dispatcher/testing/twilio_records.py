"""The records of the loopback Twilio peer, in the 2010-04-01 API's JSON shapes, and how each
moves one status on (`dispatcher.testing.twilio_peer` serves them).

A message goes queued → sending → sent → delivered (or the final outcome a test scripted:
undelivered, failed); a call goes queued → initiated → ringing → in-progress → completed (or
busy, no-answer, failed). Each step gives the form of the status callback Twilio would send.
Keys starting with "_" are the peer's own and are never served.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

from aiohttp import web

from dispatcher.plugins.sizes import sms_parts

TEST_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
TEST_AUTH_TOKEN = "test-auth-token-" + "5ec2e7" * 3
TEST_FROM = "+15550000000"
API = "/2010-04-01/Accounts/{account}"

# Final outcomes a test can script for a number, with the Twilio error code they carry.
MESSAGE_OUTCOMES = {"delivered": None, "undelivered": 30003, "failed": 30005}
CALL_OUTCOMES = {"completed": None, "busy": None, "no-answer": None, "failed": 32009}

_MESSAGE_STEPS = ["queued", "sending", "sent", "delivered"]
_CALL_STEPS = ["queued", "initiated", "ringing", "in-progress", "completed"]
CALL_STEPS = len(_CALL_STEPS)  # advances that take any message or call to its final status


def twilio_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    """`X-Twilio-Signature`: base64 HMAC-SHA1 of the URL followed by the sorted POST params."""
    payload = url + "".join(key + params[key] for key in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def error_response(status: int, code: int, message: str) -> web.Response:
    """Twilio's error body: its error code, message and the page that explains the code."""
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return web.json_response(body, status=status)


def public(record: dict[str, Any]) -> dict[str, Any]:
    """A record as the API serves it, without the peer's own keys."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def new_message(
    account_sid: str, sender: str, to: str, body: str, direction: str, now: str
) -> dict[str, Any]:
    """A queued message (`direction` "outbound-api", or "inbound" for a person's reply)."""
    sid = "SM" + secrets.token_hex(16)
    return {
        "sid": sid,
        "account_sid": account_sid,
        "api_version": "2010-04-01",
        "body": body,
        "from": sender,
        "to": to,
        "direction": direction,
        "status": "queued",
        "num_segments": str(sms_parts(body)),
        "num_media": "0",
        "error_code": None,
        "error_message": None,
        "price": None,
        "price_unit": "USD",
        "messaging_service_sid": None,
        "date_created": now,
        "date_updated": now,
        "date_sent": now if direction == "inbound" else None,
        "uri": f"{API.format(account=account_sid)}/Messages/{sid}.json",
        "subresource_uris": {
            "media": f"{API.format(account=account_sid)}/Messages/{sid}/Media.json"
        },
    }


def new_call(account_sid: str, form: dict[str, str], now: str) -> dict[str, Any]:
    """A queued call placed with the form of `POST .../Calls.json`."""
    sid = "CA" + secrets.token_hex(16)
    return {
        "sid": sid,
        "account_sid": account_sid,
        "api_version": "2010-04-01",
        "to": form["To"],
        "to_formatted": form["To"],
        "from": form["From"],
        "from_formatted": form["From"],
        "status": "queued",
        "direction": "outbound-api",
        "date_created": now,
        "date_updated": now,
        "start_time": None,
        "end_time": None,
        "duration": None,
        "price": None,
        "price_unit": "USD",
        "answered_by": None,
        "caller_name": None,
        "forwarded_from": None,
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": None,
        "queue_time": "0",
        "trunk_sid": None,
        "annotation": None,
        "uri": f"{API.format(account=account_sid)}/Calls/{sid}.json",
        "subresource_uris": {},
        "_twiml": form.get("Twiml", "<Response/>"),
        "_send_digits": form.get("SendDigits"),  # keys dialled once it connects
    }


def step_message(message: dict[str, Any], outcome: str, now: str) -> dict[str, str] | None:
    """Move an outbound message one status on, ending in `outcome` (a key of
    MESSAGE_OUTCOMES); the status callback's form, or None if it had nowhere to go."""
    if message["direction"] != "outbound-api" or message["status"] not in _MESSAGE_STEPS[:-1]:
        return None
    following = _MESSAGE_STEPS[_MESSAGE_STEPS.index(message["status"]) + 1]
    if following == "delivered" and outcome in MESSAGE_OUTCOMES:
        following = outcome
        message["error_code"] = MESSAGE_OUTCOMES[outcome]
    message["status"] = following
    message["date_updated"] = message["date_sent"] = now
    params = {
        "MessageSid": message["sid"],
        "MessageStatus": following,
        "To": message["to"],
        "From": message["from"],
        "AccountSid": message["account_sid"],
    }
    if message["error_code"]:
        params["ErrorCode"] = str(message["error_code"])
    return params


def step_call(call: dict[str, Any], outcome: str, now: str) -> dict[str, str] | None:
    """Move a call one status on, ending in `outcome` (a key of CALL_OUTCOMES); the status
    callback's form, or None if it had ended."""
    if call["status"] not in _CALL_STEPS[:-1]:
        return None
    following = _CALL_STEPS[_CALL_STEPS.index(call["status"]) + 1]
    if outcome == "failed" and following == "ringing":
        following = "failed"
    elif outcome in ("busy", "no-answer") and following == "in-progress":
        following = outcome
    if following == "in-progress":
        call["start_time"] = now
    if following in ("completed", "busy", "no-answer", "failed"):
        call["end_time"], call["duration"] = now, "0"
    call["status"], call["date_updated"] = following, now
    return {
        "CallSid": call["sid"],
        "CallStatus": following,
        "To": call["to"],
        "From": call["from"],
        "AccountSid": call["account_sid"],
        "Direction": "outbound-api",
    }
