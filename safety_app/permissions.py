"""The one place that decides who may see and do what.

- ``scope(model, user)``: a SELECT of the rows of ``model`` the user may see.
  Every list and lookup goes through it; an enterprise user only ever gets
  rows of their own enterprise.
- ``get_visible(model, id, user)``: one row or ``None`` — callers answer 404,
  so "not yours" and "does not exist" look the same.
- ``can(user, action, obj=None)``: role permissions for pages and actions;
  hazard lifecycle actions are delegated to the lifecycle table.
- ``ROUTE_POLICIES``: every endpoint of the web and the API with who may call
  it (login, roles) and whether its ids are scoped to the caller's enterprise.
  ``safety_app.web`` enforces login and roles for every request from this
  table (an endpoint without a policy is refused, and fails the app at start in
  tests); the views still look objects up with ``get_visible`` (404).
"""
from dataclasses import dataclass

from sqlalchemy import false, select

from .extensions import db
from .models import (
    Alarm,
    Attachment,
    Campaign,
    Document,
    Enterprise,
    EnterpriseRole,
    Event,
    ExtensionRequest,
    GovernancePlan,
    Hazard,
    Inspection,
    InspectionPlan,
    Installation,
    Measure,
    MeasurementPoint,
    Notification,
    PlanDraw,
    PlanTask,
    Role,
    User,
)

STAFF = frozenset({Role.ADMIN, Role.INSPECTOR})
ADMIN = frozenset({Role.ADMIN})
ALL = frozenset(Role)

# Role-only permissions (objects are checked by ``scope``).
ROLE_ACTIONS = {
    "dashboard.view": ALL,
    "hazard.view": ALL,
    "hazard.file": STAFF,
    "hazard.self_file": frozenset({Role.ENTERPRISE}),  # 企业自查: at the user's own enterprise (lifecycle checks)
    "hazard.edit": STAFF,
    "ledger.view": ALL,
    "ledger.export": ALL,
    "inspection.view": ALL,
    "inspection.create": STAFF,
    "inspection.record": STAFF,                  # checklist results and completion: its inspectors, or an admin
    "reinspection.queue": STAFF,
    # the comment thread of a hazard: staff on any hazard, an enterprise user on its own (scope);
    # posting is allowed in every status (a question after close-out is legitimate)
    "hazard.comment": ALL,
    "hazard.bulk_verify": STAFF,                 # 复查合格 for several submitted hazards at once (all or nothing)
    "hazard.remind": STAFF,                      # 催办: remind enterprises of their overdue / due-soon hazards
    "enterprise.view": ALL,
    "enterprise.manage": ADMIN,
    "enterprise.import": ADMIN,
    "user.manage": ADMIN,
    "settings.manage": ADMIN,
    "criteria.manage": ADMIN,
    "document.issue": STAFF,
    "rectification.issue": ALL,                  # 隐患整改通知书: staff, or an enterprise for its own hazards
    "report.park": STAFF,
    "report.enterprise": ALL,
    "report.major": ADMIN,                       # 重大事故隐患报告 for upward reporting
    "tasks.view": frozenset({Role.ENTERPRISE}),
    "measure.edit": frozenset({Role.ENTERPRISE, Role.ADMIN}),
    "plan.edit": frozenset({Role.ENTERPRISE, Role.ADMIN}),
    "evidence.upload": frozenset({Role.ENTERPRISE}),
    # an annotated copy (标注图) of an original photo: who may add photos to the hazard (staff; an enterprise
    # user on a hazard the enterprise found itself), while it is not final
    "photo.annotate": ALL,
    "jobs.view": ADMIN,
    # major hazard installations: everyone sees (scoped); enterprise users and staff keep the register
    "installation.view": ALL,
    "installation.edit": ALL,
    "installation.park": STAFF,                  # the park-wide table
    "duty.tasks": frozenset({Role.ENTERPRISE}),  # "my 包保 tasks": the three persons are enterprise users
    "monitoring.view": ALL,                      # alarms and charts (scoped)
    "monitoring.ingest": frozenset({Role.ENTERPRISE}),  # readings come from the enterprise's gateway
    # inspection plans and tasks, campaigns, coverage (the office's own work)
    "inspection_plan.view": STAFF,
    "inspection_plan.manage": ADMIN,
    "inspection_plan.due": STAFF,                # "my inspections due"
    "campaign.view": STAFF,
    "campaign.manage": ADMIN,
    "coverage.view": STAFF,
    # measurement points (limits, deadband, data-loss time): staff, and of the enterprise's own users
    # only those named in ENTERPRISE_ROLE_ACTIONS (the safety manager and the principal)
    "point.edit": ALL,
}

