"""The email channel against a real SMTP server on 127.0.0.1 (STARTTLS or implicit TLS, AUTH)."""

import asyncio
import logging
from email.utils import parsedate_to_datetime

import aiosmtplib
import pytest
from dispatcher_email import EmailChannel, SmtpConfig

from dispatcher.domain.roster import ContactKind
from dispatcher.plugins import DeliveryStatus, Failure, PluginManager, Settings
from dispatcher.testing.builders import sample_notification
from dispatcher.testing.smtp_server import LoopbackSMTPServer, free_port
from dispatcher.testing.waiting import wait_for_async

ADDRESS = "li.wei@example.org"


def mail(address=ADDRESS, **options):
    return sample_notification(address, ContactKind.EMAIL, **options)


def channel_for(settings, clock=None):
    return EmailChannel(SmtpConfig.from_settings(Settings(settings)), clock=clock)


async def test_a_mail_is_sent_with_the_headers_a_mail_client_needs(
    smtp_settings, smtp_server, controllable_clock
):
    receipt = await channel_for(smtp_settings, controllable_clock).send(mail())

    assert receipt.ok and receipt.status is DeliveryStatus.SENT
    (message,) = smtp_server.messages
    assert message["From"] == "Dispatch Desk <desk@example.org>"
    (recipient,) = message["To"].addresses
    assert (recipient.display_name, recipient.addr_spec) == ("Li Wei (李伟)", ADDRESS)
    assert message["Subject"] == "SR-20261124-0007 EMERGENCY: core network down"
    assert parsedate_to_datetime(message["Date"]) == controllable_clock.now()
    assert message["Message-ID"] == receipt.provider_id
    assert "Acknowledgement code: 4821" in message.get_content()
    assert smtp_server.envelopes == [("desk@example.org", (ADDRESS,))]


async def test_a_chinese_drill_mail_is_utf8_and_marked(smtp_settings, smtp_server):
    await channel_for(smtp_settings).send(mail(language="zh", drill=True))

    (message,) = smtp_server.messages
    assert message["Subject"].startswith("【演练】")
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert (
        body.startswith("*** 演练") and "核心网全部处理能力丢失" in body and "确认码:4821" in body
    )


async def test_implicit_tls_works_too():
    with LoopbackSMTPServer(tls="implicit") as server:
        settings = {
            "SMTP_HOST": server.host,
            "SMTP_PORT": str(server.port),
            "SMTP_USER": server.user,
            "SMTP_PASSWORD": server.password,
            "SMTP_FROM": "desk@example.org",
            "SMTP_TLS": "implicit",
            "SMTP_CA_FILE": str(server.ca_file),
        }
        receipt = await channel_for(settings).send(mail())
        assert receipt.ok and len(server.messages) == 1


async def test_a_refused_mailbox_is_permanent(smtp_settings, smtp_server):
    smtp_server.refuse(ADDRESS)

    receipt = await channel_for(smtp_settings).send(mail())

    assert (receipt.failure, receipt.error_code) == (Failure.PERMANENT, "550")
    assert "Mailbox unavailable" in receipt.detail and not smtp_server.messages


async def test_a_temporary_refusal_is_transient(smtp_settings, smtp_server):
    smtp_server.defer(ADDRESS)

    receipt = await channel_for(smtp_settings).send(mail())

    assert (receipt.failure, receipt.error_code) == (Failure.TRANSIENT, "451")


async def test_a_refused_connection_is_transient(smtp_settings):
    receipt = await channel_for({**smtp_settings, "SMTP_PORT": str(free_port())}).send(mail())

    assert receipt.failure is Failure.TRANSIENT and "cannot reach 127.0.0.1" in receipt.detail


async def test_a_certificate_nobody_vouches_for_is_permanent(smtp_settings):
    settings = {k: v for k, v in smtp_settings.items() if k != "SMTP_CA_FILE"}

    receipt = await channel_for(settings).send(mail())

    assert receipt.failure is Failure.PERMANENT and "TLS" in receipt.detail


