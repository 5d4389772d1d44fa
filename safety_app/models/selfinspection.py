"""The enterprise's own acceptance (企业验收) of a general hazard it found itself (migration 0016).

Written only by ``safety_app.selfinspection`` through ``lifecycle.apply`` (action ``accept``), in
the transaction of the event. The one who accepts is never the one who rectified (整改人 ≠ 验收人):
``rectified_by_id`` is the user who submitted the rectification, kept beside the acceptor.
"""
from ..extensions import db
from .base import created_at_column


class SelfAcceptance(db.Model):
    __tablename__ = "self_acceptances"

    id = db.Column(db.Integer, primary_key=True)
    hazard_id = db.Column(db.Integer, db.ForeignKey("hazards.id"), nullable=False, index=True)
    accepted_on = db.Column(db.Date, nullable=False)
    opinion = db.Column(db.Text, nullable=False)
    accepted_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    rectified_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    # The 'accept' event that carries this acceptance (hash-chained).
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"), nullable=False, unique=True)
    created_at = created_at_column()

    hazard = db.relationship("Hazard", backref=db.backref(
        "self_acceptances", order_by="SelfAcceptance.id.desc()"))
    accepted_by = db.relationship("User", foreign_keys=[accepted_by_id])
    rectified_by = db.relationship("User", foreign_keys=[rectified_by_id])
    event = db.relationship("Event")

    __table_args__ = (
        db.CheckConstraint("rectified_by_id IS NULL OR rectified_by_id <> accepted_by_id",
                           name="acceptor_not_rectifier"),
    )
