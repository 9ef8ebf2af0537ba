"""`dispatcher notify test PERSON` end to end: the sample roster, the loopback Twilio peer and
SMTP server, and the channels pointed at them through the environment."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli

ROSTER = str(Path(__file__).resolve().parents[2] / "contacts.yaml")
PERSON = "sh-li-na"  # mobile +1 212 555 0100, voice +1 212 555 0199, email li.na@example.com
MOBILE, DESK_PHONE, EMAIL = "+12125550100", "+12125550199", "li.na@example.com"
UNSET = {"DISPATCHER_WEBHOOK_URL": "", "DISPATCHER_BLOCK_PLUGINS": "", "DISPATCHER_ROSTER": ""}


@pytest.fixture
def env(twilio_settings, smtp_settings):
    return {**UNSET, **twilio_settings, **smtp_settings}


def notify(tmp_path, env, *args):
    return CliRunner().invoke(
        cli, ["notify", "test", *args, "--roster", ROSTER, "--data", str(tmp_path)], env=env
    )


def test_every_contact_method_gets_a_test_message_and_the_report_names_each(
    tmp_path, env, twilio_peer, smtp_server
):
    result = notify(tmp_path, env, PERSON)

    assert result.exit_code == 0, result.output
    sms = [m for m in twilio_peer.messages.values() if m["direction"] == "outbound-api"]
    assert [m["to"] for m in sms] == [MOBILE] and "调度台测试消息" in sms[0][
        "body"
    ]  # she reads Chinese
    assert sorted(c["to"] for c in twilio_peer.calls.values()) == [MOBILE, DESK_PHONE]
    (mail,) = smtp_server.messages
    assert mail["To"].addresses[0].addr_spec == EMAIL
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Li Na") and lines[0].endswith(f"({PERSON}):")
    for contact, channel, status in [
        (MOBILE, "sms", "queued"),
        (MOBILE, "voice", "queued"),
        (DESK_PHONE, "voice", "queued"),
        (EMAIL, "email", "sent"),
    ]:
        assert any(
            contact in line and f" {channel} " in line and status in line for line in lines
        ), (contact, channel)
    assert "  channel webhook disabled: DISPATCHER_WEBHOOK_URL is not set" in lines
    assert (
        env["TWILIO_AUTH_TOKEN"] not in result.output and env["SMTP_PASSWORD"] not in result.output
    )


def test_the_json_report(tmp_path, env, twilio_peer, smtp_server):
    twilio_peer.reject(DESK_PHONE, code=21211)

    result = notify(tmp_path, env, PERSON, "--json")

    assert result.exit_code == 1  # one contact method was not reached
    report = json.loads(result.stdout)
    assert report["person"] == PERSON
    outcomes = {(o["contact"], o["channel"]): o["receipt"] for o in report["outcomes"]}
    assert set(outcomes) == {
        (MOBILE, "sms"),
        (MOBILE, "voice"),
        (DESK_PHONE, "voice"),
        (EMAIL, "email"),
    }
    assert outcomes[(MOBILE, "sms")]["provider_id"] in twilio_peer.messages
    assert outcomes[(EMAIL, "email")]["status"] == "sent"
    refused = outcomes[(DESK_PHONE, "voice")]
    assert (refused["ok"], refused["failure"], refused["error_code"]) == (
        False,
        "permanent",
        "21211",
    )
    assert {
        "channel": "webhook",
        "plugin": "webhook",
        "reason": "DISPATCHER_WEBHOOK_URL is not set",
    } in report["disabled"]


def test_an_unknown_person_is_one_line_and_exit_2(tmp_path, env, twilio_peer, smtp_server):
    result = notify(tmp_path, env, "nobody")

    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: 'PERSON': no person 'nobody' in {ROSTER}; ")
    assert not twilio_peer.requests and not smtp_server.messages


def test_a_channel_without_credentials_is_reported_disabled_not_a_crash(
    tmp_path, env, twilio_peer, smtp_server
):
    env = {**env, "SMTP_USER": "", "SMTP_PASSWORD": ""}

    text = notify(tmp_path, env, PERSON)
    as_json = notify(tmp_path, env, PERSON, "--json")

    assert text.exit_code == as_json.exit_code == 1
    assert isinstance(text.exception, SystemExit) and "Traceback" not in text.output
    assert (
        "  channel email disabled: SMTP_USER, SMTP_PASSWORD are not set" in text.stdout.splitlines()
    )
    assert any(
        EMAIL in line and "skipped: no enabled channel reaches it" in line
        for line in text.stdout.splitlines()
    )
    report = json.loads(as_json.stdout)
    assert {
        "channel": "email",
        "plugin": "email",
        "reason": "SMTP_USER, SMTP_PASSWORD are not set",
    } in report["disabled"]
    reached = {
        (o["contact"], o["channel"])
        for o in report["outcomes"]
        if o["receipt"] and o["receipt"]["ok"]
    }
    assert reached == {(MOBILE, "sms"), (MOBILE, "voice"), (DESK_PHONE, "voice")}
    assert not smtp_server.messages


def test_asking_for_a_disabled_channel_is_exit_2_with_its_reason(tmp_path, env):
    result = notify(tmp_path, {**env, "TWILIO_FROM": ""}, PERSON, "--channel", "sms")

    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: channel 'sms' cannot be used: TWILIO_FROM is not set"


def test_a_channel_that_raises_is_one_failed_line_with_no_secret(
    tmp_path, env, twilio_peer, smtp_server, monkeypatch
):
    from dispatcher_sms.channel import SmsChannel

    async def leaky_send(self, notification):
        raise RuntimeError(f"proxy refused AC:{env['TWILIO_AUTH_TOKEN']}")

    monkeypatch.setattr(SmsChannel, "send", leaky_send)
    result = notify(tmp_path, env, PERSON)

    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    [line] = [line for line in result.stdout.splitlines() if " sms " in line]
    assert "FAILED" in line and "proxy refused" in line
    assert env["TWILIO_AUTH_TOKEN"] not in result.output
    assert any(" email " in line and "sent" in line for line in result.stdout.splitlines())