async def test_a_wrong_password_is_permanent_and_never_shown(smtp_settings, smtp_server, caplog):
    wrong = "wrong-password-8d41c7e2"
    channel = channel_for({**smtp_settings, "SMTP_PASSWORD": wrong})
    caplog.set_level(logging.DEBUG)

    receipt = await channel.send(mail())
    health = await channel.check()

    assert (receipt.failure, receipt.error_code) == (Failure.PERMANENT, "535")
    assert not health.ok and smtp_server.failed_logins > 0 and not smtp_server.messages
    for text in (receipt.detail, repr(receipt), health.detail, caplog.text, repr(channel.config)):
        assert wrong not in text


async def test_check_logs_in(smtp_settings):
    assert (await channel_for(smtp_settings).check()).ok


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        ({}, "SMTP_HOST, SMTP_USER, SMTP_PASSWORD, SMTP_FROM are not set"),
        (
            {
                "SMTP_HOST": "mail",
                "SMTP_USER": "u",
                "SMTP_PASSWORD": "p",
                "SMTP_FROM": "d@x.org",
                "SMTP_TLS": "none",
            },
            "SMTP_TLS must be starttls or implicit",
        ),
    ],
)
def test_incomplete_settings_disable_the_channel(settings, reason):
    (info,) = [c for c in PluginManager(environ=settings).load().channel_infos if c.name == "email"]

    assert (info.enabled, info.reason) == (False, reason)


async def test_mails_share_a_few_logged_in_connections(smtp_settings, smtp_server):
    channel = channel_for({**smtp_settings, "SMTP_POOL_SIZE": "3"})

    one_by_one = [await channel.send(mail(f"p{i}@example.org")) for i in range(5)]
    together = await asyncio.gather(*(channel.send(mail(f"q{i}@example.org")) for i in range(20)))
    await channel.close()

    assert all(r.ok for r in one_by_one + list(together)) and len(smtp_server.messages) == 25
    assert channel.connections_opened == smtp_server.logins <= 3


async def test_a_refused_mailbox_leaves_the_connection_usable(smtp_settings, smtp_server):
    smtp_server.refuse("gone@example.org")
    channel = channel_for(smtp_settings)

    refused = await channel.send(mail("gone@example.org"))
    sent = await channel.send(mail())
    await channel.close()

    assert refused.failure is Failure.PERMANENT and sent.ok
    assert smtp_server.envelopes == [("desk@example.org", (ADDRESS,))] and smtp_server.logins == 1


async def test_a_connection_the_server_closed_while_idle_is_replaced():
    with LoopbackSMTPServer(idle_timeout=0.2) as server:
        channel = channel_for(
            {
                "SMTP_HOST": server.host,
                "SMTP_PORT": str(server.port),
                "SMTP_USER": server.user,
                "SMTP_PASSWORD": server.password,
                "SMTP_FROM": "desk@example.org",
                "SMTP_CA_FILE": str(server.ca_file),
            }
        )
        first = await channel.send(mail())
        await wait_for_async(
            lambda: server.connections_closed == 1,
            timeout=30,
            what="the server hung up on the idle connection",
        )
        second = await channel.send(mail())
        await channel.close()

        assert first.ok and second.ok and len(server.messages) == 2
        assert channel.connections_opened == server.logins == 2


async def test_a_connection_found_dead_when_used_is_replaced_and_the_mail_sent_once(
    smtp_settings, smtp_server
):
    channel = channel_for(smtp_settings)
    assert (await channel.send(mail())).ok
    ((stale, _),) = channel._idle

    async def dropped(*args, **kwargs):  # what a connection a NAT forgot answers
        raise aiosmtplib.SMTPServerDisconnected("Server disconnected unexpectedly")

    stale.send_message = dropped
    receipt = await channel.send(mail())
    await channel.close()

    assert receipt.ok and len(smtp_server.messages) == 2 and channel.connections_opened == 2


async def test_a_pool_size_must_be_a_number(smtp_settings):
    (info,) = [
        c
        for c in PluginManager(environ={**smtp_settings, "SMTP_POOL_SIZE": "0"}).channel_infos
        if c.name == "email"
    ]

    assert (info.enabled, info.reason) == (
        False,
        "SMTP_POOL_SIZE must be a whole number of 1 or more",
    )
