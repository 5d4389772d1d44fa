"""Inspection plans and their tasks (检查计划, 双随机 draws) and campaigns (专项整治行动; migration 0017).

Written only by ``safety_app.plans`` and ``safety_app.campaigns``; a task's fulfilment (a
completed inspection in its period) is derived in ``safety_app.figures.coverage``, never stored.
"""
from enum import StrEnum

from ..extensions import db
from .base import created_at_column


class ScopeKind(StrEnum):
    """Which enterprises a plan or campaign covers (resolved as of the period)."""

    ALL = "all"
    INDUSTRY = "industry"
    ZONE = "zone"
    LEVEL = "level"    # enterprises.major_hazard_installation
    LIST = "list"      # an explicit list


class PlanFrequency(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


SCOPES_SQL = "scope_kind IN ('all','industry','zone','level','list')"

plan_inspectors = db.Table(
    "plan_inspectors",
    db.Column("plan_id", db.Integer, db.ForeignKey("inspection_plans.id"), primary_key=True),
    db.Column("user_id", db.Integer, db.ForeignKey("users.id"), primary_key=True),
)

plan_enterprises = db.Table(
    "plan_enterprises",
    db.Column("plan_id", db.Integer, db.ForeignKey("inspection_plans.id"), primary_key=True),
    db.Column("enterprise_id", db.Integer, db.ForeignKey("enterprises.id"), primary_key=True),
)

campaign_enterprises = db.Table(
    "campaign_enterprises",
    db.Column("campaign_id", db.Integer, db.ForeignKey("campaigns.id"), primary_key=True),
    db.Column("enterprise_id", db.Integer, db.ForeignKey("enterprises.id"), primary_key=True),
)


class InspectionPlan(db.Model):
    """The office's plan: which enterprises, what inspection, how often, by whom, from when to when."""

    __tablename__ = "inspection_plans"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False)
    scope_kind = db.Column(db.String(10), nullable=False, default=ScopeKind.ALL.value)
    scope_value = db.Column(db.String(100), nullable=False, default="")  # industry, zone or level code
    inspection_type = db.Column(db.String(40))  # None: any type fulfils a task
    frequency = db.Column(db.String(8), nullable=False)
    starts_on = db.Column(db.Date, nullable=False)
    ends_on = db.Column(db.Date, nullable=False)
    # 双随机: draw this many enterprises of the scope each period (None: every enterprise of the scope).
    draw_size = db.Column(db.Integer)
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = created_at_column()

    inspectors = db.relationship("User", secondary=plan_inspectors, order_by="User.id")
    enterprises = db.relationship("Enterprise", secondary=plan_enterprises, order_by="Enterprise.id")
    created_by = db.relationship("User", foreign_keys=[created_by_id])

    __table_args__ = (
        db.CheckConstraint(SCOPES_SQL, name="plan_scope_known"),
        db.CheckConstraint("frequency IN ('month','quarter','half','year')", name="plan_frequency_known"),
        db.CheckConstraint("ends_on >= starts_on", name="plan_dates"),
        db.CheckConstraint("draw_size IS NULL OR draw_size > 0", name="plan_draw_size"),
    )


class PlanDraw(db.Model):
    """One 双随机 draw of a plan's period: the seed and the inputs it was drawn from, and the result."""

    __tablename__ = "plan_draws"

    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("inspection_plans.id"), nullable=False)
    period_key = db.Column(db.String(8), nullable=False)
    seed = db.Column(db.String(64), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    enterprise_ids = db.Column(db.JSON, nullable=False)  # the candidates, in id order
    inspector_ids = db.Column(db.JSON, nullable=False)   # the inspectors, in id order
    result = db.Column(db.JSON, nullable=False)          # [[enterprise id, inspector id], ...]
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = created_at_column()

    plan = db.relationship("InspectionPlan")

    __table_args__ = (db.UniqueConstraint("plan_id", "period_key", name="uq_plan_draws_period"),)


class PlanTask(db.Model):
    """One enterprise to inspect under a plan in one period (created once by the ``plan-tasks`` job)."""

    __tablename__ = "plan_tasks"

    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.Integer, db.ForeignKey("inspection_plans.id"), nullable=False)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprises.id"), nullable=False, index=True)
    period_key = db.Column(db.String(8), nullable=False)  # 2026-12, 2026-Q4, 2026-H2, 2026
    starts_on = db.Column(db.Date, nullable=False)
    due_on = db.Column(db.Date, nullable=False)
    inspector_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    draw_id = db.Column(db.Integer, db.ForeignKey("plan_draws.id"))
    missed_on = db.Column(db.Date)  # the day the job found it unfulfilled after its period (once)
    created_at = created_at_column()

    plan = db.relationship("InspectionPlan")
    enterprise = db.relationship("Enterprise")
    inspector = db.relationship("User")

    __table_args__ = (
        db.UniqueConstraint("plan_id", "enterprise_id", "period_key", name="uq_plan_tasks_period"),
        db.CheckConstraint("due_on >= starts_on", name="plan_task_dates"),
        db.Index("ix_plan_tasks_due_on", "due_on"),
    )


class Campaign(db.Model):
    """专项整治行动: a period, the enterprises it covers, its focus and a coverage target."""

    __tablename__ = "campaigns"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False)
    starts_on = db.Column(db.Date, nullable=False)
    ends_on = db.Column(db.Date, nullable=False)
    scope_kind = db.Column(db.String(10), nullable=False, default=ScopeKind.ALL.value)
    scope_value = db.Column(db.String(100), nullable=False, default="")
    categories = db.Column(db.JSON, nullable=False, default=list)  # hazard category codes
    criteria = db.Column(db.JSON, nullable=False, default=list)    # checklist codes criterion:<SET>:<clause>
    target_percent = db.Column(db.Integer, nullable=False, default=100)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = created_at_column()

    enterprises = db.relationship("Enterprise", secondary=campaign_enterprises, order_by="Enterprise.id")
    created_by = db.relationship("User", foreign_keys=[created_by_id])

    __table_args__ = (
        db.CheckConstraint(SCOPES_SQL, name="campaign_scope_known"),
        db.CheckConstraint("ends_on >= starts_on", name="campaign_dates"),
        db.CheckConstraint("target_percent BETWEEN 0 AND 100", name="campaign_target"),
    )
