"""In-app notifications and the outbox of e-mails and webhook messages."""
from ..extensions import db
from .base import created_at_column


class Notification(db.Model):
    __tablename__ = "notifications"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    kind = db.Column(db.String(40), nullable=False)
    title = db.Column(db.String(300), nullable=False)
    body = db.Column(db.Text, nullable=False, default="")
    link = db.Column(db.String(500), nullable=False, default="")
    hazard_id = db.Column(db.Integer, db.ForeignKey("hazards.id"), index=True)
    # e.g. 'overdue:2026-11-21:hazard:12:user:3' — a rerun never notifies twice.
    idempotency_key = db.Column(db.String(200), unique=True)
    created_at = created_at_column()
    read_at = db.Column(db.DateTime)

    user = db.relationship("User")

    __table_args__ = (db.Index("ix_notifications_user_unread", "user_id", "read_at"),)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id = db.Column(db.Integer, primary_key=True)
    channel = db.Column(db.String(10), nullable=False)  # email | webhook
    recipient = db.Column(db.String(500), nullable=False)
    subject = db.Column(db.String(300), nullable=False, default="")
    body = db.Column(db.Text, nullable=False)
    idempotency_key = db.Column(db.String(200), unique=True)
    status = db.Column(db.String(10), nullable=False, default="pending")
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(db.DateTime, nullable=False)
    last_error = db.Column(db.Text, nullable=False, default="")
    created_at = created_at_column()
    sent_at = db.Column(db.DateTime)

    __table_args__ = (db.Index("ix_outbox_status_next", "status", "next_attempt_at"),)
