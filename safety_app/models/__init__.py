"""All models of the product; import from here."""
from .audit import AuditHead, Event
from .documents import Counter, Document, document_hazards
from .enums import (
    FINAL_STATUSES,
    AttachmentKind,
    DocumentKind,
    ExtensionStatus,
    HazardLevel,
    HazardStatus,
    JobOutcome,
    MajorHazardInstallation,
    OutboxChannel,
    OutboxStatus,
    Role,
)
from .hazards import (
    Attachment,
    ExtensionRequest,
    GovernancePlan,
    Hazard,
    Inspection,
    Measure,
    inspection_inspectors,
)
from .major import MajorHazardReport, ReportSource, Supervision, SupervisionLevel, Suspension, SuspensionKind
from .notifications import Notification, OutboxMessage
from .people import Enterprise, User
from .system import ApiToken, JobRun, LoginAttempt, SchedulerLease, Setting

__all__ = [
    "FINAL_STATUSES", "ApiToken", "Attachment", "AttachmentKind", "AuditHead", "Counter",
    "Document", "DocumentKind", "Enterprise", "Event", "ExtensionRequest", "ExtensionStatus",
    "GovernancePlan", "Hazard", "HazardLevel", "HazardStatus", "Inspection", "JobOutcome",
    "JobRun", "LoginAttempt", "MajorHazardInstallation", "Measure", "Notification",
    "OutboxChannel", "OutboxMessage", "OutboxStatus", "Role", "SchedulerLease", "Setting",
    "User", "document_hazards", "inspection_inspectors",
    "MajorHazardReport", "ReportSource", "Supervision", "SupervisionLevel", "Suspension", "SuspensionKind",
]
