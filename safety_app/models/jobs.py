"""Rows a scheduled job could not process: kept with their error until they succeed (shown to admins)."""
from ..extensions import db
from .base import created_at_column


class JobFailure(db.Model):
    """One row (a hazard, a notice group, an enterprise's report, an outbox message) that failed in a job.

    A job records the failure and carries on with the other rows; the same
    row failing again updates this record (one per job and item), and the
    record is removed once the row succeeds.
    """

    __tablename__ = "job_failures"

    id = db.Column(db.Integer, primary_key=True)
    job = db.Column(db.String(50), nullable=False)
    item = db.Column(db.String(100), nullable=False)  # e.g. 'hazard:12', 'enterprise:3', 'outbox:40'
    period_key = db.Column(db.String(30), nullable=False)  # the run in which it last failed
    error = db.Column(db.Text, nullable=False, default="")
    occurrences = db.Column(db.Integer, nullable=False, default=1)
    first_failed_at = created_at_column()
    last_failed_at = db.Column(db.DateTime, nullable=False)

    __table_args__ = (db.UniqueConstraint("job", "item", name="uq_job_failures_job_item"),)
