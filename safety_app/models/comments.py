"""The comment thread of a hazard between the enterprise and the office (migration 0022).

Append-only: written only by ``safety_app.comments.post`` (with its hash-chained event and the
notifications, in one transaction); never edited, never deleted.
"""
from ..extensions import db
from .base import created_at_column


class HazardComment(db.Model):
    __tablename__ = "hazard_comments"

    id = db.Column(db.Integer, primary_key=True)
    hazard_id = db.Column(db.Integer, db.ForeignKey("hazards.id"), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    body = db.Column(db.Text, nullable=False)
    # The 'hazard.comment' event that carries this comment (hash-chained).
    event_id = db.Column(db.Integer, db.ForeignKey("events.id"), nullable=False, unique=True)
    created_at = created_at_column()

    hazard = db.relationship("Hazard")
    author = db.relationship("User")

    __table_args__ = (
        db.Index("ix_hazard_comments_hazard_id", "hazard_id", "id"),
        db.CheckConstraint("length(body) BETWEEN 1 AND 2000", name="body_length"),
    )
