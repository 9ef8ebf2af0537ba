"""The voice channel against the loopback Twilio peer, with and without the key-press receiver."""

import aiohttp
import pytest
from dispatcher_voice import ReceiverConfig, TwilioConfig, VoiceChannel, WebhookReceiver

from dispatcher.plugins import DeliveryStatus, Failure, Purpose, Settings
from dispatcher.testing import free_port
from dispatcher.testing.builders import sample_notification
from dispatcher.testing.twilio_peer import twilio_signature

NUMBER = "+15551230002"


@pytest.fixture
async def voice(twilio_settings):
    channel = VoiceChannel(TwilioConfig.from_settings(Settings(twilio_settings)))
    yield channel
    await channel.close()


@pytest.fixture
async def voice_with_receiver(twilio_settings):
    port = free_port()
    config = TwilioConfig.from_settings(Settings(twilio_settings))
    receiver = WebhookReceiver(
        ReceiverConfig(f"http://127.0.0.1:{port}", port=port), config.auth_token
    )
    channel = VoiceChannel(config, receiver)
    yield channel
    await channel.close()


async def test_a_call_speaks_the_message_twice_and_reports_it_answered(voice, twilio_peer):
    receipt = await voice.send(sample_notification(NUMBER))

    assert receipt.ok and receipt.status is DeliveryStatus.QUEUED
    twiml = twilio_peer.calls[receipt.provider_id]["_twiml"]
    assert (
        twiml.count(
            "Emergency. The core network is down. Your acknowledgement code is 4 8 2 1.</Say>"
        )
        == 2
    )
    assert 'voice="Polly.Joanna"' in twiml and "<Gather" not in twiml

    await twilio_peer.settle()
    updates = (await voice.poll()).updates
    assert [(u.provider_id, u.status) for u in updates] == [
        (receipt.provider_id, DeliveryStatus.ANSWERED)
    ]
    fetches = len(twilio_peer.requests)
    assert not await voice.poll()
    assert len(twilio_peer.requests) == fetches  # a finished call is not asked about again


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        ("busy", DeliveryStatus.BUSY),
        ("no-answer", DeliveryStatus.NO_ANSWER),
        ("failed", DeliveryStatus.FAILED),
    ],
)
async def test_an_unanswered_call_reports_its_outcome(voice, twilio_peer, outcome, status):
    twilio_peer.script(NUMBER, outcome)
    await voice.send(sample_notification(NUMBER))

    await twilio_peer.advance()
    await twilio_peer.advance()
    first = [u.status for u in (await voice.poll()).updates]
    await twilio_peer.settle()
    later = [u.status for u in (await voice.poll()).updates]

    assert (first + later)[-1] is status
    assert DeliveryStatus.ANSWERED not in first + later


async def test_a_mandarin_message_is_spoken_in_mandarin(voice, twilio_peer):
    receipt = await voice.send(sample_notification(NUMBER, language="zh", drill=True))

    twiml = twilio_peer.calls[receipt.provider_id]["_twiml"]
    assert 'language="cmn-CN"' in twiml and 'voice="Polly.Zhiyu"' in twiml
    assert twiml.count("这是演练。紧急事件,核心网中断。确认码 4 8 2 1。</Say>") == 2


async def test_an_invalid_number_is_permanent_and_a_server_error_transient(voice, twilio_peer):
    twilio_peer.reject(NUMBER, code=21211)
    refused = await voice.send(sample_notification(NUMBER))
    twilio_peer.fail_next(500)
    unavailable = await voice.send(sample_notification("+15551230003"))

    assert (refused.failure, refused.error_code) == (Failure.PERMANENT, "21211")
    assert (unavailable.failure, unavailable.error_code) == (Failure.TRANSIENT, "20500")


async def test_pressing_1_acknowledges_by_the_notifications_code(voice_with_receiver, twilio_peer):
    receipt = await voice_with_receiver.send(sample_notification(NUMBER, ack_code="7315"))
    twiml = twilio_peer.calls[receipt.provider_id]["_twiml"]
    assert "<Gather" in twiml and "Press 1 to acknowledge." in twiml

    status, answer = await twilio_peer.press_key(receipt.provider_id, "1")

    assert status == 200 and "Acknowledged" in answer
    (reply,) = (await voice_with_receiver.poll()).replies
    assert (reply.channel, reply.ack_code, reply.sender, reply.provider_id) == (
        "voice",
        "7315",
        NUMBER,
        receipt.provider_id,
    )


