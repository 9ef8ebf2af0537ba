"""A provider's own words stay as it said them in every language (PROMISES 2, 7): only our
sentence around them is said in Chinese (`dispatcher.i18n.shapes.said`). The words are real
Twilio and SMTP answers, as the sms, voice and email channels quote them, and the loopback
peers' (`dispatcher.testing`); each is said bare, in the channel's line, and inside every
line of ours that quotes a channel's line (what became of a page, a drill's fixes, a channel
disabled), with and without the provider's error code before it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from dispatcher.cli import cli
from dispatcher.i18n.phrases import phrase
from dispatcher.i18n.shapes import said
from tests.engine.conftest import night, night_environ  # noqa: F401 (fixtures)
from tests.engine.test_chase import start

ANSWERS = (
    # Twilio (twilio-python's TwilioRestException.msg), codes 21211, 21610, 21614, 21608,
    # 21408, 20003, 20404, 21602, and the loopback peer's
    "Unable to create record: The 'To' number +15005550001 is not a valid phone number.",
    "Unable to create record: Attempt to send to unsubscribed recipient",
    "Unable to create record: 'To' number is not a valid mobile number",
    "Unable to create record: The number +8613800138000 is unverified. Trial accounts cannot "
    "send messages to unverified numbers; verify +8613800138000 at twilio.com/user/account/"
    "phone-numbers/verified, or purchase a Twilio number to send messages to unverified numbers",
    "Unable to create record: Permission to send an SMS has not been enabled for the region "
    "indicated by the 'To' number: +8613800138000.",
    "Unable to create record: Authenticate",
    "Unable to fetch record: The requested resource /2010-04-01/Accounts/AC123/Messages/SM1.json "
    "was not found",
    "Unable to create record: Message body is required.",
    "Unable to create record: Too Many Requests",
    "Unable to create record: Internal Server Error",
    "HTTP 500 error: Unable to create record: Internal Server Error",
    # SMTP replies (aiosmtplib's message, its code apart), the loopback server's first
    "5.1.1 Mailbox unavailable",
    "4.3.0 Mailbox temporarily unavailable",
    "SMTP 550: Mailbox unavailable",
    "5.1.1 <chen@example.org>: Recipient address rejected: User unknown in virtual mailbox table",
    "5.7.8 Error: authentication failed: authentication failure",
    "5.7.1 Relaying denied; sender is not allowed to send here",
    "4.7.0 Temporary System Problem. Try again later (10). a1si2093",
    "5.7.0 Authentication Required. Learn more at https://support.google.com/mail/?p=WantAuthError",
    "5.4.1 Recipient address rejected: Access denied. AS(201806281) [DB8EUR05FT011.eop-eur05]",
    "Connection refused: failed 03:10:00: delivered",
    # what the channels quote of a connection that failed (the exception's words)
    "ConnectionRefusedError [Errno 111] Connect call failed ('127.0.0.1', 587)",
    "ClientConnectorError Cannot connect to host 127.0.0.1:9 ssl:default [Connection refused]",
    "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate "
    "(_ssl.c:1006)",
    "SMTP AUTH extension not supported by server.",
)
# A provider's answer that is word for word one of our sentences: alone, nothing tells them
# apart; quoted by a channel, it is the provider's.
LIKE_OURS = ("never", "nothing", "sent 03:10 (queued)", "no answer")
CHANNEL_LINES = (
    "{answer}",
    "Twilio refused (400): {answer}",
    "cannot reach Twilio: {answer}",
    "mailbox refused (550): {answer}",
    "login refused (535): {answer}",
    "mail server refused (451): {answer}",
    "unexpected answer from Twilio: {answer}",
    "TLS with smtp.example.org failed: {answer}",
    "cannot reach smtp.example.org:587: {answer}",
    "smtp.example.org:587 cannot be used: {answer}",
)
OUR_LINES = (
    "{line}",
    "21211 {line}",
    "failed 03:10:00: {line}",
    "failed 03:10:00: 21211 {line}",
    "cancelled 03:10:00: {line}",
    "retry at 03:12:00 after: 20500 {line}",
    "retry at 03:12:00 after: {line}",
    "Chen Jie: +12125550103 is a wrong number (the carrier rejected it, {line}): correct it "
    "in the roster",
    "Chen Jie: +12125550103 cannot take SMS ({line}): make it kind: voice and add a mobile",
    "Chen Jie: sms to +12125550103 failed ({line})",
    "channel sms is disabled here: {line}",
)


@pytest.mark.parametrize("answer", ANSWERS + LIKE_OURS)
@pytest.mark.parametrize("channel", CHANNEL_LINES)
def test_a_providers_words_are_kept_whole_in_every_line_that_quotes_them(answer, channel):
    line = channel.format(answer=answer)
    for ours in OUR_LINES:
        text = ours.format(line=line)
        chinese = said(text, "zh")
        if channel != "{answer}" or answer not in LIKE_OURS:
            assert answer in chinese, f"{text!r} -> {chinese!r}"
        ours_words = any(c.isalpha() for c in (ours + channel).replace("{line}", "")[:-8])
        if ours_words:  # our own words: said in Chinese
            assert chinese != text, text
    if answer not in LIKE_OURS:
        assert said(answer, "zh") == answer


def test_our_sentence_around_the_words_is_chinese():
    answer = "Unable to create record: The 'To' number +15005550001 is not a valid phone number."
    chinese = said(f"failed 03:10:00: 21211 Twilio refused (400): {answer}", "zh")
    assert chinese.endswith(f"Twilio 拒绝(400):{answer}"), chinese
    assert "21211" in chinese and "failed" not in chinese


async def test_chain_show_in_chinese_keeps_twilios_words(night):  # noqa: F811
    """Through the engine, the real sms channel and the loopback Twilio peer."""
    night.peer.reject("+12125550103", code=21211)  # He Lin's mobile: not a valid number
    sr = start(night, "twice-named")
    await night.engine.run_once()
    for _ in range(3):
        await night.clock.advance(timedelta(minutes=1))
        await night.engine.run_once()
    shown = CliRunner().invoke(
        cli, ["--lang", "zh", "chain", "show", sr.id, "--data", str(night.store.data_dir)]
    )
    assert shown.exit_code == 0, shown.output
    words = "The 'To' number +12125550103 is not a valid phone number."
    assert f"Twilio 拒绝(400):Unable to create record: {words}" in shown.output, shown.output


@pytest.mark.parametrize("answer", ANSWERS + LIKE_OURS)
@pytest.mark.parametrize("channel", CHANNEL_LINES[1:])
def test_a_timeline_line_keeps_the_providers_words(answer, channel):
    """What the engine writes on the timeline of a page that failed (`phrase`)."""
    line = channel.format(answer=answer)
    for text in (
        f"sms to he.pl: {line}",
        f"sms to he.pl: 21211 {line}",
        f"email to chen.case: {line} (gave up after 3 attempts)",
    ):
        chinese = phrase(text, "zh")
        assert answer in chinese and chinese != text, f"{text!r} -> {chinese!r}"
