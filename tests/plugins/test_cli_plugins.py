"""`dispatcher plugins` and the logic of `dispatcher notify test`."""

import json

from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.cli.plugins import send_test_notifications
from dispatcher.domain.roster import ContactKind, ContactMethod, Person
from dispatcher.plugins import Failure, PluginManager


def test_plugins_lists_versions_hooks_and_why_a_channel_is_off(tmp_path, twilio_settings):
    env = {**twilio_settings, "SMTP_HOST": "", "DISPATCHER_BLOCK_PLUGINS": "voice"}

    result = CliRunner().invoke(cli, ["plugins", "--json", "--data", str(tmp_path)], env=env)

    assert result.exit_code == 0, result.output
    listing = json.loads(result.output)
    plugins = {p["name"]: p for p in listing["plugins"]}
    channels = {c["name"]: c for c in listing["channels"]}
    assert (
        plugins["sms"]["hooks"] == ["dispatcher_channels"] and plugins["sms"]["version"] == "0.1.0"
    )
    assert plugins["voice"]["status"] == "blocked"
    assert channels["sms"]["enabled"] and channels["sms"]["reaches"] == ["mobile"]
    assert not channels["email"]["enabled"] and "SMTP_HOST" in channels["email"]["reason"]
    assert twilio_settings["TWILIO_AUTH_TOKEN"] not in result.output


def test_plugins_in_text(tmp_path):
    result = CliRunner().invoke(cli, ["plugins", "--data", str(tmp_path)], env={"TWILIO_FROM": ""})

    assert result.exit_code == 0
    assert (
        "sms (plugin sms): disabled: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM are not set"
        in result.output
    )


def _person():
    return Person(
        id="li.wei",
        name="Li Wei",
        unit="bd-core",
        language="zh",
        contacts=(
            ContactMethod(ContactKind.MOBILE, "+15551230001"),
            ContactMethod(ContactKind.EMAIL, "li.wei@example.org"),
            ContactMethod(ContactKind.VOICE, "+15551230009"),
        ),
    )


async def test_notify_test_reaches_every_contact_method_and_reports_each(
    tmp_path, twilio_settings, twilio_peer, smtp_settings, smtp_server
):
    from dispatcher.store import Store

    twilio_peer.reject("+15551230009", code=21211)
    with Store(tmp_path) as store:
        manager = PluginManager(environ={**twilio_settings, **smtp_settings}, store=store)
        outcomes = await send_test_notifications(_person(), manager.channels)
        await manager.aclose()

    by_route = {(o.contact, o.channel): o.receipt for o in outcomes}
    assert set(by_route) == {
        ("+15551230001", "sms"),
        ("+15551230001", "voice"),
        ("li.wei@example.org", "email"),
        ("+15551230009", "voice"),
    }
    assert all(by_route[route].ok for route in list(by_route)[:3])
    assert by_route[("+15551230009", "voice")].failure is Failure.PERMANENT
    assert "调度台测试消息" in smtp_server.messages[0].get_content()


async def test_notify_test_through_one_channel_says_what_it_cannot_reach(tmp_path):
    from dispatcher.store import Store

    with Store(tmp_path) as store:
        channels = PluginManager(environ={}, store=store).channels
        outcomes = await send_test_notifications(_person(), channels, only="desk")
        skipped = await send_test_notifications(_person(), channels)

    assert [o.channel for o in outcomes] == ["desk"] * 3 and all(o.receipt.ok for o in outcomes)
    assert {o.skipped for o in skipped} == {"no enabled channel reaches it"}
