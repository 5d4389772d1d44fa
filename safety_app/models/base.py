"""Column helpers shared by the models."""
from ..clock import utcnow
from ..extensions import db


def created_at_column():
    return db.Column(db.DateTime, nullable=False, default=utcnow)


def updated_at_column():
    return db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
