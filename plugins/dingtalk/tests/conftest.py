"""A DingTalk custom robot on 127.0.0.1: it checks what DingTalk's robot guide asks of a request
and answers with DingTalk's errcodes, on top of dispatcher.testing's `http_peer`."""

import base64
import hashlib
import hmac
import threading
import time
from collections import deque

import pytest

from dispatcher.testing import Answer

TOKEN = "robot-token-" + "9c1e" * 8
SECRET = "SEC" + "5b7d" * 16
WINDOW_MS = 3_600_000  # a timestamp within an hour of DingTalk's clock
PER_MINUTE = 20


class DingTalkRobotPeer:
    """Accepted messages in `messages`, refusals as (errcode, errmsg) in `refusals`."""

    def __init__(self, http_peer, now=time.time):
        self.http = http_peer
        self.now = now
        self.messages = []
        self.refusals = []
        self._sent_at = deque()
        self._scripted = deque()
        self._lock = threading.Lock()
        http_peer.respond_with(self._respond)

    @property
    def url(self):
        return f"{self.http.url}/robot/send?access_token={TOKEN}"

    def refuse_next(self, errcode, errmsg):
        """Answer the next well-formed request with `errcode`."""
        self._scripted.append((errcode, errmsg))

    def _refuse(self, errcode, errmsg):
        self.refusals.append((errcode, errmsg))
        return Answer(200, {"errcode": errcode, "errmsg": errmsg})

    def _respond(self, request):
        if request.method != "POST" or request.route != "/robot/send":
            return Answer(404, {"errcode": 404, "errmsg": "请求的URI地址不存在"})
        query = request.query
        if query.get("access_token") != TOKEN:
            return self._refuse(300005, "token is not exist")
        stamp, signature = query.get("timestamp", ""), query.get("sign", "")
        if not stamp.isdigit() or abs(self.now() * 1000 - int(stamp)) > WINDOW_MS:
            return self._refuse(310000, "invalid timestamp")
        mac = hmac.new(SECRET.encode(), f"{stamp}\n{SECRET}".encode(), hashlib.sha256)
        expected = base64.b64encode(mac.digest()).decode()
        raw = request.path.split("?", 1)[1]
        if not hmac.compare_digest(signature, expected) or f"sign={expected}" in raw:
            return self._refuse(310000, "sign not match")  # wrong, or not URL-encoded
        if "utf-8" not in request.headers.get("Content-Type", "").lower():
            return self._refuse(40035, "缺少参数 charset=utf-8")
        problem = shape_problem(request.json())
        if problem:
            return self._refuse(40035, f"缺少参数 {problem}")
        with self._lock:
            if self._scripted:
                return self._refuse(*self._scripted.popleft())
            now = self.now()
            while self._sent_at and self._sent_at[0] <= now - 60:
                self._sent_at.popleft()
            if len(self._sent_at) >= PER_MINUTE:
                return self._refuse(130101, "send too fast, exceed 20 times per minute")
            self._sent_at.append(now)
            self.messages.append(request.json())
        return Answer(200, {"errcode": 0, "errmsg": "ok"})


def shape_problem(body):
    """What is wrong with a robot message's JSON, or None: a text or markdown message whose
    `at.atMobiles` people are each named `@<mobile>` in its text."""
    kind = body.get("msgtype")
    if kind == "text":
        text = body.get("text", {}).get("content")
    elif kind == "markdown":
        markdown = body.get("markdown", {})
        text = markdown.get("text") if isinstance(markdown.get("title"), str) else None
    else:
        return "msgtype"
    if not isinstance(text, str) or not text.strip():
        return kind
    at = body.get("at", {})
    mobiles = at.get("atMobiles", [])
    if not isinstance(mobiles, list) or not isinstance(at.get("isAtAll", False), bool):
        return "at"
    if not all(isinstance(m, str) and f"@{m}" in text for m in mobiles):
        return "at.atMobiles"
    return None


@pytest.fixture
def robot(http_peer):
    return DingTalkRobotPeer(http_peer)


@pytest.fixture
def robot_settings(robot):
    return {"DINGTALK_WEBHOOK_URL": robot.url, "DINGTALK_SECRET": SECRET}
