"""Service requests (SR): categories, severities, the lifecycle and the timeline."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    CONSULTATION = "consultation"  # 咨询
    COMPLAINT = "complaint"  # 投诉
    TECHNICAL_CONSULTATION = "technical_consultation"  # 技术咨询
    PLANNED_SERVICE = "planned_service"  # 计划性服务
    FAULT_SUPPORT = "fault_support"  # 故障技术支持服务


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    INFO = "info"
