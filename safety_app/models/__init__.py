"""All models of the product; import from here."""
from .audit import AuditHead, Event
from .comments import HazardComment
from .criteria import CriteriaSet, Criterion
from .documents import Counter, Document, document_hazards, document_officers
from .enums import (
    FINAL_STATUSES,
    AttachmentKind,
    DocumentKind,
    EnterpriseRole,
    ExtensionStatus,
    HazardLevel,
    HazardSource,
    HazardStatus,
    JobOutcome,
    MajorHazardInstallation,
    OutboxChannel,
    OutboxStatus,
    Role,
)
from .findings import FindingResult, ReinspectionFinding, finding_inspectors
from .hazards import (
    Attachment,
    ExtensionRequest,
    GovernancePlan,
    Hazard,
    Inspection,
    Measure,
    inspection_inspectors,
)
from .idempotency import IdempotencyKey
from .inspection_results import ChecklistResult, InspectionResult
from .installations import (
    DutyCheck,
    DutyRole,
    DutyTask,
    DutyTaskStatus,
    Installation,
    InstallationKind,
    InstallationStatus,
    InstallationSubstance,
)
from .jobs import JobFailure
from .major import MajorHazardReport, ReportSource, Supervision, SupervisionLevel, Suspension, SuspensionKind
from .monitoring import Alarm, AlarmKind, AlarmState, MeasurementPoint, PointKind, Reading, ReadingHour
from .notifications import Notification, OutboxMessage
from .people import Enterprise, User
from .plans import (
    Campaign,
    InspectionPlan,
    PlanDraw,
    PlanFrequency,
    PlanTask,
    ScopeKind,
    campaign_enterprises,
    plan_enterprises,
    plan_inspectors,
)
from .selfinspection import SelfAcceptance
from .system import ApiToken, JobRun, LoginAttempt, SchedulerLease, Setting, UserSession

__all__ = [
    "FINAL_STATUSES", "ApiToken", "Attachment", "AttachmentKind", "AuditHead", "Counter", "CriteriaSet", "Criterion",
    "FindingResult", "ReinspectionFinding", "finding_inspectors",
    "Document", "DocumentKind", "Enterprise", "Event", "ExtensionRequest", "ExtensionStatus",
    "GovernancePlan", "Hazard", "HazardLevel", "HazardStatus", "Inspection", "JobFailure",
    "JobOutcome", "JobRun", "LoginAttempt", "MajorHazardInstallation", "Measure", "Notification",
    "OutboxChannel", "OutboxMessage", "OutboxStatus", "Role", "SchedulerLease", "Setting",
    "User", "UserSession", "document_hazards", "document_officers", "inspection_inspectors",
    "Alarm", "AlarmKind", "AlarmState", "MeasurementPoint", "PointKind", "Reading", "ReadingHour",
    "MajorHazardReport", "ReportSource",
    "DutyCheck", "DutyRole", "DutyTask", "DutyTaskStatus", "EnterpriseRole", "HazardSource", "Installation",
    "InstallationKind", "InstallationStatus", "InstallationSubstance",
    "Supervision", "SupervisionLevel", "Suspension", "SuspensionKind",
    "Campaign", "InspectionPlan", "PlanDraw", "PlanFrequency", "PlanTask", "ScopeKind", "campaign_enterprises",
    "plan_enterprises", "plan_inspectors",
    "Supervision", "SupervisionLevel", "Suspension", "SuspensionKind", "SelfAcceptance",
    "ChecklistResult", "InspectionResult", "IdempotencyKey", "HazardComment",
]
