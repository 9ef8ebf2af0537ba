"""The sms channel against the loopback Twilio peer, through the real twilio client."""

import logging

import pytest
from dispatcher_sms import SmsChannel, TwilioConfig

from dispatcher.plugins import DeliveryStatus, Failure, PluginManager, Settings
from dispatcher.plugins.sizes import SMS_MAX_PARTS
from dispatcher.testing import free_port
from dispatcher.testing.builders import sample_notification
from dispatcher.testing.twilio_peer import TEST_FROM

NUMBER = "+15551230001"


@pytest.fixture
async def sms(twilio_settings, controllable_clock):
    channel = SmsChannel(
        TwilioConfig.from_settings(Settings(twilio_settings)), clock=controllable_clock
    )
    yield channel
    await channel.close()


async def test_a_message_is_sent_and_its_delivery_reported_once(sms, twilio_peer):
    receipt = await sms.send(sample_notification(NUMBER))

    assert receipt.ok and receipt.status is DeliveryStatus.QUEUED and receipt.segments == 1
    sent = twilio_peer.messages[receipt.provider_id]
    assert (sent["to"], sent["from"]) == (NUMBER, TEST_FROM)
    assert sent["body"].endswith("Reply 4821 to acknowledge")

    await twilio_peer.settle()
    result = await sms.poll()
    assert [(u.provider_id, u.status) for u in result.updates] == [
        (receipt.provider_id, DeliveryStatus.DELIVERED)
    ]
    assert not await sms.poll()


async def test_an_invalid_number_is_a_permanent_failure(sms, twilio_peer):
    twilio_peer.reject(NUMBER, code=21211)

    receipt = await sms.send(sample_notification(NUMBER))

    assert receipt.failure is Failure.PERMANENT and receipt.error_code == "21211"
    assert "not a valid phone number" in receipt.detail


@pytest.mark.parametrize(("status", "code"), [(500, "20500"), (503, "20500"), (429, "20429")])
async def test_a_provider_error_or_rate_limit_is_transient(sms, twilio_peer, status, code):
    twilio_peer.fail_next(status)

    receipt = await sms.send(sample_notification(NUMBER))

    assert receipt.failure is Failure.TRANSIENT and receipt.error_code == code
    assert (await sms.send(sample_notification(NUMBER))).ok


async def test_a_refused_connection_is_transient():
    settings = Settings(
        {
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": "a-token-of-32-characters-or-so-x",
            "TWILIO_FROM": TEST_FROM,
            "DISPATCHER_TWILIO_URL": f"http://127.0.0.1:{free_port()}",
        }
    )
    channel = SmsChannel(TwilioConfig.from_settings(settings))
    try:
        receipt = await channel.send(sample_notification(NUMBER))
    finally:
        await channel.close()
    assert receipt.failure is Failure.TRANSIENT and "cannot reach Twilio" in receipt.detail


async def test_failed_authentication_does_not_show_the_token(twilio_settings, caplog):
    wrong_token = "wrong-token-4f9a0c2e7b1d"
    settings = Settings({**twilio_settings, "TWILIO_AUTH_TOKEN": wrong_token})
    channel = SmsChannel(TwilioConfig.from_settings(settings))
    caplog.set_level(logging.DEBUG)
    try:
        receipt = await channel.send(sample_notification(NUMBER))
        health = await channel.check()
    finally:
        await channel.close()

    assert receipt.failure is Failure.PERMANENT and receipt.error_code == "20003"
    assert not health.ok
    for text in (receipt.detail, repr(receipt), health.detail, caplog.text, repr(channel.config)):
        assert wrong_token not in text


async def test_check_passes_with_good_credentials(sms):
    assert (await sms.check()).ok


async def test_a_reply_becomes_an_acknowledgement_once(sms, twilio_peer):
    await sms.send(sample_notification(NUMBER, ack_code="4821"))
    twilio_peer.receive_sms(NUMBER, "ACK 4821")
    twilio_peer.receive_sms("+15559999999", "who is this?")

    replies = (await sms.poll()).replies

    assert [(r.ack_code, r.sender) for r in replies] == [("4821", NUMBER), (None, "+15559999999")]
    assert not (await sms.poll()).replies


async def test_an_undelivered_message_reports_the_carrier_error(sms, twilio_peer):
    twilio_peer.script(NUMBER, "undelivered")
    receipt = await sms.send(sample_notification(NUMBER))

    await twilio_peer.advance()
    assert [u.status for u in (await sms.poll()).updates] == [DeliveryStatus.SENT]
    await twilio_peer.settle()
    (update,) = (await sms.poll()).updates

    assert (update.provider_id, update.status, update.error_code) == (
        receipt.provider_id,
        DeliveryStatus.FAILED,
        "30003",
    )


async def test_a_chinese_message_counts_ucs2_segments(sms, twilio_peer):
    notification = sample_notification(
        NUMBER, language="zh", short_text="紧急事件" * 20, drill=True
    )

    receipt = await sms.send(notification)

    body = twilio_peer.messages[receipt.provider_id]["body"]
    assert body.startswith("【演练】") and body.endswith("回复 4821 确认")
    assert receipt.segments == 2 == int(twilio_peer.messages[receipt.provider_id]["num_segments"])


async def test_a_long_page_is_cut_to_the_part_cap_and_keeps_its_code(sms, twilio_peer):
    notification = sample_notification(NUMBER, language="zh", short_text="计费话单丢失" * 100)

    receipt = await sms.send(notification)

    body = twilio_peer.messages[receipt.provider_id]["body"]
    assert body.endswith("… 回复 4821 确认") and body.startswith("计费话单丢失")
    assert (
        receipt.segments
        == SMS_MAX_PARTS
        == int(twilio_peer.messages[receipt.provider_id]["num_segments"])
    )


async def test_the_engines_text_goes_as_it_is_with_its_drill_mark_and_code(sms, twilio_peer):
    notification = sample_notification(NUMBER, drill=True)

    receipt = await sms.send(notification)

    body = twilio_peer.messages[receipt.provider_id]["body"]
    assert body == notification.sms_text
    assert body.startswith("[DRILL] ") and body.endswith("Reply 4821 to acknowledge")


def test_missing_credentials_disable_the_channel_with_the_reason():
    manager = PluginManager(environ={"TWILIO_FROM": TEST_FROM}).load()

    (info,) = [c for c in manager.channel_infos if c.name == "sms"]

    assert not info.enabled
    assert info.reason == "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN are not set"
    assert "sms" not in manager.channels
