"""What a notification says, in the recipient's language: a page, an SLA warning, a CSQ notice.

Each message has three forms: `short` fits one SMS beside "Reply 1234 to acknowledge" and a
drill mark; `long` is an email body; `spoken` is read out twice on a call. The engine adds
the code and the drill mark to every form (`dispatcher.engine.compose`), so the texts here
never do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dispatcher.domain.requests import ServiceRequest

SHORT_LIMIT = 110  # leaves room in one SMS for the reply instruction and a drill mark


@dataclass(frozen=True)
class Message:
    short: str
    long: str
    spoken: str


def _cut(text: str, limit: int = SHORT_LIMIT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _where(sr: ServiceRequest, zh: bool) -> str:
    parts = [sr.customer.name, sr.site, sr.product]
    return ("，" if zh else ", ").join(p for p in parts if p)


def page(sr: ServiceRequest, language: str, step_label: str) -> Message:
    """The call-out page: what is wrong, where, and that someone must own it."""
    zh = language == "zh"
    if zh:
        what = "紧急事件" if sr.is_emergency else "服务请求"
        short = _cut(f"{sr.id} {what} {sr.severity.value}: {sr.summary} ({_where(sr, True)})")
        long = (
            f"{what} {sr.id}\n摘要:{sr.summary}\n客户:{sr.customer.name or '-'}\n"
            f"站点:{sr.site or '-'}  产品:{sr.product or '-'}  级别:{sr.severity.value}\n"
            f"紧急事件条件:{', '.join(sr.criteria) or '-'}\n呼叫进度:{step_label}\n"
            "请回复确认码或致电客户服务中心确认接手。"
        )
        spoken = f"{what}。{sr.customer.name or ''}。{sr.summary}。请确认接手。"
        return Message(short, long, spoken)
    what = "EMERGENCY" if sr.is_emergency else "Service request"
    short = _cut(f"{sr.id} {what} {sr.severity.value}: {sr.summary} ({_where(sr, False)})")
    long = (
        f"{what} {sr.id}\nSummary: {sr.summary}\nCustomer: {sr.customer.name or '-'}"
        f"{' (VIP ' + sr.customer.vip.value + ')' if sr.customer.vip else ''}\n"
        f"Site: {sr.site or '-'}  Product: {sr.product or '-'}  Severity: {sr.severity.value}\n"
        f"Emergency criteria: {', '.join(sr.criteria) or '-'}\nCall-out: {step_label}\n"
        "Acknowledge with the code below, or call the CSC desk, to own this request."
    )
    spoken = (
        f"{what} for {sr.customer.name or 'a customer'}. {sr.summary}. "
        "Please acknowledge and call the service centre desk."
    )
    return Message(short, long, spoken)


def drill_over(sr: ServiceRequest, language: str, reason: str) -> Message:
    """Sent to everyone already paged when a drill ends early: nothing more to do."""
    if language == "zh":
        text = f"{sr.id} 演练已结束,无需处理。"
        return Message(text, f"{text}\n原因:{reason}", text)
    text = f"{sr.id} The drill is over. No action needed."
    return Message(text, f"{text}\nReason: {reason}", text)


def status_update(sr: ServiceRequest, language: str, by: str) -> Message:
    """Sent to everyone else already paged when someone acknowledged: the site is covered."""
    if language == "zh":
        text = _cut(f"{sr.id} 已由 {by} 接手,无需前往。")
        return Message(text, f"{text}\n摘要:{sr.summary}", text)
    text = _cut(f"{sr.id} taken by {by}. You need not act or come.")
    return Message(text, f"{text}\nSummary: {sr.summary}", text)


def sla_warning(
    sr: ServiceRequest, language: str, clock: str, breached: bool, deadline: datetime
) -> Message:
    """An SLA clock near its deadline, or past it, to the people who own the request."""
    due = f"{deadline:%Y-%m-%d %H:%M} UTC"
    if language == "zh":
        names = {"response": "响应", "restore": "恢复", "resolve": "解决"}
        state = "已超时" if breached else "即将超时"
        short = _cut(f"{sr.id} SLA {names.get(clock, clock)}{state}(期限 {due}):{sr.summary}")
        return Message(short, f"{short}\n客户:{sr.customer.name or '-'}", short)
    state = "BREACHED" if breached else "near breach"
    short = _cut(f"{sr.id} SLA {clock} {state} (due {due}): {sr.summary}")
    return Message(short, f"{short}\nCustomer: {sr.customer.name or '-'}", short)


def red_flag_notice(sr: ServiceRequest, language: str, opened: bool) -> Message:
    """CSQ's notice that a Red Flag opened (an emergency) or closed (its SR resolved)."""
    if language == "zh":
        state = "红旗已开启" if opened else "红旗已关闭"
        short = _cut(f"{sr.id} {state}:{sr.summary}")
        return Message(short, f"{short}\n紧急事件条件:{', '.join(sr.criteria)}", short)
    state = "Red Flag opened" if opened else "Red Flag closed"
    short = _cut(f"{sr.id} {state}: {sr.summary}")
    return Message(short, f"{short}\nEmergency criteria: {', '.join(sr.criteria)}", short)


def reachability_check(audit_id: str, language: str) -> Message:
    """The audit's "are you reachable" message; acknowledging it confirms the contact method."""
    if language == "zh":
        text = f"{audit_id} 客户服务中心联系方式核查:请回复确认码,证明此联系方式可用。"
        return Message(text, text + "\n无需其他操作。", "客户服务中心联系方式核查。请确认。")
    text = f"{audit_id} Reachability check from the CSC desk: please acknowledge this message."
    return Message(
        text,
        text + "\nNo other action is needed.",
        "This is a reachability check from the service centre desk. Please acknowledge.",
    )
