"""The desk's words in English and Chinese, and the names of the domain's values.

Terms keep the Chinese the CSC uses (回访, 紧急事件, 总接口人 ...). `labels(language)` gives a
dict of words; `name_of(value, language)` names an enum value (a status, a category, a role).
"""

from __future__ import annotations

from enum import Enum

EN = {
    "title": "dispatcher — night desk",
    # board columns
    "id": "SR", "age": "Age", "category": "Category", "severity": "Severity",
    "customer": "Customer", "site": "Site", "owner": "Owner/level", "status": "Status",
    "sla": "SLA due", "callout": "Call-out", "summary": "Summary", "received": "Received",
    "level": "Level",
    # board
    "open": "open requests", "emergencies": "emergencies", "shown": "shown",
    "search": "Search: id, customer, site, summary…", "filter": "Filter",
    "filter.all": "all", "filter.emergency": "emergencies", "filter.late": "SLA late or near",
    "filter.unowned": "nobody acknowledged", "filter.drill": "drills",
    "loading": "Reading the store…", "nothing": "No open requests.",
    "planned": "Planned work tonight",
    # header
    "local": "local", "shift": "shift", "engine": "engine", "engine.here": "this desk",
    "engine.none": "nobody (timers wait)", "channels": "channels", "drill.banner":
        "DRILL RUNNING — every message is marked as a drill",
    # form
    "new.title": "New service request", "new.summary": "Summary (one line)",
    "new.description": "Description", "new.category": "Category", "new.severity": "Severity",
    "new.severity.auto": "auto: critical for an emergency, else minor",
    "new.intake": "Came in by", "new.reporter": "Reporter", "new.reporter_phone": "Phone",
    "new.reporter_email": "Email", "new.customer": "Customer (operator / enterprise)",
    "new.vip": "VIP", "new.vip.none": "not a VIP", "new.site": "Site", "new.product": "Product",
    "new.none": "(none)", "new.owner_unit": "Owner unit", "new.owner_person": "Owner person",
    "new.level": "Level", "new.criteria": "Emergency checklist (any one makes it an emergency)",
    "new.start_chain": "Start the call-out chain on save", "new.save": "Save (ctrl+s)",
    "new.cancel": "Cancel (esc)", "new.preview": "Routing and call-out preview",
    "new.emergency": "EMERGENCY — the chain starts on save; Red Flag for CSQ",
    "new.not_emergency": "not an emergency", "new.summary_needed": "A summary is needed.",
    "new.saved": "registered", "handler": "Handler", "chain": "Chain", "nobody": "NOBODY",
    "skipped": "skipped at once", "step": "step", "wait": "wait", "min": "min",
    "no_chain": "no chain: nobody is paged",
    # detail
    "detail.title": "Request", "timeline": "Timeline", "progress": "Call-out progress",
    "clocks": "SLA clocks", "when": "When", "who": "Who", "what": "What", "channel": "Channel",
    "address": "Address", "state": "State", "person": "Person", "no_callout": "no call-out",
    "badge.emergency": "EMERGENCY", "reporter": "Reporter", "product": "Product", "criteria": "Criteria",
    "description": "Description", "red_flag": "Red Flag", "drill": "DRILL",
    "ack.who": "Who confirmed by phone? (person id or name)", "note.text": "Note",
    "reassign.unit": "Owner unit, then a space and the person (optional)",
    "resolve.text": "How was it resolved?", "callback.prompt":
        "Callback (回访): reached|not_reached|refused, then a score 1-5 (optional)",
    "done": "done",
    # on call
    "oncall.title": "On call", "unit": "Unit", "role": "Role", "now": "Now", "until": "Until",
    "unconfirmed": "Phones not confirmed by an acknowledgement in {days} days (roster audit)",
    "contact": "Contact method", "last_confirmed": "Last confirmed",
    "never": "never",
    "next": "Next", "gaps": "Reachability gaps, next 7 days", "no_gaps": "No gaps: every "
        "required role is reachable by phone for the next 7 days.",
    "override.title": "Override for tonight", "override.person": "Person taking over",
    "override.covers": "Covers (person id; empty: an extra holder of the unit and role)",
    "override.unit": "Unit", "override.role": "Role", "override.until": "Until (HH:MM local)",
    "override.reason": "Reason", "override.added": "override added",
    # outbox
    "outbox.title": "Outbox", "created": "Created", "purpose": "Purpose", "attempt": "Try",
    "detail": "Detail", "retry.channel": "Send by which channel?",
    # quit
    "quit.title": "Quit the desk?", "quit.body":
        "This desk runs the engine. These chains will stop being chased until an engine "
        "runs again:", "quit.yes": "Quit", "quit.no": "Stay",
    "keys.title": "Keys", "key": "Key", "does": "Does",
    "ok": "OK", "cancel": "Cancel", "error": "Error",
    "yes": "yes", "no": "no", "acknowledged_by": "acknowledged by",
}