# Actions an enterprise user may do only with one of these roles in the enterprise (users.enterprise_role).
ENTERPRISE_ROLE_ACTIONS = {
    "point.edit": frozenset({EnterpriseRole.SAFETY_MANAGER, EnterpriseRole.PRINCIPAL}),
}

# How each model reaches its enterprise: a column, or a join through the hazard.
_DIRECT = {Hazard: Hazard.enterprise_id, Inspection: Inspection.enterprise_id,
           Document: Document.enterprise_id, Enterprise: Enterprise.id, User: User.enterprise_id,
           Installation: Installation.enterprise_id,
           MeasurementPoint: MeasurementPoint.enterprise_id, Alarm: Alarm.enterprise_id}
# The office's own records: no enterprise user reaches them.
_STAFF_ONLY = (InspectionPlan, PlanTask, PlanDraw, Campaign)
_VIA_HAZARD = {Measure: Measure.hazard_id, Attachment: Attachment.hazard_id,
               ExtensionRequest: ExtensionRequest.hazard_id, GovernancePlan: GovernancePlan.hazard_id,
               Event: Event.hazard_id}


def owns(user, enterprise_id):
    """True when ``user`` may see records of ``enterprise_id``."""
    if user is None or not user.is_authenticated:
        return False
    if user.role in STAFF:
        return True
    return enterprise_id is not None and enterprise_id == user.enterprise_id


def scope(model, user, stmt=None):
    """Restrict ``stmt`` (default ``select(model)``) to what ``user`` may see."""
    stmt = select(model) if stmt is None else stmt
    if user is None or not user.is_authenticated:
        return stmt.where(false())
    if model is Notification:
        return stmt.where(Notification.user_id == user.id)
    if user.role in STAFF:
        return stmt
    if model in _STAFF_ONLY:
        return stmt.where(false())
    if model in _DIRECT:
        return stmt.where(_DIRECT[model] == user.enterprise_id)
    if model in _VIA_HAZARD:
        return stmt.join(Hazard, Hazard.id == _VIA_HAZARD[model]).where(
            Hazard.enterprise_id == user.enterprise_id
        )
    raise LookupError(f"no visibility rule for {model.__name__}")


def get_visible(model, ident, user, options=()):
    """The row with primary key ``ident`` if ``user`` may see it, else None."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        return None
    pk = model.__mapper__.primary_key[0]
    stmt = scope(model, user).where(pk == ident)
    if options:
        stmt = stmt.options(*options)
    return db.session.execute(stmt).unique().scalar_one_or_none()


def can(user, action, obj=None):
    """May ``user`` do ``action`` (on ``obj``)?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if action in ROLE_ACTIONS:
        if user.role not in ROLE_ACTIONS[action]:
            return False
        if action in ENTERPRISE_ROLE_ACTIONS and user.role == Role.ENTERPRISE and \
                user.enterprise_role not in ENTERPRISE_ROLE_ACTIONS[action]:
            return False
        if obj is None:
            return True
        if action == "hazard.edit" and isinstance(obj, Hazard):  # corrections: who filed it, or an admin
            return user.role == Role.ADMIN or (obj.found_by_id == user.id and _sees(user, obj))
        if action == "inspection.record" and isinstance(obj, Inspection):
            return user.role == Role.ADMIN or any(u.id == user.id for u in obj.inspectors)
        if action == "photo.annotate" and isinstance(obj, Attachment):
            from . import lifecycle  # lifecycle imports this module

            return (obj.kind == "photo" and obj.annotates_id is None and _sees(user, obj)
                    and lifecycle.may_edit(obj.hazard, user, "photo"))
        return _sees(user, obj)
    from . import lifecycle  # lifecycle imports this module

    if action in lifecycle.TRANSITIONS and isinstance(obj, Hazard):
        return lifecycle.is_allowed(obj, action, user)
    raise LookupError(f"unknown action {action!r}")


