"""Keeping readings: raw readings at least ``ingest.raw_days()`` (30) days, hourly aggregates
``aggregate_years()`` (3) years.

The daily ``monitoring-retention`` job:
1. aggregates yesterday's hours (and any hour of the raw readings about to go) into
   ``reading_hours`` — recomputed from the raw readings, so a rerun or a late reading changes
   nothing twice;
2. removes raw readings older than the window: on PostgreSQL whole monthly partitions whose month
   ended before the cutoff (so raw data is kept 30 to 61 days), on SQLite in batches of
   ``BATCH`` rows;
3. removes aggregates older than the aggregate window;
4. on PostgreSQL creates the partitions of this month and the next two.
"""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import DateTime, bindparam, delete, func, select, text

from ..clock import utcnow
from ..extensions import db
from ..models.monitoring import Reading, ReadingHour
from . import ingest, partitions

BATCH = 50_000
DEFAULT_AGGREGATE_YEARS = 3


def aggregate_years():
    return max(DEFAULT_AGGREGATE_YEARS, int(current_app.config.get("MONITORING_AGGREGATE_YEARS",
                                                                    DEFAULT_AGGREGATE_YEARS)))


def _hour_expr():
    if db.session.get_bind().dialect.name == "postgresql":
        return "date_trunc('hour', time)"
    # The text SQLAlchemy stores for a DateTime on SQLite, so the hour compares equal to a bound value.
    return "strftime('%Y-%m-%d %H:00:00.000000', time)"


def aggregate(start, end):
    """(Re)compute the hourly aggregates of raw readings with start <= time < end. Returns rows written."""
    hour = _hour_expr()
    sql = (f"INSERT INTO reading_hours (point_id, hour, min, max, avg, count) "
           f"SELECT point_id, {hour}, min(value), max(value), avg(value), count(*) FROM readings "
           f"WHERE time >= :start AND time < :end GROUP BY point_id, {hour} "
           f"ON CONFLICT (point_id, hour) DO UPDATE SET min = excluded.min, max = excluded.max, "
           f"avg = excluded.avg, count = excluded.count")
    return db.session.execute(_timed(sql), {"start": start, "end": end}).rowcount


def _timed(sql):
    """``text(sql)`` whose :start and :end are bound as DateTime (stored text format on SQLite)."""
    return text(sql).bindparams(bindparam("start", type_=DateTime), bindparam("end", type_=DateTime))


def _hour_floor(value):
    return value.replace(minute=0, second=0, microsecond=0)


def run(now=None):
    now = now or utcnow()
    counts = {}
    cutoff = _hour_floor(now - timedelta(days=ingest.raw_days()))
    oldest = db.session.scalar(select(func.min(Reading.time)))
    day_start = datetime(now.year, now.month, now.day)
    # 1. yesterday's hours (UTC day) and everything about to be removed
    counts["aggregated"] = aggregate(day_start - timedelta(days=1), day_start)
    db.session.commit()
    if oldest is not None and oldest < cutoff:
        if partitions.is_partitioned():
            counts.update(_drop_partitions(cutoff))
        else:
            counts.update(_delete_batches(_hour_floor(oldest), cutoff))
    # 3. aggregates older than the window
    keep_from = now - timedelta(days=365 * aggregate_years() + 1)
    counts["aggregates_removed"] = db.session.execute(delete(ReadingHour).where(ReadingHour.hour < keep_from)).rowcount
    # 4. partitions ahead
    counts["partitions_created"] = partitions.ensure_ahead(now.date())
    db.session.commit()
    return counts


def _drop_partitions(cutoff):
    removed, aggregated = [], 0
    for (year, month), _name in sorted(partitions.existing().items()):
        start = partitions.month_start(year, month)
        end = partitions.month_start(*partitions.next_month(year, month))
        if end > cutoff:
            continue
        aggregated += aggregate(start, end)
        removed.append(f"{year:04d}-{month:02d}")
    partitions.drop_before(cutoff)
    db.session.commit()
    return {"aggregated_before_removal": aggregated, "partitions_dropped": removed}


def _delete_batches(start, cutoff):
    """SQLite: aggregate then delete day by day, each day in batches of ``BATCH`` rows, one
    transaction per batch (the database is never locked for long)."""
    aggregated, deleted = 0, 0
    day = start
    while day < cutoff:
        end = min(day + timedelta(days=1), cutoff)
        aggregated += aggregate(day, end)
        db.session.commit()
        while True:
            batch = db.session.execute(_timed(
                "DELETE FROM readings WHERE rowid IN (SELECT rowid FROM readings "
                "WHERE time >= :start AND time < :end LIMIT :n)"), {"start": day, "end": end, "n": BATCH}).rowcount
            db.session.commit()
            deleted += batch
            if batch < BATCH:
                break
        day = end
    return {"aggregated_before_removal": aggregated, "readings_deleted": deleted}


def retention_job(period, now):
    return run(now)