async def test_a_notice_call_offers_no_key_to_acknowledge(voice_with_receiver, twilio_peer):
    """A notice (a Red Flag to CSQ, an SLA breach) asks nothing: the engine hands it no code,
    and the call neither says "press 1" nor takes a key press as an answer."""
    notice = sample_notification(NUMBER, purpose=Purpose.NOTICE)
    assert notice.ack_code == ""
    receipt = await voice_with_receiver.send(notice)
    twiml = twilio_peer.calls[receipt.provider_id]["_twiml"]
    assert "<Gather" not in twiml and "Press 1" not in twiml


async def test_another_key_does_not_acknowledge(voice_with_receiver, twilio_peer):
    receipt = await voice_with_receiver.send(sample_notification(NUMBER))

    await twilio_peer.press_key(receipt.provider_id, "2")

    (reply,) = (await voice_with_receiver.poll()).replies
    assert reply.ack_code is None and reply.text == "pressed 2"


async def test_signed_status_callbacks_are_taken(voice_with_receiver, twilio_peer):
    receipt = await voice_with_receiver.send(sample_notification(NUMBER))

    await twilio_peer.advance()
    await twilio_peer.advance()
    await twilio_peer.advance()

    assert len(twilio_peer.callbacks_sent) == 3 and voice_with_receiver.receiver.refused == 0
    assert voice_with_receiver.receiver.statuses[-1] == (receipt.provider_id, "in-progress")
    updates = (await voice_with_receiver.poll()).updates
    assert [u.status for u in updates] == [DeliveryStatus.SENT, DeliveryStatus.ANSWERED]


async def test_unsigned_and_forged_requests_are_refused(voice_with_receiver, twilio_peer):
    receipt = await voice_with_receiver.send(sample_notification(NUMBER, ack_code="7315"))
    receiver = voice_with_receiver.receiver
    form = {"CallSid": receipt.provider_id, "Digits": "1", "To": NUMBER}
    signed_for_other_code = twilio_signature(
        twilio_peer.auth_token, receiver.gather_url("7315"), form
    )
    attempts = [
        (receiver.gather_url("7315"), {}),
        (
            receiver.gather_url("7315"),
            {
                "X-Twilio-Signature": twilio_signature(
                    "not-the-token", receiver.gather_url("7315"), form
                )
            },
        ),
        (receiver.gather_url("9999"), {"X-Twilio-Signature": signed_for_other_code}),
        (receiver.status_url, {"X-Twilio-Signature": "Zm9yZ2Vk"}),
    ]

    async with aiohttp.ClientSession() as session:
        for url, headers in attempts:
            async with session.post(url, data=form, headers=headers) as response:
                assert response.status == 403

    assert receiver.refused == 4
    assert not await voice_with_receiver.poll()


def test_a_webhook_url_that_is_not_http_disables_the_channel(twilio_settings):
    from dispatcher.plugins import PluginManager

    manager = PluginManager(
        environ={**twilio_settings, "DISPATCHER_VOICE_WEBHOOK_URL": "desk.example.org"}
    ).load()

    (info,) = [c for c in manager.channel_infos if c.name == "voice"]
    assert not info.enabled and "DISPATCHER_VOICE_WEBHOOK_URL" in info.reason


async def test_a_desk_phone_behind_a_switchboard_gets_its_extension_dialled(voice, twilio_peer):
    from dispatcher.domain.roster import ContactKind

    notification = sample_notification("+12125550199;ext=4321", ContactKind.VOICE)
    receipt = await voice.send(notification)

    assert receipt.ok
    call = twilio_peer.calls[receipt.provider_id]
    assert call["to"] == "+12125550199"  # the switchboard is called ...
    assert call["_send_digits"] == "ww4321"  # ... and the extension dialled once it answers


async def test_a_number_without_an_extension_sends_no_digits(voice, twilio_peer):
    receipt = await voice.send(sample_notification(NUMBER))
    assert twilio_peer.calls[receipt.provider_id]["_send_digits"] is None
