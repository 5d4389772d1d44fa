"""Stable string values for roles, statuses and other closed vocabularies."""
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    INSPECTOR = "inspector"
    ENTERPRISE = "enterprise"


class HazardLevel(StrEnum):
    GENERAL = "general"
    MAJOR = "major"


class HazardStatus(StrEnum):
    OPEN = "open"
    RECTIFYING = "rectifying"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class InspectionStatus(StrEnum):
    """An on-site inspection: walked (checklist, hazards) until it is signed off."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


# Statuses in which a hazard no longer counts as open (nor overdue).
FINAL_STATUSES = (HazardStatus.CLOSED, HazardStatus.WITHDRAWN)


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class MajorHazardInstallation(StrEnum):
    """重大危险源 level of an enterprise."""

    NONE = "none"
    LEVEL1 = "level1"
    LEVEL2 = "level2"
    LEVEL3 = "level3"
    LEVEL4 = "level4"


class AttachmentKind(StrEnum):
    PHOTO = "photo"  # taken by the inspector when filing ("before")
    EVIDENCE = "evidence"  # uploaded by the enterprise ("after")
    ASSESSMENT = "assessment"  # the enterprise's assessment of a major hazard's governance result (治理效果评估报告)


class DocumentKind(StrEnum):
    NOTICE = "notice"
    OPINION = "opinion"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"  # 隐患排查治理情况统计表 for a year
    INSPECTION_RECORD = "inspection_record"  # 现场检查记录
    RECTIFICATION = "rectification"  # 隐患整改通知书 (not an enforcement document)
    CAMPAIGN = "campaign"  # 专项整治行动 report (period: C<campaign id>)


class OutboxChannel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


class JobOutcome(StrEnum):
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"


class HazardSource(StrEnum):
    """Where a hazard was found (regulations §8.5)."""

    GOVERNMENT_INSPECTION = "government_inspection"  # 部门检查/执法检查
    SELF_INSPECTION = "self_inspection"              # 企业自查
    DUTY_CHECK = "duty_check"                        # 包保检查
    MONITORING_ALARM = "monitoring_alarm"            # 监测报警


class EnterpriseRole(StrEnum):
    SAFETY_MANAGER = "safety_manager"
    PRINCIPAL = "principal"
    STAFF = "staff"
