"""Operational tables: settings, job runs, scheduler lease, login throttling, web sessions, API tokens."""
from ..extensions import db
from .base import created_at_column


class Setting(db.Model):
    """Office settings editable by the admin (office name, notice prefix, SMTP, ...)."""

    __tablename__ = "settings"

    key = db.Column(db.String(100), primary_key=True)
    value = db.Column(db.JSON)


class JobRun(db.Model):
    """Ledger of scheduled-job runs: one row per job and period."""

    __tablename__ = "job_runs"

    id = db.Column(db.Integer, primary_key=True)
    job = db.Column(db.String(50), nullable=False)
    period_key = db.Column(db.String(30), nullable=False)
    started_at = db.Column(db.DateTime, nullable=False)
    finished_at = db.Column(db.DateTime)
    outcome = db.Column(db.String(10), nullable=False)
    attempts = db.Column(db.Integer, nullable=False, default=1)
    counts = db.Column(db.JSON, nullable=False, default=dict)
    error = db.Column(db.Text, nullable=False, default="")

    __table_args__ = (db.UniqueConstraint("job", "period_key", name="uq_job_runs_job_period"),)


class SchedulerLease(db.Model):
    """Only the holder of an unexpired lease runs jobs."""

    __tablename__ = "scheduler_leases"

    name = db.Column(db.String(50), primary_key=True)
    holder = db.Column(db.String(200), nullable=False)
    expires_at = db.Column(db.DateTime, nullable=False)


class LoginAttempt(db.Model):
    """Failed logins, kept in the database so throttling holds across workers.

    ``device`` is the id of the signed device cookie the attempt came with (a device
    that logged in successfully before), empty otherwise."""

    __tablename__ = "login_attempts"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), nullable=False)
    address = db.Column(db.String(64), nullable=False)
    device = db.Column(db.String(32), nullable=False, default="", server_default="")
    created_at = created_at_column()

    __table_args__ = (
        db.Index("ix_login_attempts_lookup", "username", "address", "created_at"),
        db.Index("ix_login_attempts_address", "address", "created_at"),
        db.Index("ix_login_attempts_device", "device", "created_at"),
    )


class UserSession(db.Model):
    """One web login (a browser): listed on "my sessions and devices", revocable one by one.

    The session cookie carries a random key; only its SHA-256 hash is stored."""

    __tablename__ = "user_sessions"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    key_hash = db.Column(db.String(64), nullable=False, unique=True)
    user_agent = db.Column(db.String(200), nullable=False, default="")
    address = db.Column(db.String(64), nullable=False, default="")
    created_at = created_at_column()
    last_seen_at = db.Column(db.DateTime)
    revoked_at = db.Column(db.DateTime)
    # "Remember this phone": the session ends at this moment (absolute), its cookie is persistent.
    remembered_until = db.Column(db.DateTime)

    user = db.relationship("User")


class ApiToken(db.Model):
    """Bearer tokens of the JSON API; only a hash is stored."""

    __tablename__ = "api_tokens"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    name = db.Column(db.String(100), nullable=False, default="")
    created_at = created_at_column()
    last_used_at = db.Column(db.DateTime)
    last_address = db.Column(db.String(64), nullable=False, default="", server_default="")
    revoked_at = db.Column(db.DateTime)

    user = db.relationship("User")
