"""Page texts in Chinese carry no English word: every word is the catalogue's or the request's."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from dispatcher.domain import messages
from dispatcher.domain.callout import Position
from dispatcher.domain.request_parts import Category, Customer, Severity, VipKind
from dispatcher.domain.requests import ServiceRequest

AT = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)
KEPT = {"SR", "SLA", "VIP", "CSC", "CSQ", "UTC", "AUDIT"}
SR = ServiceRequest(
    "SR-20261124-0007",
    AT,
    Category.FAULT_SUPPORT,
    "计费话单丢失",
    severity=Severity.CRITICAL,
    customer=Customer("中国示例银行", VipKind.BANK),
    site="上海",
    product="计费系统",
    criteria=("7", "9"),
)


def english_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text)) - KEPT


@pytest.mark.parametrize(
    "message",
    [
        messages.page(SR, "zh", Position(1, 0).label("zh")),
        messages.drill_over(SR, "zh", "演练中止"),
        messages.sla_warning(SR, "zh", "restore", True, AT),
        messages.sla_warning(SR, "zh", "response", False, AT),
        messages.red_flag_notice(SR, "zh", True),
        messages.reachability_check("AUDIT-20261124-1", "zh"),
    ],
)
def test_chinese_messages_carry_no_english_word(message):
    for text in (message.short, message.long, message.spoken):
        assert not english_words(text), text


def test_a_chinese_page_names_severity_step_and_vip_in_chinese():
    page = messages.page(SR, "zh", Position(1, 0).label("zh"))

    assert page.short.startswith("SR-20261124-0007 紧急事件 严重:计费话单丢失(")
    assert "呼叫进度:第 2 轮第 1 步" in page.long and "(VIP:银行)" in page.long


def test_the_english_page_is_unchanged_in_shape():
    page = messages.page(SR, "en", Position(0, 0).label())

    assert page.short.startswith("SR-20261124-0007 EMERGENCY critical: ")
    assert "Call-out: round 1, step 1" in page.long and "(VIP bank)" in page.long


def test_an_sla_warning_gives_its_deadline_in_utc_as_it_says_whatever_zone_it_came_in():
    due = datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # typed at the CSC
    text = messages.sla_warning(SR, "en", "response", False, due).short
    assert "due 2026-11-25 00:00 UTC" in text
