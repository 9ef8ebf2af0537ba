"""The push channel against dispatcher.testing's loopback HTTP peer."""

import pytest
from dispatcher_push import PUSH, PushChannel

from dispatcher.plugins import DeliveryStatus, Failure, PluginManager
from dispatcher.testing import free_port, sample_notification


async def send(url, notification=None, token="t0ken-9f2c"):
    channel = PushChannel(url, token)
    try:
        return await channel.send(
            notification or sample_notification("csc-li-wei", "push", drill=True)
        )
    finally:
        await channel.close()


async def test_a_page_reaches_the_persons_topic_and_refusals_are_classified(http_peer):
    http_peer.answer(200, {"id": "msg-1"}, times=1)
    receipt = await send(http_peer.url)

    assert (receipt.ok, receipt.status, receipt.provider_id) == (True, DeliveryStatus.SENT, "msg-1")
    (request,) = http_peer.requests
    assert (
        request.route == "/csc-li-wei" and request.headers["Authorization"] == "Bearer t0ken-9f2c"
    )
    assert request.body.decode() == (
        "[DRILL] SR-20261124-0007 EMERGENCY: core network down Reply 4821 to acknowledge\n"
        "For Li Wei (李伟)"
    )

    http_peer.answer(503, "busy", delay=0.2, times=1)  # a slow, then failing, service
    busy = await send(http_peer.url)
    http_peer.answer(403, "forbidden: t0ken-9f2c")
    refused = await send(http_peer.url)
    gone = await send(f"http://127.0.0.1:{free_port()}")

    assert (busy.failure, busy.error_code) == (Failure.TRANSIENT, "503")
    assert (refused.failure, refused.error_code) == (Failure.PERMANENT, "403")
    assert "t0ken-9f2c" not in refused.detail and gone.failure is Failure.TRANSIENT


async def test_the_plugin_declares_its_kind_and_says_what_it_needs(http_peer):
    http_peer.serve("/v1/health", '{"healthy":true}')
    channel = PushChannel(http_peer.url)
    health = await channel.check()
    await channel.close()

    assert health.ok and http_peer.requests[-1].route == "/v1/health"
    assert PUSH.validate("csc-li-wei") == "csc-li-wei"
    with pytest.raises(ValueError, match="1 to 64 letters"):
        PUSH.validate("li wei's phone")
    manager = PluginManager(environ={})
    assert "push" in manager.kind_names  # declared even while the channel is not configured
    info = {c.name: c for c in manager.channel_infos}["push"]
    assert (info.enabled, info.reason) == (False, "PUSH_SERVER_URL is not set")
    assert [s.describe() for s in info.settings] == [
        "PUSH_SERVER_URL: unset",
        "PUSH_TOKEN (secret): unset",
        "PUSH_PRIORITY=5 (default)",
    ]
