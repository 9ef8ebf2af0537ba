"""The emergency definition (紧急事件): twelve base criteria, plus what a BD adds.

Any one criterion makes an SR an emergency, whatever its category. A business division may
add product-specific criteria; it can never remove a base one.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.errors import DispatcherError


@dataclass(frozen=True)
class Criterion:
    """One emergency criterion: an id ("1".."12" for the base ones) and its text in both languages."""

    id: str
    en: str
    zh: str

    def text(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


BASE_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "1",
        "System fault that loses all processing capability (call processing, data transmission)",
        "导致所有处理能力丢失的系统故障",
    ),
    Criterion("2", "Network operation seriously affected", "网络运行受到严重影响"),
    Criterion(
        "3",
        "Loss of any critical security or critical business capability",
        "任何关键安全保障能力或关键业务能力丧失",
    ),
    Criterion(
        "4",
        "Recurrence of a fault serious enough to count as a major accident",
        "一次故障现象的重现,足以构成重大事故的",
    ),
    Criterion(
        "5",
        "Fault beyond the SLA affecting a large number of circuits, channels or users",
        "故障超出SLA约定范围,并使大量电路/通道/用户受到影响",
    ),
    Criterion(
        "6",
        "Part of the system out of service; the operator receives many user complaints",
        "部分系统退出服务导致运营商收到大量用户投诉",
    ),
    Criterion(
        "7",
        "Billing lost or billing system fault (call records lost); the operator loses revenue",
        "计费功能丢失,计费系统故障(丢失话单数据)",
    ),
    Criterion(
        "8",
        "System cannot be accessed for maintenance or recovery, or important alarms are lost",
        "无法访问系统进行维护或恢复操作,重要告警能力丧失",
    ),
    Criterion(
        "9",
        "Important customers or VIPs affected: government, large enterprises, banks, stock exchanges",
        "重要客户或VIP受到影响",
    ),
    Criterion(
        "10",
        "Emergency-service communications interrupted: ambulance, fire, police",
        "急救、火警、报警等通信中断",
    ),
    Criterion("11", "The media are or may become involved", "将涉及媒体或可能会涉及媒体"),
    Criterion("12", "The customer considers it urgent", "客户认为紧急的事件"),
)

BASE_BY_ID: dict[str, Criterion] = {c.id: c for c in BASE_CRITERIA}


def criteria_for(extra: tuple[Criterion, ...] = ()) -> tuple[Criterion, ...]:
    """The base criteria followed by a product's own; an added one never replaces a base one."""
    return BASE_CRITERIA + tuple(c for c in extra if c.id not in BASE_BY_ID)


def check_criteria(criteria: tuple[str, ...], extra_ids: frozenset[str] | None = None) -> None:
    """Criteria are base ("1".."12") or, when the product's own are known, one of those."""
    for criterion in criteria:
        if criterion in BASE_BY_ID:
            continue
        if extra_ids is not None and criterion not in extra_ids:
            known = ", ".join(sorted(extra_ids)) or "none"
            raise DispatcherError(
                f"unknown emergency criterion '{criterion}' (base 1-12; this product's: {known})"
            )
        if extra_ids is None and criterion.isdigit():
            raise DispatcherError(
                f"unknown emergency criterion '{criterion}' (base criteria are 1-12)"
            )