def _sees(user, obj):
    if isinstance(obj, Hazard | Inspection | Document | Installation | MeasurementPoint | Alarm):
        return owns(user, obj.enterprise_id)
    if isinstance(obj, Enterprise):
        return owns(user, obj.id)
    if isinstance(obj, Measure | Attachment | ExtensionRequest | GovernancePlan):
        return owns(user, obj.hazard.enterprise_id)
    if isinstance(obj, Notification):
        return obj.user_id == user.id
    return user.role in STAFF


# --------------------------------------------------------------------------- route policies


@dataclass(frozen=True)
class Policy:
    """Who may call an endpoint.

    ``public``: no login needed (the view decides what an anonymous caller sees).
    ``roles``: the roles that may call it; others get 403 before the view runs.
    ``scoped``: ids in the URL or body are looked up through ``get_visible`` /
    ``scope``, so another enterprise's id answers 404 (or 422 in a body),
    exactly like a missing id.
    """

    roles: frozenset = ALL
    scoped: bool = False
    public: bool = False

    def allows(self, user):
        if self.public:
            return True
        return user is not None and user.is_authenticated and user.role in self.roles


PUBLIC = Policy(public=True)
ANYONE = Policy(roles=ALL)                       # any logged-in user; lists narrowed by ``scope``
SCOPED = Policy(roles=ALL, scoped=True)          # any logged-in user; the object must be visible


def _role(action, scoped=False):
    return Policy(roles=ROLE_ACTIONS[action], scoped=scoped)


