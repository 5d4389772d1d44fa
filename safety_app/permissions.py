"""The one place that decides who may see and do what.

- ``scope(model, user)``: a SELECT of the rows of ``model`` the user may see.
  Every list and lookup goes through it; an enterprise user only ever gets
  rows of their own enterprise.
- ``get_visible(model, id, user)``: one row or ``None`` — callers answer 404,
  so "not yours" and "does not exist" look the same.
- ``can(user, action, obj=None)``: role permissions for pages and actions;
  hazard lifecycle actions are delegated to the lifecycle table.
"""
from sqlalchemy import false, select

from .extensions import db
from .models import (
    Attachment,
    Document,
    Enterprise,
    Event,
    ExtensionRequest,
    GovernancePlan,
    Hazard,
    Inspection,
    Measure,
    Notification,
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
    "hazard.edit": STAFF,
    "ledger.view": ALL,
    "ledger.export": ALL,
    "inspection.view": ALL,
    "inspection.create": STAFF,
    "reinspection.queue": STAFF,
    "enterprise.view": ALL,
    "enterprise.manage": ADMIN,
    "enterprise.import": ADMIN,
    "user.manage": ADMIN,
    "settings.manage": ADMIN,
    "document.issue": STAFF,
    "report.park": STAFF,
    "report.enterprise": ALL,
    "tasks.view": frozenset({Role.ENTERPRISE}),
    "measure.edit": frozenset({Role.ENTERPRISE, Role.ADMIN}),
    "plan.edit": frozenset({Role.ENTERPRISE, Role.ADMIN}),
    "evidence.upload": frozenset({Role.ENTERPRISE}),
    "jobs.view": ADMIN,
}

# How each model reaches its enterprise: a column, or a join through the hazard.
_DIRECT = {Hazard: Hazard.enterprise_id, Inspection: Inspection.enterprise_id,
           Document: Document.enterprise_id, Enterprise: Enterprise.id, User: User.enterprise_id}
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
        return obj is None or _sees(user, obj)
    from . import lifecycle  # lifecycle imports this module

    if action in lifecycle.TRANSITIONS and isinstance(obj, Hazard):
        return lifecycle.is_allowed(obj, action, user)
    raise LookupError(f"unknown action {action!r}")


def _sees(user, obj):
    if isinstance(obj, Hazard | Inspection | Document):
        return owns(user, obj.enterprise_id)
    if isinstance(obj, Enterprise):
        return owns(user, obj.id)
    if isinstance(obj, Measure | Attachment | ExtensionRequest | GovernancePlan):
        return owns(user, obj.hazard.enterprise_id)
    if isinstance(obj, Notification):
        return obj.user_id == user.id
    return user.role in STAFF
