"""Reading the stored data: a point's last 24 hours in 5-minute buckets (min, mean, max) for the
charts, one query for all points of an installation, read through the (point, time) key."""
from datetime import timedelta

from sqlalchemy import DateTime, bindparam, select, text
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Installation, MeasurementPoint
from ..permissions import get_visible

BUCKET_SECONDS = 300
WINDOW = timedelta(hours=24)


def points_by_id(ids):
    if not ids:
        return {}
    rows = db.session.execute(select(MeasurementPoint).options(joinedload(MeasurementPoint.installation))
                              .where(MeasurementPoint.id.in_(ids))).scalars().all()
    return {p.id: p for p in rows}


def visible_installation(installation_id, user):
    """The installation if ``user`` may see it (staff: any; enterprise user: their own), else None."""
    return get_visible(Installation, installation_id, user)


def _bucket_sql():
    if db.session.get_bind().dialect.name == "postgresql":
        return f"floor(extract(epoch from (time - :start)) / {BUCKET_SECONDS})::int"
    return f"CAST((julianday(time) - julianday(:start)) * 86400 / {BUCKET_SECONDS} AS INTEGER)"


def last_24_hours(point_ids, end):
    """{point_id: (hours, means, mins, maxes)} for the 24 hours before ``end``; bucket positions are
    hours from the window's start (the middle of each 5-minute bucket)."""
    if not point_ids:
        return {}
    start = end - WINDOW
    ids = ",".join(str(int(i)) for i in point_ids)
    bucket = _bucket_sql()
    sql = text(f"SELECT point_id, {bucket} AS b, avg(value), min(value), max(value) FROM readings "
               f"WHERE point_id IN ({ids}) AND time >= :start AND time <= :end "
               f"GROUP BY point_id, b ORDER BY point_id, b").bindparams(
        bindparam("start", type_=DateTime), bindparam("end", type_=DateTime))
    out = {}
    for point_id, b, avg, low, high in db.session.execute(sql, {"start": start, "end": end}):
        hours, means, lows, highs = out.setdefault(point_id, ([], [], [], []))
        hours.append(min((b + 0.5) * BUCKET_SECONDS / 3600, 24.0))
        means.append(float(avg))
        lows.append(float(low))
        highs.append(float(high))
    return out
