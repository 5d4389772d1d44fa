"""The versioned catalogue of major-hazard criteria (重大事故隐患判定标准).

A criteria set is one published list (安监总管三〔2017〕121号, AQ 3067-2026, ...)
with the dates it applies to; a criterion is one clause of a set. A hazard
refers to a criterion by (set code, clause), so a reference stays readable
after a newer set comes into force. Texts may be empty until the office
imports them (safety_app/criteria/importer.py).
"""
from ..extensions import db
from .base import updated_at_column


class CriteriaSet(db.Model):
    __tablename__ = "criteria_sets"

    code = db.Column(db.String(40), primary_key=True)  # e.g. AQ3067-2026, AJZG3-2017-121
    title = db.Column(db.String(200), nullable=False)
    issuer = db.Column(db.String(200), nullable=False, default="")
    document_number = db.Column(db.String(100), nullable=False, default="")  # as printed: AQ 3067-2026
    in_force_from = db.Column(db.Date)   # None: since before the park's records
    in_force_until = db.Column(db.Date)  # exclusive; None: still in force

    criteria = db.relationship("Criterion", back_populates="criteria_set", order_by="Criterion.position")

    @property
    def label(self):
        return self.document_number or self.code

    def applies_on(self, day):
        return (self.in_force_from is None or self.in_force_from <= day) and (
            self.in_force_until is None or day < self.in_force_until)


class Criterion(db.Model):
    __tablename__ = "criteria"

    set_code = db.Column(db.String(40), db.ForeignKey("criteria_sets.code"), primary_key=True)
    clause = db.Column(db.String(20), primary_key=True)  # e.g. 5.5.6 or 12
    position = db.Column(db.Integer, nullable=False)     # order within the set
    group = db.Column("clause_group", db.String(100), nullable=False, default="")
    text = db.Column(db.Text, nullable=False, default="")
    updated_at = updated_at_column()

    criteria_set = db.relationship("CriteriaSet", back_populates="criteria")

    @property
    def has_text(self):
        return bool((self.text or "").strip())
