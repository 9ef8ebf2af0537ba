"""Every action of the desk, once: its key binding (with an id users can remap), its words in
both languages, and its tooltip. Screens take their `BINDINGS` from here, the command palette
lists the same commands, and `?` shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode


@dataclass(frozen=True)
class Command:
    id: str  # "<scope>.<name>": the binding id, for keymaps
    key: str
    action: str
    en: str
    zh: str
    tip_en: str
    tip_zh: str
    show: bool = True  # in the footer

    @property
    def scope(self) -> str:
        return self.id.split(".", 1)[0]

    def text(self, language: str) -> str:
        return self.zh if language == "zh" else self.en

    def tip(self, language: str) -> str:
        return self.tip_zh if language == "zh" else self.tip_en

    def binding(self, language: str) -> Binding:
        return Binding(
            self.key,
            self.action,
            self.text(language),
            show=self.show,
            id=self.id,
            tooltip=self.tip(language),
        )


C = Command
COMMANDS: tuple[Command, ...] = (
    C(
        "app.quit",
        "q",
        "app.quit_desk",
        "Quit",
        "退出",
        "Leave the desk (asks first while this desk runs chains)",
        "离开调度台(本台运行呼叫链时会先确认)",
    ),
    C(
        "app.keys",
        "question_mark",
        "app.show_keys",
        "Keys",
        "按键",
        "Show every key",
        "显示所有按键",
    ),
    C(
        "app.language",
        "ctrl+l",
        "app.switch_language",
        "中文/English",
        "English/中文",
        "Switch the interface language",
        "切换界面语言",
        show=False,
    ),
    C(
        "app.theme",
        "ctrl+t",
        "app.next_theme",
        "Theme",
        "主题",
        "Next colour theme (all readable at night)",
        "切换配色(夜间可读)",
        show=False,
    ),
    C(
        "board.new",
        "n",
        "new_request",
        "New SR",
        "新建",
        "Register a new service request",
        "登记新的服务请求",
    ),
    C(
        "board.open",
        "enter",
        "open_request",
        "Open",
        "打开",
        "Open the request under the cursor",
        "打开光标所在的请求",
    ),
    C(
        "board.search",
        "slash",
        "search",
        "Search",
        "搜索",
        "Search by id, customer, site or summary",
        "按编号、客户、站点或摘要搜索",
    ),
    C(
        "board.filter",
        "f",
        "next_filter",
        "Filter",
        "筛选",
        "Cycle: all, emergencies, SLA late, nobody acknowledged, drills",
        "轮换:全部、紧急事件、SLA 超时、无人确认、演练",
    ),
    C(
        "board.oncall",
        "o",
        "on_call",
        "On call",
        "值班",
        "Who is on call now and next; gaps",
        "当前与下一班值班人员;可达缺口",
    ),
    C(
        "board.outbox",
        "b",
        "outbox",
        "Outbox",
        "发件箱",
        "Every notification of the night",
        "今晚的所有通知",
    ),
    C(
        "board.refresh",
        "r",
        "refresh_board",
        "Refresh",
        "刷新",
        "Read the store again now",
        "立即重新读取",
        show=False,
    ),
    C(
        "board.callbacks",
        "k",
        "callbacks",
        "Callbacks",
        "回访",
        "The callback (回访) queue: resolved requests waiting for their call",
        "回访队列:已解决、等待回访的请求",
    ),
    C(
        "board.handover",
        "h",
        "handover",
        "Handover",
        "交接班",
        "The shift handover, printable as Markdown",
        "交接班报告,可存为 Markdown",
    ),
    C(
        "board.reports",
        "g",
        "reports",
        "Reports",
        "报表",
        "Service figures with charts; export md, csv, json",
        "服务统计图表;导出 md、csv、json",
    ),
    C(
        "board.drills",
        "d",
        "drills",
        "Drills",
        "演练",
        "Run or watch a drill of the call-out chain",
        "运行或查看呼叫链演练",
    ),
    C(
        "board.log",
        "l",
        "log",
        "Log",
        "日志",
        "Tonight's log: pages, deliveries, acknowledgements, failures",
        "今晚的日志:呼叫、送达、确认、失败",
        show=False,  # listed by ? and the palette; the board's footer is full
    ),
    C("log.back", "escape", "app.pop_screen", "Back", "返回", "Back to the board", "返回看板"),
    C(
        "detail.ack",
        "a",
        "acknowledge",
        "Ack",
        "确认",
        "Acknowledge for someone who confirmed by phone",
        "代已电话确认的人确认",
    ),
    C(
        "detail.escalate",
        "e",
        "escalate",
        "Escalate",
        "升级",
        "Page the next step of the chain now",
        "立即呼叫呼叫链的下一步",
    ),
    C(
        "detail.repage",
        "p",
        "repage",
        "Re-page",
        "重呼",
        "Page the current step again",
        "再次呼叫当前步骤",
    ),
    C(
        "detail.start",
        "s",
        "start_chain",
        "Start chain",
        "启动呼叫",
        "Start the request's call-out chain now",
        "立即启动该请求的呼叫链",
    ),
    C(
        "detail.note",
        "m",
        "note",
        "Note",
        "备注",
        "Add a note to the timeline",
        "在时间线上添加备注",
    ),
    C(
        "detail.reassign",
        "r",
        "reassign",
        "Reassign",
        "改派",
        "Give the request to another unit or person",
        "改派给其他单位或人员",
    ),
    C(
        "detail.level",
        "l",
        "raise_level",
        "Level up",
        "升级别",
        "Escalate the support level (L1 → L2 → L3)",
        "提升支持级别(L1 → L2 → L3)",
    ),
    C(
        "detail.resolve",
        "v",
        "resolve",
        "Resolve",
        "解决",
        "Record that it is resolved",
        "记录已解决",
    ),
    C(
        "detail.callback",
        "c",
        "callback",
        "Callback",
        "回访",
        "Record the callback (回访)",
        "记录回访",
    ),
    C(
        "detail.close",
        "x",
        "close_request",
        "Close",
        "关闭",
        "Close after the callback",
        "回访后关闭",
    ),
    C("detail.back", "escape", "app.pop_screen", "Back", "返回", "Back to the board", "返回看板"),
    C(
        "oncall.override",
        "v",
        "add_override",
        "Override",
        "替班",
        "Add an override for tonight",
        "添加今晚的临时替班",
    ),
    C("oncall.back", "escape", "app.pop_screen", "Back", "返回", "Back to the board", "返回看板"),
    C(
        "outbox.retry",
        "t",
        "retry",
        "Retry",
        "重发",
        "Send a failed notification again",
        "重发失败的通知",
    ),
    C(
        "outbox.other",
        "y",
        "retry_other",
        "Other channel",
        "换通道",
        "Send it by another channel",
        "改用其他通道发送",
    ),
    C("outbox.back", "escape", "app.pop_screen", "Back", "返回", "Back to the board", "返回看板"),
    C(
        "callbacks.record",
        "c",
        "record_callback",
        "Record call",
        "记录回访",
        "Record a call to the selected customer",
        "记录对所选客户的回访",
    ),
    C(
        "callbacks.refresh",
        "r",
        "refresh_queue",
        "Refresh",
        "刷新",
        "Read the queue again now",
        "立即重新读取队列",
    ),
    C(
        "callbacks.back",
        "escape",
        "app.pop_screen",
        "Back",
        "返回",
        "Back to the board",
        "返回看板",
    ),
    C(
        "handover.refresh",
        "r",
        "refresh_handover",
        "Refresh",
        "刷新",
        "Build the handover again now",
        "立即重新生成交接班报告",
    ),
    C(
        "handover.save",
        "s",
        "save",
        "Save",
        "保存",
        "Save the handover as Markdown in the data directory",
        "将交接班报告存为 Markdown",
    ),
    C("handover.back", "escape", "app.pop_screen", "Back", "返回", "Back to the board", "返回看板"),
    C("reports.daily", "d", "period('daily')", "Day", "日报", "Yesterday's figures", "昨日统计"),
    C("reports.weekly", "w", "period('weekly')", "Week", "周报", "Last week's figures", "上周统计"),
    C(
        "reports.monthly",
        "m",
        "period('monthly')",
        "Month",
        "月报",
        "Last month's figures",
        "上月统计",
    ),
    C(
        "reports.export",
        "e",
        "export",
        "Export",
        "导出",
        "Write the report as md, csv and json",
        "导出报表为 md、csv、json",
    ),
    C("reports.back", "escape", "app.pop_screen", "Back", "返回", "Back to the board", "返回看板"),
    C(
        "drill.start",
        "s",
        "start_drill",
        "Start drill",
        "开始演练",
        "Run the highlighted scenario live: real people are paged, marked DRILL",
        "实际运行所选场景:真实呼叫,标记为演练",
    ),
    C(
        "drill.abort",
        "a",
        "abort_drill",
        "Abort drill",
        "中止演练",
        "Stop the running drill; everyone already paged is told it is over",
        "中止演练;已呼叫的人会收到演练结束通知",
    ),
    C(
        "drill.preview",
        "p",
        "preview",
        "Preview",
        "预演",
        "Whom the chain would call now; nothing is sent",
        "呼叫链此刻会呼叫谁;不发送任何消息",
    ),
    C("drill.back", "escape", "leave", "Back", "返回", "Back to the desk", "返回调度台"),
    C(
        "form.save",
        "ctrl+s",
        "save",
        "Save",
        "保存",
        "Register the request (an emergency starts its chain)",
        "登记请求(紧急事件立即启动呼叫链)",
    ),
    C("form.cancel", "escape", "cancel", "Cancel", "取消", "Leave without saving", "不保存离开"),
)


def commands_for(scope: str) -> list[Command]:
    return [c for c in COMMANDS if c.scope == scope]


def bindings_for(scope: str, language: str = "en") -> list[Binding]:
    return [c.binding(language) for c in commands_for(scope)]


def localize(node: DOMNode, language: str) -> None:
    """Put the words of `language` on a node's bindings (the class's `BINDINGS` are English).

    Textual builds a node's bindings from its class once; the footer, the palette and `?`
    read each binding's description, so the node's own copy gets the translated ones.
    """
    translated = {c.id: c.binding(language) for c in COMMANDS}
    key_map = node._bindings.key_to_bindings
    for key, items in key_map.items():
        key_map[key] = [translated.get(b.id or "", b) for b in items]
