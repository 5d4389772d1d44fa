"""Shared by the monitoring tests and the route walks: a measured installation with an alarm."""
from datetime import timedelta

from safety_app import clock
from safety_app.extensions import db
from safety_app.models import Alarm, MeasurementPoint
from safety_app.monitoring import ingest

LIMITS = {"ll": 10.0, "l": 20.0, "h": 80.0, "hh": 90.0}


def add_point(installation_id, tag="TI-101", name="储罐温度", kind="temperature", unit="°C", silence=10, **limits):
    from safety_app.models import Installation

    installation = db.session.get(Installation, installation_id)
    point = MeasurementPoint(installation_id=installation.id, enterprise_id=installation.enterprise_id, tag=tag,
                             name=name, kind=kind, unit=unit, silence_minutes=silence, active=True,
                             **(limits or LIMITS))
    db.session.add(point)
    db.session.commit()
    return point


def iso(value):
    return value.isoformat() + "Z"


def make_alarm(installation_id, name="储罐温度"):
    """A point of the installation and an H alarm on it that has cleared (open, not acknowledged).
    Returns (point id, alarm id)."""
    point = add_point(installation_id, name=name)
    now = clock.utcnow().replace(microsecond=0)
    rows = [{"point_id": point.id, "time": iso(now - timedelta(minutes=3 - i)), "value": v}
            for i, v in enumerate((50.0, 85.0, 60.0))]
    ingest.ingest(point.enterprise_id, rows, now=now)
    alarm = db.session.query(Alarm).filter_by(point_id=point.id).one()
    return point.id, alarm.id
