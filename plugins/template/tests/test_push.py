"""The push channel against dispatcher.testing's loopback HTTP peer."""

from dispatcher_push import PushChannel

from dispatcher.plugins import DeliveryStatus, Failure, PluginManager
from dispatcher.testing import free_port, sample_notification


async def send(url, notification=None, token="t0ken-9f2c"):
    channel = PushChannel(url, token)
    try:
        return await channel.send(notification or sample_notification(drill=True))
    finally:
        await channel.close()


async def test_a_page_reaches_the_topic_and_refusals_are_classified(http_peer):
    http_peer.answer(200, {"id": "msg-1"}, times=1)
    receipt = await send(http_peer.url + "/night-duty")

    assert (receipt.ok, receipt.status, receipt.provider_id) == (True, DeliveryStatus.SENT, "msg-1")
    (request,) = http_peer.requests
    assert (
        request.route == "/night-duty" and request.headers["Authorization"] == "Bearer t0ken-9f2c"
    )
    assert request.body.decode() == (
        "[DRILL] SR-20261124-0007 EMERGENCY: core network down Reply 4821 to acknowledge\n"
        "For Li Wei (李伟)"
    )

    http_peer.answer(503, "busy", delay=0.2, times=1)  # a slow, then failing, service
    busy = await send(http_peer.url + "/night-duty")
    http_peer.answer(403, "forbidden: t0ken-9f2c")
    refused = await send(http_peer.url + "/night-duty")
    gone = await send(f"http://127.0.0.1:{free_port()}/night-duty")

    assert (busy.failure, busy.error_code) == (Failure.TRANSIENT, "503")
    assert (refused.failure, refused.error_code) == (Failure.PERMANENT, "403")
    assert "t0ken-9f2c" not in refused.detail and gone.failure is Failure.TRANSIENT


async def test_check_reads_the_topic_and_the_plugin_says_what_it_needs(http_peer):
    http_peer.serve("/night-duty/json", "")
    channel = PushChannel(http_peer.url + "/night-duty")
    health = await channel.check()
    await channel.close()

    assert health.ok and http_peer.requests[-1].query == {"poll": "1"}
    info = {c.name: c for c in PluginManager(environ={}).channel_infos}["push"]
    assert (info.enabled, info.reason) == (False, "PUSH_TOPIC_URL is not set")
    assert [s.describe() for s in info.settings] == [
        "PUSH_TOPIC_URL (secret): unset",
        "PUSH_TOKEN (secret): unset",
        "PUSH_PRIORITY=5 (default)",
    ]
