"""Major hazard installations (重大危险源, regulations §8.4): the register, its substance lines,
and the 包保 duties (duty tasks per period and the duty checks that fulfil them).

Written only by ``safety_app.installations`` (the core); read by its pages, the jobs and the
enterprise page. The enterprise's ``major_hazard_installation`` level is derived from these
rows by the core (the highest level among its in-service installations).
"""
from enum import StrEnum

from ..extensions import db
from .base import created_at_column, updated_at_column


class InstallationKind(StrEnum):
    PRODUCTION = "production"  # 生产单元
    STORAGE = "storage"        # 储存单元


class InstallationStatus(StrEnum):
    IN_SERVICE = "in_service"
    WRITTEN_OFF = "written_off"  # 核销


class DutyRole(StrEnum):
    """The three 包保 responsible persons of an installation."""

    PRINCIPAL = "principal"    # 主要负责人
    TECHNICAL = "technical"    # 技术负责人
    OPERATIONS = "operations"  # 操作负责人


class DutyTaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    MISSED = "missed"


class Installation(db.Model):
    """One production or storage unit of an enterprise, graded under GB 18218-2018."""

    __tablename__ = "installations"

    id = db.Column(db.Integer, primary_key=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprises.id"), nullable=False, index=True)
    code = db.Column(db.String(40), nullable=False)
    name = db.Column(db.String(200), nullable=False)
    kind = db.Column(db.String(12), nullable=False)
    location = db.Column(db.String(200), nullable=False, default="")
    people_within_500m = db.Column(db.Integer, nullable=False, default=0)
    # Derived by the core from the substance lines: 'none' (Σq/Q < 1) or level1..level4.
    level = db.Column(db.String(10), nullable=False, default="none")
    assessed_on = db.Column(db.Date)
    validity_years = db.Column(db.Integer, nullable=False, default=3)
    assessment_due = db.Column(db.Date, index=True)  # assessed_on + validity_years
    report_name = db.Column(db.String(255), nullable=False, default="")
    report_stored_name = db.Column(db.String(100))
    report_sha256 = db.Column(db.String(64), nullable=False, default="")
    filed_on = db.Column(db.Date)
    filing_no = db.Column(db.String(100), nullable=False, default="")
    status = db.Column(db.String(12), nullable=False, default=InstallationStatus.IN_SERVICE.value)
    written_off_on = db.Column(db.Date)
    principal_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    technical_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    operations_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = created_at_column()
    updated_at = updated_at_column()

    enterprise = db.relationship("Enterprise")
    principal = db.relationship("User", foreign_keys=[principal_id])
    technical = db.relationship("User", foreign_keys=[technical_id])
    operations = db.relationship("User", foreign_keys=[operations_id])
    substances = db.relationship("InstallationSubstance", back_populates="installation",
                                 order_by="InstallationSubstance.position", cascade="all, delete-orphan")

    __table_args__ = (
        db.UniqueConstraint("enterprise_id", "code", name="uq_installations_enterprise_code"),
        db.CheckConstraint("kind IN ('production','storage')", name="installation_kind_known"),
        db.CheckConstraint("status IN ('in_service','written_off')", name="installation_status_known"),
        db.CheckConstraint("level IN ('none','level1','level2','level3','level4')", name="installation_level"),
        db.CheckConstraint("people_within_500m >= 0", name="installation_people"),
        db.CheckConstraint("validity_years BETWEEN 1 AND 10", name="installation_validity"),
        db.CheckConstraint("(status = 'written_off') = (written_off_on IS NOT NULL)", name="installation_write_off"),
    )

    def person(self, role):
        return getattr(self, str(role))

    @property
    def in_service(self):
        return self.status == InstallationStatus.IN_SERVICE.value


class InstallationSubstance(db.Model):
    """One dangerous substance present in an installation: q (maximum quantity), Q (critical quantity), β."""

    __tablename__ = "installation_substances"

    id = db.Column(db.Integer, primary_key=True)
    installation_id = db.Column(db.Integer, db.ForeignKey("installations.id"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    name = db.Column(db.String(200), nullable=False)
    cas = db.Column(db.String(12), nullable=False, default="")
    max_quantity = db.Column(db.Numeric(14, 3), nullable=False)       # q, t
    critical_quantity = db.Column(db.Numeric(14, 3), nullable=False)  # Q, t
    beta = db.Column(db.Numeric(6, 2), nullable=False, default=1)

    installation = db.relationship("Installation", back_populates="substances")

    __table_args__ = (
        db.CheckConstraint("max_quantity > 0", name="substance_q_positive"),
        db.CheckConstraint("critical_quantity > 0", name="substance_critical_positive"),
        db.CheckConstraint("beta > 0", name="substance_beta_positive"),
    )


class DutyTask(db.Model):
    """One period's duty check due from one 包保 person (created by the ``duty-tasks`` job, once per period)."""

    __tablename__ = "duty_tasks"

    id = db.Column(db.Integer, primary_key=True)
    installation_id = db.Column(db.Integer, db.ForeignKey("installations.id"), nullable=False)
    duty_role = db.Column(db.String(12), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    period_key = db.Column(db.String(12), nullable=False)  # 2026-W49, 2026-12, 2026-Q4
    starts_on = db.Column(db.Date, nullable=False)
    due_on = db.Column(db.Date, nullable=False)
    status = db.Column(db.String(8), nullable=False, default=DutyTaskStatus.OPEN.value)
    done_on = db.Column(db.Date)
    created_at = created_at_column()

    installation = db.relationship("Installation")
    user = db.relationship("User")

    __table_args__ = (
        db.UniqueConstraint("installation_id", "duty_role", "period_key", name="uq_duty_tasks_period"),
        db.CheckConstraint("duty_role IN ('principal','technical','operations')", name="duty_task_role_known"),
        db.CheckConstraint("status IN ('open','done','missed')", name="duty_task_status_known"),
        db.CheckConstraint("due_on >= starts_on", name="duty_task_dates"),
        db.Index("ix_duty_tasks_status_due_on", "status", "due_on"),
    )


class DutyCheck(db.Model):
    """A duty check made by a 包保 person: date, what was checked, findings."""

    __tablename__ = "duty_checks"

    id = db.Column(db.Integer, primary_key=True)
    installation_id = db.Column(db.Integer, db.ForeignKey("installations.id"), nullable=False, index=True)
    task_id = db.Column(db.Integer, db.ForeignKey("duty_tasks.id"))
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    duty_role = db.Column(db.String(12), nullable=False)
    checked_on = db.Column(db.Date, nullable=False)
    scope = db.Column(db.Text, nullable=False)
    findings = db.Column(db.Text, nullable=False, default="")
    created_at = created_at_column()

    installation = db.relationship("Installation")
    user = db.relationship("User")
    task = db.relationship("DutyTask")

    __table_args__ = (
        db.CheckConstraint("duty_role IN ('principal','technical','operations')", name="duty_check_role_known"),
    )
