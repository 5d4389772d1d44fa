"""Checklist results of an inspection (migration 0018): one row per item looked at.

An item is a checklist code: a category (``fire``) or a major-hazard criterion
(``criterion:<SET>:<clause>``). Written only by ``safety_app.inspections``.
"""
from enum import StrEnum

from ..extensions import db


class ChecklistResult(StrEnum):
    PASSED = "passed"                  # 合格
    FAILED = "failed"                  # 不合格
    NOT_APPLICABLE = "not_applicable"  # 不适用


class InspectionResult(db.Model):
    """The result of one checklist item of one inspection, as last tapped."""

    __tablename__ = "inspection_results"

    id = db.Column(db.Integer, primary_key=True)
    inspection_id = db.Column(db.Integer, db.ForeignKey("inspections.id"), nullable=False)
    item = db.Column(db.String(80), nullable=False)
    result = db.Column(db.String(16), nullable=False)
    note = db.Column(db.Text, nullable=False, default="", server_default="")
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    recorded_at = db.Column(db.DateTime, nullable=False)

    recorded_by = db.relationship("User")

    __table_args__ = (
        db.CheckConstraint("result IN ('passed','failed','not_applicable')", name="result_known"),
        db.UniqueConstraint("inspection_id", "item", name="uq_inspection_results_item"),
    )
