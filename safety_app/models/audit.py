"""The audit trail: append-only, hash-chained events."""
from ..extensions import db
from .base import created_at_column


class Event(db.Model):
    """One change of a hazard or a measure. Never updated, never deleted.

    ``seq`` orders the chain; ``hash`` covers this row's content and
    ``prev_hash``, so altering or removing any row breaks every later link.
    """

    __tablename__ = "events"

    id = db.Column(db.Integer, primary_key=True)
    seq = db.Column(db.Integer, nullable=False, unique=True)
    hazard_id = db.Column(db.Integer, db.ForeignKey("hazards.id"), index=True)
    measure_id = db.Column(db.Integer, db.ForeignKey("measures.id"))
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"))  # NULL: a scheduled job
    action = db.Column(db.String(40), nullable=False)
    from_status = db.Column(db.String(20))
    to_status = db.Column(db.String(20))
    comment = db.Column(db.Text, nullable=False, default="")
    data = db.Column(db.JSON, nullable=False, default=dict)
    created_at = created_at_column()
    prev_hash = db.Column(db.String(64), nullable=False)
    hash = db.Column(db.String(64), nullable=False)

    actor = db.relationship("User")
    hazard = db.relationship("Hazard", backref=db.backref("events", order_by="Event.seq", lazy="dynamic"))

    # Figures as of a past day read only the events after it (figures/history.py); migration 0010.
    __table_args__ = (db.Index("ix_events_created_at", "created_at"),)


class AuditHead(db.Model):
    """Single row holding the chain's tip; updating it first serialises writers."""

    __tablename__ = "audit_head"

    id = db.Column(db.Integer, primary_key=True)
    seq = db.Column(db.Integer, nullable=False, default=0)
    last_hash = db.Column(db.String(64), nullable=False)
