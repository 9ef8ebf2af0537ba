"""The webhook channel against a real HTTP receiver on 127.0.0.1."""

from base64 import b64decode
from urllib.parse import unquote

import pytest
from dispatcher_webhook import WebhookChannel

from dispatcher.domain.roster import ContactKind
from dispatcher.plugins import DeliveryStatus, Failure, PluginManager
from dispatcher.testing import Answer, free_port
from dispatcher.testing.builders import sample_notification


async def send(url, notification=None):
    channel = WebhookChannel(url)
    try:
        return await channel.send(notification or sample_notification())
    finally:
        await channel.close()


async def test_the_notification_arrives_as_json(http_peer):
    receipt = await send(
        http_peer.url + "/robot/send?access_token=s3cret", sample_notification(drill=True)
    )

    assert receipt.ok and receipt.status is DeliveryStatus.SENT
    (request,) = http_peer.requests
    assert request.path == "/robot/send?access_token=s3cret"
    assert request.headers["Content-Type"] == "application/json"
    body = request.json()
    assert (
        body["sr_id"] == "SR-20261124-0007" and body["ack_code"] == "4821" and body["drill"] is True
    )
    assert body["person"] == {"id": "li.wei", "name": "Li Wei (李伟)"}
    assert body["contact"] == {"kind": "mobile", "address": "+15551230001"}
    assert body["text"] == (
        "[DRILL] SR-20261124-0007 EMERGENCY: core network down Reply 4821 to acknowledge"
    )
    assert (body["purpose"], body["urgency"]) == ("page", "emergency")
    assert body["body"].startswith("*** DRILL") and "4821" in body["body"]


@pytest.mark.parametrize(
    ("status", "failure"),
    [
        (500, Failure.TRANSIENT),
        (503, Failure.TRANSIENT),
        (429, Failure.TRANSIENT),
        (404, Failure.PERMANENT),
        (403, Failure.PERMANENT),
        (400, Failure.PERMANENT),
    ],
)
async def test_refusals_are_transient_or_permanent(http_peer, status, failure):
    http_peer.answer(status)

    receipt = await send(http_peer.url + "/hook?token=s3cret")

    assert (receipt.failure, receipt.error_code) == (failure, str(status))
    assert f"HTTP {status}" in receipt.detail and "s3cret" not in receipt.detail


@pytest.mark.parametrize(
    "url",
    [
        "/robot/send?access_token=s3cretT0ken",
        "/hooks/T0000/B0000/s3cretT0ken",
        "/robot/send?access_token=s3cret%2FT0ken",
    ],
)
async def test_a_server_echoing_the_path_never_puts_the_token_in_the_receipt(http_peer, url):
    # as many servers' 404 pages do: the request's path, raw and percent-decoded
    http_peer.respond_with(lambda r: Answer(404, f"no route {r.path} ({unquote(r.path)})"))

    receipt = await send(http_peer.url + url)

    assert receipt.failure is Failure.PERMANENT and "no route" in receipt.detail
    assert "s3cret" not in receipt.detail and "T0ken" not in receipt.detail


@pytest.mark.parametrize("userinfo", ["s3cretT0ken@", "s3cretT0ken:@", "api:s3cretT0ken@"])
async def test_a_token_in_the_url_s_user_name_never_reaches_the_receipt(http_peer, userinfo):
    def invalid_key(request):  # "invalid API key <user>", as APIs keyed by a user name say
        auth = request.headers.get("Authorization", "")
        user = b64decode(auth.removeprefix("Basic ")).decode().partition(":")[0]
        return Answer(401, f"invalid API key {user}")

    http_peer.respond_with(invalid_key)

    receipt = await send(http_peer.url.replace("://", f"://{userinfo}") + "/hook")

    assert receipt.failure is Failure.PERMANENT and "invalid API key" in receipt.detail
    assert "s3cret" not in receipt.detail and "T0ken" not in receipt.detail


async def test_a_refused_connection_is_transient():
    receipt = await send(f"http://127.0.0.1:{free_port()}/hook")

    assert receipt.failure is Failure.TRANSIENT and "cannot reach the webhook" in receipt.detail


async def test_one_session_serves_many_sends(http_peer):
    channel = WebhookChannel(http_peer.url)
    receipts = [
        await channel.send(sample_notification(f"a{i}@example.org", ContactKind.EMAIL))
        for i in range(3)
    ]
    await channel.close()

    assert all(r.ok for r in receipts) and len(http_peer.requests) == 3


def test_without_a_url_the_channel_is_disabled_with_the_reason():
    channels = {c.name: c for c in PluginManager(environ={}).channel_infos}
    assert not channels["webhook"].enabled
    assert channels["webhook"].reason == "DISPATCHER_WEBHOOK_URL is not set"

    bad = {
        c.name: c
        for c in PluginManager(environ={"DISPATCHER_WEBHOOK_URL": "ftp://x"}).channel_infos
    }
    assert "http:// or https://" in bad["webhook"].reason


@pytest.mark.parametrize("url", ["http://s3cret@[::1/hook", "https://host:99999999/s3cret"])
def test_a_url_that_cannot_be_parsed_disables_the_channel_without_quoting_it(url):
    infos = {
        c.name: c for c in PluginManager(environ={"DISPATCHER_WEBHOOK_URL": url}).channel_infos
    }
    assert not infos["webhook"].enabled and "not a valid URL" in infos["webhook"].reason
    assert "s3cret" not in infos["webhook"].reason
