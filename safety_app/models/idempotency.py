"""Client idempotency keys (migration 0020): a form or API request sent again with the same key
(an offline outbox replayed, a double tap) answers with the object made the first time."""
from ..extensions import db
from .base import created_at_column


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_keys"

    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(64), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    endpoint = db.Column(db.String(80), nullable=False)
    object_type = db.Column(db.String(40), nullable=False)
    object_id = db.Column(db.Integer)
    created_at = created_at_column()

    __table_args__ = (db.UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)
