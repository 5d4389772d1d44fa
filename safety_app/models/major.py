"""The major-hazard regime around a hazard: listed supervision (挂牌督办), suspension of
production (停产停业) and the major-hazard report record (重大事故隐患报告).

Written only by ``safety_app.major_actions`` through ``lifecycle.apply`` (and
``lifecycle._became_major`` for the report record); read by the hazard page, the
ledger filter, the dashboard, the reports and the API.
"""
from enum import StrEnum

from ..extensions import db
from .base import created_at_column


class SupervisionLevel(StrEnum):
    """Who lists the hazard: 市级 / 区级 / 街道."""

    CITY = "city"
    DISTRICT = "district"
    STREET = "street"


class SuspensionKind(StrEnum):
    PARTIAL = "partial"        # 局部停产停业
    FULL = "full"              # 全部停产停业
    EQUIPMENT = "equipment"    # 设备设施停止使用


class ReportSource(StrEnum):
    FILED = "filed"                  # filed as major
    RECLASSIFIED = "reclassified"    # became major later


class Supervision(db.Model):
    """A major hazard listed for supervision by an authority, and its lifting (摘牌)."""

    __tablename__ = "hazard_supervisions"

    id = db.Column(db.Integer, primary_key=True)
    hazard_id = db.Column(db.Integer, db.ForeignKey("hazards.id"), nullable=False, unique=True)
    authority = db.Column(db.String(200), nullable=False)
    level = db.Column(db.String(10), nullable=False)
    document_no = db.Column(db.String(100), nullable=False)
    listed_on = db.Column(db.Date, nullable=False)
    required_by = db.Column(db.Date, nullable=False)
    listed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    lifted_on = db.Column(db.Date)
    lift_document_no = db.Column(db.String(100), nullable=False, default="")
    lifted_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = created_at_column()

    hazard = db.relationship("Hazard", backref=db.backref("supervision", uselist=False))
    listed_by = db.relationship("User", foreign_keys=[listed_by_id])
    lifted_by = db.relationship("User", foreign_keys=[lifted_by_id])

    __table_args__ = (
        db.CheckConstraint("level IN ('city','district','street')", name="supervision_level_known"),
        db.CheckConstraint("required_by >= listed_on", name="supervision_dates"),
        db.CheckConstraint("lifted_on IS NULL OR lifted_on >= listed_on", name="supervision_lift_date"),
        db.Index("ix_hazard_supervisions_current", "lifted_on", "hazard_id"),
    )

    @property
    def is_current(self):
        return self.lifted_on is None


class Suspension(db.Model):
    """Production (partly or fully) suspended, or equipment taken out of use, for a major hazard."""

    __tablename__ = "hazard_suspensions"

    id = db.Column(db.Integer, primary_key=True)
    hazard_id = db.Column(db.Integer, db.ForeignKey("hazards.id"), nullable=False, index=True)
    kind = db.Column(db.String(10), nullable=False)
    area = db.Column(db.String(200), nullable=False)
    starts_on = db.Column(db.Date, nullable=False, index=True)
    ends_on = db.Column(db.Date)  # None: still in force (the end may be recorded later)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    ended_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = created_at_column()

    hazard = db.relationship("Hazard", backref=db.backref("suspensions", order_by="Suspension.id"))

    __table_args__ = (
        db.CheckConstraint("kind IN ('partial','full','equipment')", name="suspension_kind_known"),
        db.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="suspension_dates"),
    )

    def in_force_on(self, day):
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class MajorHazardReport(db.Model):
    """The report record of a new major hazard (重大事故隐患报告), made once when it becomes major.

    It records when and how the hazard became major; what it reports (what, where, the
    basis, plan, supervision, suspension) is read from the hazard when exported, the
    basis through ``safety_app.basis.describe_basis``.
    """

    __tablename__ = "major_hazard_reports"

    id = db.Column(db.Integer, primary_key=True)
    hazard_id = db.Column(db.Integer, db.ForeignKey("hazards.id"), nullable=False, unique=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprises.id"), nullable=False, index=True)
    reported_on = db.Column(db.Date, nullable=False, index=True)  # park day it became major
    source = db.Column(db.String(20), nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = created_at_column()

    hazard = db.relationship("Hazard", backref=db.backref("major_report", uselist=False))
    enterprise = db.relationship("Enterprise")
    created_by = db.relationship("User")

    __table_args__ = (
        db.CheckConstraint("source IN ('filed','reclassified')", name="report_source_known"),
    )
