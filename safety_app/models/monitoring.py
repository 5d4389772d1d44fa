"""Live monitoring of major hazard installations (重大危险源在线监测): measurement points, their
readings, the alarms raised from them and the hourly aggregates kept after the raw readings.

Written only by ``safety_app.monitoring`` (ingest, the alarm loop, the jobs); read by its pages
and the API. ``enterprise_id`` on points and alarms repeats the installation's enterprise so that
``permissions.scope`` narrows them with one column, like every other model.

On PostgreSQL ``readings`` is partitioned by month (declarative partitioning, migration 0014;
partitions ``readings_pYYYYMM`` are made by ``monitoring.partitions``); on SQLite it is one table.
"""
from enum import StrEnum

from ..extensions import db
from .base import created_at_column


class PointKind(StrEnum):
    TEMPERATURE = "temperature"
    PRESSURE = "pressure"
    LEVEL = "level"
    FLOW = "flow"
    GAS = "gas"  # gas concentration (可燃/有毒气体浓度)


class AlarmKind(StrEnum):
    LL = "LL"
    L = "L"
    H = "H"
    HH = "HH"
    DATA_LOSS = "data_loss"


class AlarmState(StrEnum):
    ACTIVE = "active"      # the condition holds
    CLEARED = "cleared"    # the condition ended (with hysteresis / a reading arrived)


LIMITS = ("ll", "l", "h", "hh")


def _ordered_limits():
    """LL < L < H < HH for every pair of limits that are both given."""
    pairs = [(a, b) for i, a in enumerate(LIMITS) for b in LIMITS[i + 1:]]
    return " AND ".join(f"({a} IS NULL OR {b} IS NULL OR {a} < {b})" for a, b in pairs)


ORDERED_LIMITS = _ordered_limits()
POINT_KINDS = "kind IN ('temperature','pressure','level','flow','gas')"
ALARM_KINDS = "kind IN ('LL','L','H','HH','data_loss')"


class MeasurementPoint(db.Model):
    """One instrument of an installation: what it measures, its unit, limits and data-loss time."""

    __tablename__ = "measurement_points"

    id = db.Column(db.Integer, primary_key=True)
    installation_id = db.Column(db.Integer, db.ForeignKey("installations.id"), nullable=False, index=True)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprises.id"), nullable=False, index=True)
    tag = db.Column(db.String(60), nullable=False)    # the DCS/SIS tag, e.g. TI-101
    name = db.Column(db.String(200), nullable=False)
    kind = db.Column(db.String(12), nullable=False)
    unit = db.Column(db.String(20), nullable=False)
    ll = db.Column(db.Float)
    l = db.Column(db.Float)  # noqa: E741 — the limit's name
    h = db.Column(db.Float)
    hh = db.Column(db.Float)
    # Hysteresis (deadband) in the point's unit; None: 2 % of the span of the limits (monitoring.alarms).
    deadband = db.Column(db.Float)
    silence_minutes = db.Column(db.Integer, nullable=False, default=10)
    active = db.Column(db.Boolean, nullable=False, default=True)
    last_time = db.Column(db.DateTime)   # newest reading (naive UTC)
    last_value = db.Column(db.Float)
    created_at = created_at_column()

    installation = db.relationship("Installation")

    __table_args__ = (
        db.UniqueConstraint("enterprise_id", "tag", name="uq_measurement_points_enterprise_tag"),
        db.CheckConstraint(POINT_KINDS, name="point_kind_known"),
        db.CheckConstraint(ORDERED_LIMITS, name="point_limits_ordered"),
        db.CheckConstraint("deadband IS NULL OR deadband >= 0", name="point_deadband"),
        db.CheckConstraint("silence_minutes >= 1", name="point_silence"),
    )

    @property
    def limits(self):
        return {"LL": self.ll, "L": self.l, "H": self.h, "HH": self.hh}


class Reading(db.Model):
    """One value of a point at one instant (naive UTC); unique on (point, time)."""

    __tablename__ = "readings"

    point_id = db.Column(db.Integer, db.ForeignKey("measurement_points.id"), primary_key=True)
    time = db.Column(db.DateTime, primary_key=True)
    value = db.Column(db.Float, nullable=False)

    __table_args__ = (
        db.Index("ix_readings_time", "time", postgresql_using="brin"),
    )


class ReadingHour(db.Model):
    """The hourly aggregate of a point's readings (kept after the raw readings are removed)."""

    __tablename__ = "reading_hours"

    point_id = db.Column(db.Integer, db.ForeignKey("measurement_points.id"), primary_key=True)
    hour = db.Column(db.DateTime, primary_key=True)  # start of the hour, naive UTC
    min = db.Column(db.Float, nullable=False)
    max = db.Column(db.Float, nullable=False)
    avg = db.Column(db.Float, nullable=False)
    count = db.Column(db.Integer, nullable=False)

    __table_args__ = (
        db.Index("ix_reading_hours_hour", "hour"),
    )


class Alarm(db.Model):
    """A limit crossed (LL/L/H/HH) or a point gone silent, and what was done about it."""

    __tablename__ = "alarms"

    id = db.Column(db.Integer, primary_key=True)
    point_id = db.Column(db.Integer, db.ForeignKey("measurement_points.id"), nullable=False)
    enterprise_id = db.Column(db.Integer, db.ForeignKey("enterprises.id"), nullable=False)
    kind = db.Column(db.String(10), nullable=False)
    state = db.Column(db.String(10), nullable=False, default=AlarmState.ACTIVE.value)
    raised_at = db.Column(db.DateTime, nullable=False)
    value = db.Column(db.Float)  # the reading that raised it (none for data loss)
    limit_value = db.Column(db.Float)
    cleared_at = db.Column(db.DateTime)
    clear_value = db.Column(db.Float)
    acknowledged_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    acknowledged_at = db.Column(db.DateTime)
    cause = db.Column(db.Text, nullable=False, default="")
    action = db.Column(db.Text, nullable=False, default="")
    closed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    closed_at = db.Column(db.DateTime)
    hazard_id = db.Column(db.Integer, db.ForeignKey("hazards.id"))
    created_at = created_at_column()

    point = db.relationship("MeasurementPoint")
    acknowledged_by = db.relationship("User", foreign_keys=[acknowledged_by_id])
    closed_by = db.relationship("User", foreign_keys=[closed_by_id])
    hazard = db.relationship("Hazard")

    __table_args__ = (
        db.CheckConstraint(ALARM_KINDS, name="alarm_kind_known"),
        db.CheckConstraint("state IN ('active','cleared')", name="alarm_state_known"),
        db.CheckConstraint("closed_at IS NULL OR state = 'cleared'", name="alarm_closed_when_cleared"),
        # At most one active alarm of a kind per point: a data-loss alarm is raised once per silence.
        db.Index("uq_alarms_active", "point_id", "kind", unique=True,
                 sqlite_where=db.text("state = 'active'"), postgresql_where=db.text("state = 'active'")),
        db.Index("ix_alarms_enterprise_open", "enterprise_id", "closed_at"),
        db.Index("ix_alarms_point_raised", "point_id", "raised_at"),
        db.Index("ix_alarms_open", "closed_at", "raised_at"),
    )

    @property
    def is_open(self):
        return self.closed_at is None
