"""The desk's words in English and Chinese."""

LABELS = {
    "en": {
        "title": "dispatcher — night desk",
        "id": "SR", "received": "Received", "status": "Status", "severity": "Severity",
        "level": "Level", "category": "Category", "customer": "Customer", "site": "Site",
        "summary": "Summary", "open": "open requests", "emergencies": "emergencies",
        "quit": "Quit", "refresh": "Refresh",
    },
    "zh": {
        "title": "dispatcher — 夜班调度台",
        "id": "服务请求", "received": "受理时间", "status": "状态", "severity": "严重程度",
        "level": "级别", "category": "类别", "customer": "客户", "site": "分公司/站点",
        "summary": "摘要", "open": "未关闭请求", "emergencies": "紧急事件",
        "quit": "退出", "refresh": "刷新",
    },
}


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])
