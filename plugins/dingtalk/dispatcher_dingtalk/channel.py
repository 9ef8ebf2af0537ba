"""The dingtalk channel: a DingTalk (钉钉) custom group robot posts each page into a duty group
and @-mentions the paged person by mobile number.

The robot's webhook is `https://oapi.dingtalk.com/robot/send?access_token=…`, taking a JSON
`text` or `markdown` message whose `at.atMobiles` lists the people to mention (the text names
each as `@<mobile>` too, or the mention is not shown). With the robot's signing security
setting (加签) every request carries `timestamp`, milliseconds since the epoch that must lie
within an hour of DingTalk's clock, and `sign`: Base64 of HMAC-SHA256, keyed with the robot's
secret, over "<timestamp>\\n<secret>", URL-encoded. (DingTalk's custom robot guide, "自定义
机器人安全设置" and "自定义机器人发送群消息".)

DingTalk answers HTTP 200 with `{"errcode": 0, "errmsg": "ok"}`; a refusal is another
errcode. 130101 ("send too fast": a robot sends at most 20 messages a minute, and is then
held back for ten minutes) and -1 (system busy) pass, so they are transient, as are HTTP 429,
5xx and an unreachable host; 310000 (signature, timestamp, keyword or IP check failed),
300001 and 300005 (no such token) and every other code are permanent. A group robot reads no
replies: the person acknowledges by SMS, by a call or at the desk. The channel reaches the
built-in `mobile` kind and declares no kind of its own: DingTalk mentions a member by the
mobile number their account is registered with, the work mobile the roster lists, so that
number is the true address of the mention, and a robot that reads no replies can never
confirm it in the reachability audit. The texts are the engine's
(`Notification.sms_text`, or `subject` and `body` for markdown), sent as they are.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiohttp
from yarl import URL

from dispatcher.plugins import (
    ChannelBase,
    ContactKind,
    DeliveryStatus,
    Failure,
    Limit,
    Notification,
    Receipt,
    Setting,
    one_line,
    redact,
)

URL_SETTING = Setting(
    "DINGTALK_WEBHOOK_URL", "the robot's webhook URL with its access_token", secret=True
)
SECRET_SETTING = Setting(
    "DINGTALK_SECRET",
    "the robot's signing secret (SEC…); unset for a robot secured by keywords or IP",
    secret=True,
    required=False,
)
MSGTYPE_SETTING = Setting("DINGTALK_MSGTYPE", "text or markdown", default="text")
MSGTYPES = ("text", "markdown")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

RATE_LIMITED = 130101  # "send too fast, exceed 20 times per minute"
SYSTEM_BUSY = -1
TRANSIENT_ERRCODES = frozenset({RATE_LIMITED, SYSTEM_BUSY})


def sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's robot signature: Base64(HMAC-SHA256(secret, "<timestamp>\\n<secret>")),
    before URL encoding."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_url(url: str, secret: str | None, timestamp_ms: int) -> str:
    """`url` with `timestamp` and `sign` set in its query (replacing any there), encoded."""
    if not secret:
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("timestamp", "sign")]
    query += [("timestamp", str(timestamp_ms)), ("sign", sign(secret, timestamp_ms))]
    return urlunsplit(parts._replace(query=urlencode(query)))


@dataclass(frozen=True)
class DingTalkConfig:
    """The robot's webhook and secret (never shown: `repr` hides both) and the message type."""

    url: str
    secret: str | None = None
    msgtype: str = "text"

    def __repr__(self) -> str:
        return f"DingTalkConfig(url=***, secret={'***' if self.secret else None}, msgtype={self.msgtype!r})"

    @classmethod
    def from_settings(cls, settings) -> DingTalkConfig:
        """From the environment; `MissingSetting` or `ValueError` say in one line what is
        wrong, naming the variable and never its value."""
        url, secret, msgtype = settings.read(URL_SETTING, SECRET_SETTING, MSGTYPE_SETTING)
        parts = urlsplit(url)
        loopback = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
        if parts.scheme != "https" and not loopback:
            raise ValueError(f"{URL_SETTING.name} must be an https:// URL")
        if "access_token" not in dict(parse_qsl(parts.query)):
            raise ValueError(f"{URL_SETTING.name} has no access_token in its query")
        if msgtype not in MSGTYPES:
            raise ValueError(f"{MSGTYPE_SETTING.name} must be text or markdown")
        return cls(url, secret, msgtype)


