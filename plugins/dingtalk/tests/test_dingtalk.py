"""The dingtalk channel against a loopback DingTalk robot that checks signatures and shapes."""

import json
import time

import pytest
from dispatcher_dingtalk import DingTalkChannel, DingTalkConfig
from dispatcher_dingtalk.channel import message

from dispatcher.plugins import DeliveryStatus, Failure, PluginManager, Settings
from dispatcher.testing import free_port, sample_notification

MAINLAND = "+8613812345678"


async def send(config, notification=None, **options):
    channel = DingTalkChannel(config, **options)
    try:
        return await channel.send(notification or sample_notification(MAINLAND))
    finally:
        await channel.close()


def config_for(settings, **extra):
    return DingTalkConfig.from_settings(Settings({**settings, **extra}))


async def test_a_signed_text_message_mentions_the_paged_person(robot, robot_settings):
    receipt = await send(config_for(robot_settings))

    assert receipt.ok and receipt.status is DeliveryStatus.SENT, receipt.detail
    (body,) = robot.messages
    assert body["msgtype"] == "text"
    assert body["at"] == {"atMobiles": ["13812345678"], "isAtAll": False}
    assert body["text"]["content"] == (
        "SR-20261124-0007 EMERGENCY: core network down Reply 4821 to acknowledge\n"
        "Li Wei (李伟) @13812345678"
    )


async def test_a_markdown_message_in_chinese_marks_a_drill_and_escapes_markup(
    robot, robot_settings
):
    notification = sample_notification(
        "+14155550101", language="zh", drill=True, long_text="核心网中断 [详情](http://x.example)"
    )

    receipt = await send(config_for(robot_settings, DINGTALK_MSGTYPE="markdown"), notification)

    assert receipt.ok, receipt.detail
    (body,) = robot.messages
    assert body["markdown"]["title"] == "【演练】SR-20261124-0007 紧急:核心网中断"
    text = body["markdown"]["text"]
    assert "核心网中断 \\[详情\\]\\(http://x\\.example\\)" in text
    assert "演练" in text.split("\n\n")[1]  # the engine's drill marker, in the body
    assert "确认码:4821" in text and text.endswith("李伟) @+14155550101")
    assert body["at"]["atMobiles"] == ["+14155550101"]


async def test_a_wrong_secret_is_a_permanent_refusal_that_shows_no_secret(robot, robot_settings):
    wrong = "SEC" + "0" * 64

    receipt = await send(config_for(robot_settings, DINGTALK_SECRET=wrong))

    assert (receipt.failure, receipt.error_code) == (Failure.PERMANENT, "310000")
    assert receipt.detail == "DingTalk refused: sign not match"
    assert robot.refusals == [(310000, "sign not match")] and not robot.messages


async def test_a_clock_off_by_more_than_an_hour_is_refused_for_its_timestamp(robot, robot_settings):
    receipt = await send(config_for(robot_settings), now=lambda: time.time() - 3601)

    assert (receipt.failure, receipt.error_code) == (Failure.PERMANENT, "310000")
    assert robot.refusals == [(310000, "invalid timestamp")]

    within = await send(config_for(robot_settings), now=lambda: time.time() - 3500)
    assert within.ok


async def test_the_twenty_first_message_in_a_minute_is_rate_limited_and_transient(
    robot, robot_settings
):
    channel = DingTalkChannel(config_for(robot_settings))
    receipts = [await channel.send(sample_notification(MAINLAND)) for _ in range(21)]
    await channel.close()

    assert all(r.ok for r in receipts[:20])
    assert (receipts[20].failure, receipts[20].error_code) == (Failure.TRANSIENT, "130101")
    assert "send too fast" in receipts[20].detail


@pytest.mark.parametrize(
    ("errcode", "errmsg", "failure"),
    [
        (-1, "系统繁忙", Failure.TRANSIENT),
        (310000, "keywords not in content", Failure.PERMANENT),
        (310000, "ip 10.0.0.1 not in whitelist", Failure.PERMANENT),
        (400013, "群已被解散", Failure.PERMANENT),
    ],
)
async def test_errcodes_are_transient_or_permanent(robot, robot_settings, errcode, errmsg, failure):
    robot.refuse_next(errcode, errmsg)

    receipt = await send(config_for(robot_settings))

    assert (receipt.failure, receipt.error_code) == (failure, str(errcode))
    assert errmsg in receipt.detail


async def test_an_unknown_token_is_permanent_and_the_token_never_shows(robot, robot_settings):
    url = robot.http.url + "/robot/send?access_token=not-our-robot-7f3a"

    receipt = await send(config_for(robot_settings, DINGTALK_WEBHOOK_URL=url))

    assert (receipt.failure, receipt.error_code) == (Failure.PERMANENT, "300005")
    assert "not-our-robot" not in receipt.detail


@pytest.mark.parametrize(
    ("status", "failure"),
    [(503, Failure.TRANSIENT), (429, Failure.TRANSIENT), (403, Failure.PERMANENT)],
)
async def test_http_refusals_and_an_answer_without_errcode(robot, robot_settings, status, failure):
    robot.http.respond_with(None)
    robot.http.answer(status, "<html>gateway</html>")

    receipt = await send(config_for(robot_settings))

    assert (receipt.failure, receipt.error_code) == (failure, str(status))
    assert robot_settings["DINGTALK_SECRET"] not in receipt.detail
    assert "robot-token" not in receipt.detail

    robot.http.answer(200, "<html>captive portal</html>")
    odd = await send(config_for(robot_settings))
    assert odd.failure is Failure.TRANSIENT and "no errcode" in odd.detail


async def test_an_unreachable_robot_is_transient_and_its_url_is_redacted(robot_settings):
    url = f"http://127.0.0.1:{free_port()}/robot/send?access_token=robot-token-secret"

    receipt = await send(config_for(robot_settings, DINGTALK_WEBHOOK_URL=url))

    assert receipt.failure is Failure.TRANSIENT and "cannot reach DingTalk" in receipt.detail
    assert "robot-token-secret" not in receipt.detail


def test_every_message_shape_carries_the_mention():
    for kind in ("text", "markdown"):
        body = message(sample_notification(MAINLAND), kind)
        text = json.dumps(body, ensure_ascii=False)
        assert body["msgtype"] == kind and "@13812345678" in text


def test_the_plugin_reads_its_settings_from_the_environment(robot_settings):
    def channel(environ):
        return {c.name: c for c in PluginManager(environ=environ).channel_infos}["dingtalk"]

    assert channel(robot_settings).enabled
    assert channel({}).reason == "DINGTALK_WEBHOOK_URL is not set"
    plain = {"DINGTALK_WEBHOOK_URL": "http://oapi.example.com/robot/send?access_token=t"}
    assert channel(plain).reason == "DINGTALK_WEBHOOK_URL must be an https:// URL"
    no_token = {"DINGTALK_WEBHOOK_URL": "https://oapi.dingtalk.com/robot/send"}
    assert channel(no_token).reason == "DINGTALK_WEBHOOK_URL has no access_token in its query"
    odd_type = {**robot_settings, "DINGTALK_MSGTYPE": "actionCard"}
    assert channel(odd_type).reason == "DINGTALK_MSGTYPE must be text or markdown"
    assert "robot-token" not in repr(DingTalkConfig.from_settings(Settings(robot_settings)))
