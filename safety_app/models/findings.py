"""Re-inspection findings (复查结论): the inspector's own result of an on-site re-inspection.

Written only by ``safety_app.findings`` through ``lifecycle.apply`` (``verify`` records a
合格 finding, ``reject`` a 不合格 one, in the transaction of the event); read by the hazard
page, the API and the re-inspection opinion (整改复查意见书).
"""
from enum import StrEnum

from ..extensions import db
from .base import created_at_column


class FindingResult(StrEnum):
    PASSED = "passed"  # 合格
    FAILED = "failed"  # 不合格


# The inspectors present at the re-inspection, in the order they are printed.
finding_inspectors = db.Table(
    "finding_inspectors",
    db.Column("finding_id", db.Integer, db.ForeignKey("reinspection_findings.id"), primary_key=True),
    db.Column("user_id", db.Integer, db.ForeignKey("users.id"), primary_key=True),
    db.Column("position", db.Integer, nullable=False),
)


class ReinspectionFinding(db.Model):
    """One re-inspection of a submitted hazard: result, date, who was there, the opinion."""

    __tablename__ = "reinspection_findings"

    id = db.Column(db.Integer, primary_key=True)
    hazard_id = db.Column(db.Integer, db.ForeignKey("hazards.id"), nullable=False)
    result = db.Column(db.String(10), nullable=False)
    reinspected_on = db.Column(db.Date, nullable=False)
    opinion = db.Column(db.Text, nullable=False)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    # The verify / reject event that carries this finding (hash-chained).
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"), nullable=False, unique=True)
    created_at = created_at_column()

    hazard = db.relationship("Hazard", backref=db.backref(
        "findings", order_by="ReinspectionFinding.id.desc()"))  # newest first
    recorded_by = db.relationship("User", foreign_keys=[recorded_by_id])
    event = db.relationship("Event")
    inspectors = db.relationship("User", secondary=finding_inspectors, order_by=finding_inspectors.c.position,
                                 viewonly=True)

    __table_args__ = (
        db.CheckConstraint("result IN ('passed','failed')", name="result_known"),
        db.Index("ix_reinspection_findings_hazard", "hazard_id", "id"),
    )

    @property
    def passed(self):
        return self.result == FindingResult.PASSED