def mention(address: str) -> str:
    """How DingTalk knows a member by mobile: the 11-digit number for a mainland (+86)
    number, the E.164 form otherwise."""
    return address[3:] if address.startswith("+86") else address


_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()#+-.!|<>~"})


def message(notification: Notification, msgtype: str = "text") -> dict:
    """The robot message for one notification: the engine's ready texts (which already hold
    the code and the drill marker) and the @-mention of the paged person."""
    at = mention(notification.contact.address)
    who = f"{notification.recipient.display_name} @{at}"
    if msgtype == "markdown":
        title = one_line(notification.subject, 60)
        text = "\n\n".join(
            [
                f"#### {title.translate(_MARKDOWN_SPECIAL)}",
                notification.body.strip().translate(_MARKDOWN_SPECIAL),
                who,
            ]
        )
        body: dict = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    else:
        body = {"msgtype": "text", "text": {"content": f"{notification.sms_text}\n{who}"}}
    body["at"] = {"atMobiles": [at], "isAtAll": False}
    return body


class DingTalkChannel(ChannelBase):
    name = "dingtalk"
    reaches = frozenset({ContactKind.MOBILE})
    settings = (URL_SETTING, SECRET_SETTING, MSGTYPE_SETTING)
    channel_limit = Limit(20, timedelta(minutes=1))  # DingTalk's limit for one robot

    def __init__(
        self, config: DingTalkConfig, *, timeout: float = 10.0, now: Callable[[], float] = time.time
    ) -> None:
        self.config = config
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._now = now  # seconds since the epoch, for the signature's timestamp
        self._session: aiohttp.ClientSession | None = None  # made in the engine's event loop
        token = dict(parse_qsl(urlsplit(config.url).query)).get("access_token")
        self._secrets = [config.url, token, config.secret]

    async def send(self, notification: Notification) -> Receipt:
        url = signed_url(self.config.url, self.config.secret, round(self._now() * 1000))
        payload = json.dumps(message(notification, self.config.msgtype), ensure_ascii=False)
        try:
            if self._session is None:
                self._session = aiohttp.ClientSession(timeout=self.timeout)
            async with self._session.post(
                URL(url, encoded=True),
                data=payload.encode("utf-8"),
                headers={"Content-Type": "application/json; charset=utf-8"},
            ) as response:
                status, text = response.status, await response.text()
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            return self._failed(
                Failure.TRANSIENT, f"cannot reach DingTalk: {type(error).__name__} {error}"
            )
        if status >= 300:
            return self._failed(
                Failure.for_http_status(status), f"DingTalk refused (HTTP {status}): {text}", status
            )
        try:
            answer = json.loads(text)
            errcode, errmsg = int(answer["errcode"]), str(answer.get("errmsg", ""))
        except (ValueError, KeyError, TypeError):
            return self._failed(Failure.TRANSIENT, f"DingTalk answered no errcode: {text}")
        if errcode != 0:
            failure = Failure.TRANSIENT if errcode in TRANSIENT_ERRCODES else Failure.PERMANENT
            return self._failed(failure, f"DingTalk refused: {errmsg}", errcode)
        return Receipt.accepted(self.name, None, DeliveryStatus.SENT)

    def _failed(self, failure: Failure, detail: str, code: int | None = None) -> Receipt:
        printable = "".join(ch if ch.isprintable() else " " for ch in detail)
        return Receipt.failed(
            self.name, failure, redact(one_line(printable), self._secrets), error_code=code
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
