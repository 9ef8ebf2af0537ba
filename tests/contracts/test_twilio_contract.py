"""The sms and voice channels' real requests, checked against Twilio's published API by Prism."""

import os
import shutil
import socket
import subprocess
from pathlib import Path

import aiohttp
import pytest
from dispatcher_sms import SmsChannel, TwilioConfig
from dispatcher_voice import VoiceChannel

from dispatcher.plugins import Settings
from dispatcher.testing import free_port
from dispatcher.testing.builders import sample_notification
from dispatcher.testing.twilio_peer import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_FROM
from dispatcher.testing.waiting import wait_for

PRISM_VERSION = "5.16.0"
SPEC = Path(__file__).with_name("twilio_api_v2010_messages_calls.json")
CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "dispatcher-tests" / "prism"
)


def _prism() -> Path:
    executable = CACHE / "node_modules" / ".bin" / "prism"
    if not executable.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("npm is not installed: the Twilio contract check needs Prism from npm")
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(CACHE),
                f"@stoplight/prism-cli@{PRISM_VERSION}",
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return executable


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 90) -> None:
    def listening() -> bool:
        assert process.poll() is None, "prism exited before listening"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return False
        return True

    wait_for(listening, timeout=seconds, interval=0.2, what="prism listening")


@pytest.fixture(scope="module")
def prism_url(tmp_path_factory):
    port = free_port()
    # a file, since a pipe would fill and stall it; open for the life of the process
    log = open(tmp_path_factory.mktemp("prism") / "prism.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [str(_prism()), "mock", "-h", "127.0.0.1", "-p", str(port), str(SPEC)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _config(prism_url):
    return TwilioConfig.from_settings(
        Settings(
            {
                "TWILIO_ACCOUNT_SID": TEST_ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN,
                "TWILIO_FROM": TEST_FROM,
                "DISPATCHER_TWILIO_URL": prism_url,
            }
        )
    )


async def test_prism_refuses_a_request_that_breaks_the_description(prism_url):
    url = f"{prism_url}/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
    async with (
        aiohttp.ClientSession(auth=aiohttp.BasicAuth(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)) as session,
        session.post(url, data={"From": TEST_FROM, "Body": "no To"}) as response,
    ):
        assert response.status == 422
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data={"To": "+15551230001", "From": TEST_FROM, "Body": "x"}) as response,
    ):
        assert response.status == 401


async def test_the_sms_channel_sends_and_polls_as_twilio_describes(prism_url):
    channel = SmsChannel(_config(prism_url))
    try:
        receipt = await channel.send(sample_notification("+15551230001", language="zh"))
        assert receipt.ok, receipt.detail
        await channel.poll()  # lists inbound messages and fetches the sent one
    finally:
        await channel.close()


async def test_the_voice_channel_calls_and_polls_as_twilio_describes(prism_url):
    channel = VoiceChannel(_config(prism_url))
    try:
        receipt = await channel.send(sample_notification("+15551230002"))
        assert receipt.ok, receipt.detail
        assert (await channel.poll()).updates is not None
    finally:
        await channel.close()