ZH = {
    "title": "dispatcher — 夜班调度台",
    "id": "服务请求", "age": "时长", "category": "类别", "severity": "严重程度",
    "customer": "客户", "site": "站点", "owner": "负责/级别", "status": "状态",
    "sla": "SLA 剩余", "callout": "呼叫", "summary": "摘要", "received": "受理时间",
    "level": "级别",
    "open": "未关闭请求", "emergencies": "紧急事件", "shown": "显示",
    "search": "搜索:编号、客户、站点、摘要…", "filter": "筛选",
    "filter.all": "全部", "filter.emergency": "紧急事件", "filter.late": "SLA 超时或临近",
    "filter.unowned": "无人确认", "filter.drill": "演练",
    "loading": "正在读取…", "nothing": "没有未关闭的请求。",
    "planned": "今晚计划性工作",
    "local": "本地", "shift": "值班", "engine": "引擎", "engine.here": "本调度台",
    "engine.none": "无(计时暂停)", "channels": "通道",
    "drill.banner": "演练进行中 — 所有消息均标注为演练",
    "new.title": "新建服务请求", "new.summary": "摘要(一行)", "new.description": "描述",
    "new.category": "类别", "new.severity": "严重程度",
    "new.severity.auto": "自动:紧急事件为严重,否则为次要", "new.intake": "受理渠道",
    "new.reporter": "报告人", "new.reporter_phone": "电话", "new.reporter_email": "邮箱",
    "new.customer": "客户(运营商/企业)", "new.vip": "VIP", "new.vip.none": "非 VIP",
    "new.site": "站点", "new.product": "产品", "new.none": "(无)",
    "new.owner_unit": "负责单位", "new.owner_person": "负责人", "new.level": "级别",
    "new.criteria": "紧急事件判定(满足任一项即为紧急事件)",
    "new.start_chain": "保存后启动呼叫链", "new.save": "保存 (ctrl+s)",
    "new.cancel": "取消 (esc)", "new.preview": "派单与呼叫预览",
    "new.emergency": "紧急事件 — 保存即启动呼叫链;CSQ 记录 Red Flag",
    "new.not_emergency": "非紧急事件", "new.summary_needed": "请填写摘要。",
    "new.saved": "已登记", "handler": "处理部门", "chain": "呼叫链", "nobody": "无人",
    "skipped": "立即跳过", "step": "步骤", "wait": "等待", "min": "分钟",
    "no_chain": "无呼叫链:不呼叫任何人",
    "detail.title": "服务请求", "timeline": "时间线", "progress": "呼叫进度",
    "clocks": "SLA 计时", "when": "时间", "who": "人员", "what": "事件", "channel": "通道",
    "address": "地址", "state": "状态", "person": "人员", "no_callout": "未启动呼叫",
    "badge.emergency": "紧急事件", "reporter": "报告人", "product": "产品", "criteria": "紧急判定",
    "description": "描述", "red_flag": "Red Flag", "drill": "演练",
    "ack.who": "谁已电话确认?(人员编号或姓名)", "note.text": "备注",
    "reassign.unit": "负责单位,空格后接负责人(可选)", "resolve.text": "如何解决的?",
    "callback.prompt": "回访:reached|not_reached|refused,再加满意度 1-5(可选)",
    "done": "完成",
    "oncall.title": "值班", "unit": "单位", "role": "角色", "now": "当前", "until": "至",
    "unconfirmed": "{days} 天内未经确认的电话(联系方式核查)",
    "contact": "联系方式", "last_confirmed": "最近确认", "never": "从未",
    "next": "下一班", "gaps": "未来 7 天的可达缺口",
    "no_gaps": "无缺口:未来 7 天每个必需角色都可电话联系。",
    "override.title": "今晚临时替班", "override.person": "替班人", "override.covers":
        "替谁(人员编号;留空:作为该单位角色的额外值班人)", "override.unit": "单位",
    "override.role": "角色", "override.until": "至(本地 HH:MM)", "override.reason": "原因",
    "override.added": "已添加替班",
    "outbox.title": "发件箱", "created": "创建", "purpose": "用途", "attempt": "次数",
    "detail": "详情", "retry.channel": "改用哪个通道发送?",
    "quit.title": "退出调度台?", "quit.body":
        "本调度台正在运行引擎。退出后,在引擎重新运行之前,以下呼叫链将无人跟进:",
    "quit.yes": "退出", "quit.no": "留下", "keys.title": "按键", "key": "按键", "does": "功能",
    "ok": "确定", "cancel": "取消", "error": "错误", "yes": "是", "no": "否",
    "acknowledged_by": "确认人",
}