ROUTE_POLICIES = {
    # public and self-service
    "static": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,                       # ends a session if there is one
    "auth.change_password": ANYONE,
    "auth.devices_page": ANYONE,                 # the user's own sessions and tokens
    "auth.revoke_device": ANYONE,                # only the user's own (404 otherwise)
    "auth.forget_remembered": ANYONE,            # ends the user's own remembered phones only
    "main.set_language": PUBLIC,
    "main.healthz": PUBLIC,
    "main.service_worker": PUBLIC,               # the offline shell: no data in it
    "main.manifest": PUBLIC,
    "main.index": ANYONE,
    # dashboard, ledgers
    "dashboard.index": _role("dashboard.view"),
    "ledgers.hazards": _role("ledger.view"),
    "ledgers.measures": _role("ledger.view"),
    "ledgers.export": _role("ledger.export"),
    # the rectification loop (state- and action-dependent rules are the lifecycle's)
    "hazards.detail": SCOPED,
    "hazards.transition": SCOPED,
    "hazards.correct": _role("hazard.edit", scoped=True),
    "hazards.measure_new": _role("measure.edit", scoped=True),
    "hazards.measure_edit": _role("measure.edit", scoped=True),
    "hazards.plan": _role("plan.edit", scoped=True),
    "hazards.upload": SCOPED,                    # evidence (enterprise) or photos (staff)
    "hazards.attachment": SCOPED,
    "hazards.attachment_thumb": SCOPED,
    "hazards.annotate_photo": SCOPED,            # an annotated copy of a photo (can "photo.annotate")
    "hazards.queue": _role("reinspection.queue"),
    "hazards.comment": _role("hazard.comment", scoped=True),
    "hazards.bulk_verify": _role("hazard.bulk_verify", scoped=True),   # ids in the body, looked up in scope
    "hazards.reminders": _role("hazard.remind"),
    "hazards.send_reminders": _role("hazard.remind", scoped=True),     # ids in the body, looked up in scope
    "inspections.index": _role("inspection.view"),
    "inspections.new": _role("inspection.create"),
    "inspections.detail": SCOPED,
    "inspections.checklist": _role("inspection.create", scoped=True),
    "inspections.file_hazard": _role("hazard.file", scoped=True),
    "inspections.result": _role("inspection.record", scoped=True),
    "inspections.complete": _role("inspection.record", scoped=True),
    "portal.tasks": _role("tasks.view"),
    "portal.file_hazard": _role("hazard.self_file"),  # always the user's own enterprise
    # enterprise registry
    "enterprises.index": _role("enterprise.view"),  # an enterprise user is sent to their own page
    "enterprises.new": _role("enterprise.manage"),
    "enterprises.detail": SCOPED,
    "enterprises.edit": _role("enterprise.manage", scoped=True),
    "enterprises.import_file": _role("enterprise.import"),
    "enterprises.template": _role("enterprise.import"),
    # administration
    "admin.users": _role("user.manage"),
    "admin.user_new": _role("user.manage"),
    "admin.user_edit": _role("user.manage"),
    "admin.user_reset_password": _role("user.manage"),
    "admin.user_devices": _role("user.manage"),
    "admin.user_revoke_device": _role("user.manage"),
    "admin.user_forget_remembered": _role("user.manage"),
    "admin.settings": _role("settings.manage"),
    "admin.jobs": _role("jobs.view"),
    "admin.outbox_retry": _role("jobs.view"),
    "admin.criteria": _role("criteria.manage"),
    "admin.criteria_import": _role("criteria.manage"),
    "admin.criteria_export": _role("criteria.manage"),
    # notifications: only the user's own (``scope(Notification, user)``)
    "notifications.index": ANYONE,
    "notifications.mark_all_read": ANYONE,
    "notifications.mark_read": SCOPED,
    # reports and documents
    "reports.index": _role("report.enterprise"),
    "reports.build": _role("report.park"),
    "reports.build_enterprise_statistics": _role("report.enterprise", scoped=True),  # the enterprise's own table
    "reports.download": SCOPED,
    "reports.issue_hazard_notice": _role("document.issue", scoped=True),
    "reports.issue_inspection_notice": _role("document.issue", scoped=True),
    "reports.issue_opinion": _role("document.issue", scoped=True),
    "reports.issue_opinion_form": _role("document.issue", scoped=True),
    "reports.reissue": _role("document.issue", scoped=True),
    "reports.inspection_record": _role("document.issue", scoped=True),
    "reports.hazard_rectification": _role("rectification.issue", scoped=True),
    "reports.inspection_rectification": _role("rectification.issue", scoped=True),
    "reports.major_hazards": _role("report.major"),
    "reports.major_hazards_export": _role("report.major"),
    # major hazard installations (重大危险源) and 包保 duties
    "installations.index": _role("installation.view"),
    "installations.new": _role("installation.edit", scoped=True),
    "installations.detail": _role("installation.view", scoped=True),
    "installations.edit": _role("installation.edit", scoped=True),
    "installations.report": _role("installation.edit", scoped=True),
    "installations.report_file": _role("installation.view", scoped=True),
    "installations.write_off": _role("installation.edit", scoped=True),
    "installations.duty_check": _role("duty.tasks", scoped=True),
    "installations.board": _role("installation.view", scoped=True),
    "installations.import_page": _role("installation.edit"),
    "installations.import_file": _role("installation.edit", scoped=True),  # rows only for visible enterprises
    "installations.export": _role("installation.view"),
    "installations.my_duties": _role("duty.tasks"),
    # inspection plans and tasks (检查计划, 双随机), coverage (全覆盖), campaigns (专项整治行动)
    "plans.index": _role("inspection_plan.view"),
    "plans.new": _role("inspection_plan.manage"),
    "plans.detail": _role("inspection_plan.view"),
    "plans.generate": _role("inspection_plan.manage"),
    "plans.due": _role("inspection_plan.due"),
    "plans.coverage": _role("coverage.view"),
    "campaigns.index": _role("campaign.view"),
    "campaigns.new": _role("campaign.manage"),
    "campaigns.detail": _role("campaign.view"),
    "campaigns.rows": _role("campaign.view"),
    "campaigns.report": _role("document.issue"),
    # monitoring of major hazard installations (alarms, points)
    "monitoring.alarms": _role("monitoring.view"),
    "monitoring.alarm_counts": _role("monitoring.view"),
    "monitoring.alarm": SCOPED,
    "monitoring.acknowledge": SCOPED,
    "monitoring.record": SCOPED,
    "monitoring.close": SCOPED,
    "monitoring.to_hazard": _role("hazard.file", scoped=True),
    "monitoring.installation": SCOPED,
    # measurement points: the view also asks can(user, "point.edit", installation) (403 for an
    # enterprise user who is neither the safety manager nor the principal)
    "monitoring.point_new": _role("point.edit", scoped=True),
    "monitoring.point_edit": _role("point.edit", scoped=True),
    # JSON API (bearer token)
    "api.issue_token": PUBLIC,
    "api.openapi_json": PUBLIC,
    "api.revoke_token": ANYONE,
    "api.me": ANYONE,
    "api.get_dashboard": _role("dashboard.view"),
    "api.list_criteria": ANYONE,                 # the published criteria, the same for everyone
    "api.list_enterprises": _role("enterprise.view"),
    "api.get_enterprise": SCOPED,
    "api.list_hazards": _role("ledger.view"),
    # staff file for any enterprise; an enterprise token only for its own (source self_inspection)
    "api.create_hazard": Policy(roles=ROLE_ACTIONS["hazard.file"] | ROLE_ACTIONS["hazard.self_file"], scoped=True),
    "api.get_hazard": SCOPED,
    "api.patch_hazard": _role("hazard.edit", scoped=True),
    "api.transition": SCOPED,
    "api.list_inspections": _role("inspection.view"),
    "api.create_inspection": _role("inspection.create", scoped=True),
    "api.get_inspection": SCOPED,
    "api.list_measures": _role("ledger.view"),
    "api.hazard_measures": SCOPED,
    "api.create_measure": _role("measure.edit", scoped=True),
    "api.patch_measure": _role("measure.edit", scoped=True),
    "api.hazard_attachments": SCOPED,
    "api.hazard_comments": _role("hazard.comment", scoped=True),
    "api.post_hazard_comment": _role("hazard.comment", scoped=True),
    "api.upload_attachments": SCOPED,
    "api.download_attachment": SCOPED,
    "api.list_notifications": ANYONE,
    "api.read_notification": SCOPED,
    "api.read_all_notifications": ANYONE,
    "api.post_readings": _role("monitoring.ingest"),  # points looked up in the token's enterprise (per row)
    "api.list_installations": _role("installation.view"),
    "api.get_installation": _role("installation.view", scoped=True),
    "api.installation_points": _role("monitoring.view", scoped=True),
    "api.create_point": _role("point.edit", scoped=True),  # and can(…, "point.edit", installation): 403
    "api.get_point": _role("monitoring.view", scoped=True),
    "api.patch_point": _role("point.edit", scoped=True),
}


def route_policy(endpoint):
    """The declared policy of ``endpoint`` (``None``: undeclared, to be refused)."""
    return ROUTE_POLICIES.get(endpoint)


def undeclared_endpoints(app):
    """Endpoints of ``app`` without a policy: each is a mistake to fix here."""
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()} - set(ROUTE_POLICIES))
