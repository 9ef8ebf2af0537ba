"""Chinese and mixed subjects survive the trip: sent to a real SMTP server, parsed back equal."""

import re
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from dispatcher_email import EmailChannel, SmtpConfig
from dispatcher_email.channel import subject_line
from dispatcher_email.headers import POLICY
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatcher.domain.roster import ContactKind
from dispatcher.plugins import Settings
from dispatcher.testing.builders import sample_notification

ENCODED_WORD = re.compile(rb"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
SR = "SR-20261124-0007"
SUMMARIES = [
    "计费 话单 丢失",  # the space a fold used to swallow
    "计费功能丢失,计费系统故障(丢失话单数据)导致运营商收入损失,请立即处理",  # no space at all
    "核心网 MSC 全部处理能力丢失 (北京移动, CN-BJ-01, UMS) 大量用户投诉",
    "VIP 客户 工商银行 数据中心 链路 中断 🚨 媒体 可能 介入",
    "billing lost: 话单 丢失 € 50,000 per hour",
    "急救、火警、报警等通信中断" * 4,
    "a" * 40 + "计" + " b" * 20,
    "计 " * 60,
]


def notification(summary, language="zh", drill=False):
    what = "紧急事件 严重" if language == "zh" else "EMERGENCY critical"
    return sample_notification(
        "li.wei@example.org",
        ContactKind.EMAIL,
        language=language,
        drill=drill,
        short_text=f"{SR} {what}: {summary}",
    )


def folded(subject: str) -> bytes:
    message = EmailMessage(policy=POLICY)
    message["Subject"] = subject
    return message.as_bytes(policy=policy.SMTP)


def check_wire(raw: bytes, intended: str) -> None:
    header = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(word) <= 75 for word in ENCODED_WORD.findall(header)), header
    assert all(len(line) <= 78 for line in header.split(b"\r\n")), header
    assert str(message_from_bytes(raw, policy=policy.default)["Subject"]) == intended


@pytest.mark.parametrize("summary", SUMMARIES)
@pytest.mark.parametrize(("language", "drill"), [("zh", False), ("zh", True), ("en", True)])
async def test_subjects_parse_back_as_intended_through_a_real_server(
    smtp_settings, smtp_server, summary, language, drill
):
    page = notification(summary, language, drill)
    intended = subject_line(page)
    channel = EmailChannel(SmtpConfig.from_settings(Settings(smtp_settings)))

    receipt = await channel.send(page)
    await channel.close()

    assert receipt.ok
    (received,) = smtp_server.messages
    assert str(received["Subject"]) == intended
    check_wire(smtp_server.raw_messages[0], intended)
    assert SR in intended and len(intended) <= 60


def test_a_summary_without_spaces_is_cut_by_characters_and_kept():
    subject = subject_line(notification(SUMMARIES[1]))

    assert subject == f"{SR} 紧急事件 严重: {SUMMARIES[1]}"[:59] + "…"


def test_an_english_subject_is_cut_at_a_word_near_the_end():
    text = "SR-1 EMERGENCY: " + "core network down in the north region " * 3

    subject = subject_line(sample_notification(short_text=text))

    assert len(subject) <= 60 and subject.endswith("…")
    assert text.startswith(subject[:-1]) and text[len(subject) - 1] == " "


def test_the_cut_never_splits_a_character():
    text = SR + " " + "🇨🇳e\u0301" * 30

    subject = subject_line(sample_notification(short_text=text))

    assert not subject[:-1].endswith("e") and subject.endswith("…")


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("计费话单 紧急事件abcXYZ:,()-€🚨é")), max_size=200))
def test_any_subject_folds_into_short_encoded_words_and_reads_back(text):
    intended = " ".join(text.split())

    check_wire(folded(intended), intended)