# The names of domain values (statuses, categories, roles, states) in Chinese; English shows
# the value with underscores as spaces.
ZH_VALUES = {
    "go_live": "系统上线", "expansion": "扩容", "inspection": "巡检", "patch": "补丁",
    "upgrade": "升版", "cutover": "割接",
    "new": "新建", "dispatched": "已派单", "acknowledged": "已确认", "in_progress": "处理中",
    "restored": "已恢复", "resolved": "已解决", "callback": "已回访", "closed": "已关闭",
    "consultation": "咨询", "complaint": "投诉", "technical_consultation": "技术咨询",
    "planned_service": "计划性服务", "fault_support": "故障技术支持",
    "critical": "严重", "major": "重要", "minor": "次要", "info": "提示",
    "phone": "电话", "email": "邮件", "web": "网页", "branch": "分公司",
    "overseas_site": "海外站点",
    "government": "政府", "large_enterprise": "大型企业", "bank": "银行",
    "stock_exchange": "证券交易所",
    "case_handler": "现场CASE处理负责人", "engineering_gm": "工程服务总经理",
    "overall_interface": "总接口人", "product_line_interface": "产品线接口人",
    "tac_engineer": "TAC 工程师", "csc_dispatcher": "CSC 调度员", "csq": "客户服务质量",
    "duty_manager": "值班经理",
    "running": "呼叫中", "exhausted": "已用尽", "stopped": "已停止",
    "queued": "排队", "sending": "发送中", "sent": "已发送", "delivered": "已送达",
    "failed": "失败", "cancelled": "已取消", "answered": "已接听",
    "response": "响应", "restore": "恢复", "resolve": "解决",
    "near_breach": "临近超时", "breached": "已超时", "met": "达标", "missed": "超时完成",
    "page": "呼叫", "drill": "演练", "drill_over": "演练结束", "sla": "SLA", "audit": "核查",
    "repage": "重呼", "registered": "登记", "red_flag_opened": "开启 Red Flag",
    "red_flag_closed": "关闭 Red Flag", "note": "备注", "escalated": "升级", "assigned": "改派",
    "started": "开始处理", "reopened": "重新打开", "criteria_added": "追加紧急判定",
    "callout_started": "呼叫开始", "step_reached": "到达步骤", "step_skipped": "跳过步骤",
    "page_sent": "已呼叫", "page_delivered": "呼叫送达", "page_failed": "呼叫失败",
    "callout_acknowledged": "呼叫已确认", "callout_exhausted": "呼叫已用尽",
    "callout_stopped": "呼叫已停止", "sla_near_breach": "SLA 临近超时", "sla_breached": "SLA 超时",
    "csq_notified": "已通知 CSQ",
}

LABELS = {"en": EN, "zh": ZH}


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, EN)


def name_of(value: Enum | str, language: str) -> str:
    """A domain value as the dispatcher reads it: 'in progress', or 处理中 in Chinese."""
    raw = value.value if isinstance(value, Enum) else str(value)
    if language == "zh" and raw in ZH_VALUES:
        return ZH_VALUES[raw]
    return raw.replace("_", " ")
