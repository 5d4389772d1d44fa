"""Storing a batch of readings and evaluating alarms on them, in one transaction.

Each row of a batch gets its own result: ``stored``; ``late`` (stored, older than the point's
newest reading: kept for the record but not evaluated — the alarm state follows the newest
value, and a gateway that buffered through an outage must not lose its data);
``duplicate`` (the (point, time) is stored already: a replay stores nothing twice); or
``rejected`` with a reason: ``unknown_point`` (no such point, inactive, or another enterprise's —
told apart from nothing), ``not_finite`` (NaN, ±∞), ``future`` (more than
``FUTURE_TOLERANCE`` ahead of the server clock), ``too_old`` (older than the raw-retention
window, it would be removed at once), ``bad_time``. The rest of the batch is stored.
"""
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects import sqlite

from ..clock import utcnow
from ..extensions import db
from ..models.monitoring import Alarm, AlarmState, MeasurementPoint, Reading
from . import alarms as evaluation
from . import loop, partitions

FUTURE_TOLERANCE = timedelta(minutes=5)
DEFAULT_MAX_BATCH = 1000
DEFAULT_RAW_DAYS = 30

REASONS = {
    "unknown_point": _l("Unknown measurement point."),
    "not_finite": _l("The value must be a finite number (not NaN or infinity)."),
    "future": _l("The time is more than 5 minutes in the future."),
    "too_old": _l("The time is older than the raw-data retention window."),
    "bad_time": _l("Give the time as an ISO 8601 date-time, e.g. 2026-12-01T08:00:00Z."),
    "duplicate": _l("A reading for this point and time is stored already."),
}


def max_batch():
    return int(current_app.config.get("MONITORING_MAX_BATCH", DEFAULT_MAX_BATCH))


def raw_days():
    """Days raw readings are kept: at least 30 (原安监总局令第40号: monitoring data kept ≥ 30 days)."""
    return max(DEFAULT_RAW_DAYS, int(current_app.config.get("MONITORING_RAW_DAYS", DEFAULT_RAW_DAYS)))


@dataclass
class BatchResult:
    results: list
    counts: dict = field(default_factory=dict)
    alarms_raised: list = field(default_factory=list)
    alarms_cleared: list = field(default_factory=list)


def parse_time(value):
    """An ISO 8601 date-time as naive UTC; a time without offset is taken as UTC. None if unreadable."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    return _parse_time(value)


@lru_cache(maxsize=4096)  # the rows of a gateway's tick share their time
def _parse_time(value):
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _row_problem(time, value, now, oldest):
    if time is None:
        return "bad_time"
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return "not_finite"
    if time > now + FUTURE_TOLERANCE:
        return "future"
    if time < oldest:
        return "too_old"
    return None


def _is_postgresql():
    return db.session.get_bind().dialect.name == "postgresql"


# PostgreSQL: each statement takes the batch as arrays, so a batch is one statement with three
# parameters whatever its size (no per-row round trip, no 1,500-parameter statement to parse).
_PG_POINTS = text(
    "SELECT id, ll, l, h, hh, deadband, last_time FROM measurement_points "
    "WHERE id = ANY(CAST(:ids AS integer[])) AND enterprise_id = :enterprise AND active "
    "ORDER BY id FOR UPDATE")  # concurrent batches of one point evaluate one after the other
_PG_ACTIVE = text(
    "SELECT id, point_id, kind FROM alarms WHERE point_id = ANY(CAST(:ids AS integer[])) AND state = 'active'")
_PG_INSERT = text(
    "INSERT INTO readings (point_id, time, value) "
    "SELECT * FROM unnest(CAST(:points AS integer[]), CAST(:times AS timestamp[]), CAST(:values AS double precision[])) "
    "ON CONFLICT (point_id, time) DO NOTHING RETURNING point_id, time")
_PG_NEWEST = text(
    "UPDATE measurement_points AS m SET last_time = u.t, last_value = u.v "
    "FROM unnest(CAST(:ids AS integer[]), CAST(:times AS timestamp[]), CAST(:values AS double precision[])) "
    "AS u(id, t, v) WHERE m.id = u.id")


def _array(values):
    """A PostgreSQL array literal of ints, floats (finite) or naive datetimes, passed as one text
    parameter: far cheaper for the driver than adapting a list of 500 items one by one."""
    return "{" + ",".join(v.isoformat() if isinstance(v, datetime) else repr(v) for v in values) + "}"


def _load_points(ids, enterprise_id):
    """{id: row(id, ll, l, h, hh, deadband, last_time)} of the enterprise's active points among ``ids``."""
    if _is_postgresql():
        rows = db.session.execute(_PG_POINTS, {"ids": _array(sorted(ids)), "enterprise": enterprise_id})
    else:
        rows = db.session.execute(
            select(MeasurementPoint.id, MeasurementPoint.ll, MeasurementPoint.l, MeasurementPoint.h,
                   MeasurementPoint.hh, MeasurementPoint.deadband, MeasurementPoint.last_time)
            .where(MeasurementPoint.id.in_(ids), MeasurementPoint.enterprise_id == enterprise_id,
                   MeasurementPoint.active.is_(True)))
    return {row.id: row for row in rows}


def _active_alarms(ids):
    """{point_id: {kind: alarm id}} of the active alarms of ``ids``."""
    if _is_postgresql():
        rows = db.session.execute(_PG_ACTIVE, {"ids": _array(ids)})
    else:
        rows = db.session.execute(select(Alarm.id, Alarm.point_id, Alarm.kind)
                                  .where(Alarm.point_id.in_(ids), Alarm.state == AlarmState.ACTIVE.value))
    active = defaultdict(dict)
    for row in rows:
        active[row.point_id][row.kind] = row.id
    return active


def _insert_ignore(to_store):
    """Insert ``(index, point_id, time, value)`` rows, skipping stored (point, time) pairs; returns
    the set of (point_id, time) really inserted."""
    connection = db.session.connection()
    if _is_postgresql():
        returned = connection.execute(_PG_INSERT, {"points": _array(r[1] for r in to_store),
                                                   "times": _array(r[2] for r in to_store),
                                                   "values": _array(r[3] for r in to_store)})
    else:
        stmt = sqlite.insert(Reading).on_conflict_do_nothing(index_elements=["point_id", "time"]) \
            .returning(Reading.point_id, Reading.time)
        returned = connection.execute(stmt, [{"point_id": p, "time": t, "value": v} for _i, p, t, v in to_store])
    return set(returned.tuples())


def _set_newest(updates):
    """Set each point's newest reading: ``updates`` are (point_id, time, value)."""
    connection = db.session.connection()
    if _is_postgresql():
        connection.execute(_PG_NEWEST, {"ids": _array(u[0] for u in updates), "times": _array(u[1] for u in updates),
                                        "values": _array(u[2] for u in updates)})
    else:  # Core executemany: no ORM bookkeeping for the batch's points
        table = MeasurementPoint.__table__
        connection.execute(table.update().where(table.c.id == bindparam("pid"))
                           .values(last_time=bindparam("lt"), last_value=bindparam("lv")),
                           [{"pid": p, "lt": t, "lv": v} for p, t, v in updates])


def _quiet(point, values):
    """True when none of ``values`` reaches a limit of ``point`` (which has no active alarm): then
    the evaluation would find no change, and is skipped."""
    low = max((v for v in (point.ll, point.l) if v is not None), default=None)
    high = min((v for v in (point.h, point.hh) if v is not None), default=None)
    return all((low is None or value > low) and (high is None or value < high) for value in values)


def ingest(enterprise_id, rows, *, now=None, commit=True):
    """Store ``rows`` ({"point_id", "time", "value"}) for points of ``enterprise_id``; evaluate alarms.
    Returns a :class:`BatchResult` whose ``results`` are in the order of ``rows``."""
    now = now or utcnow()
    oldest = now - timedelta(days=raw_days())
    results = [None] * len(rows)
    candidates = []
    for index, row in enumerate(rows):
        time = parse_time(row.get("time"))
        value = row.get("value")
        problem = _row_problem(time, value, now, oldest)
        if problem:
            results[index] = {"index": index, "status": "rejected", "reason": problem}
        else:
            candidates.append((index, int(row["point_id"]), time, float(value)))

    points = _load_points({c[1] for c in candidates}, enterprise_id) if candidates else {}
    seen, to_store = set(), []
    for index, point_id, time, value in candidates:
        if point_id not in points:
            results[index] = {"index": index, "status": "rejected", "reason": "unknown_point"}
        elif (point_id, time) in seen:
            results[index] = {"index": index, "status": "duplicate", "reason": "duplicate"}
        else:
            seen.add((point_id, time))
            to_store.append((index, point_id, time, value))

    stored = set()
    if to_store:
        partitions.ensure({partitions.month_of(t) for _i, _p, t, _v in to_store})
        stored = _insert_ignore(to_store)

    by_point = defaultdict(list)
    for index, point_id, time, value in to_store:
        if (point_id, time) in stored:
            by_point[point_id].append((time, value, index))
        else:
            results[index] = {"index": index, "status": "duplicate", "reason": "duplicate"}

    outcome = BatchResult(results)
    active = _active_alarms(list(by_point)) if by_point else {}
    point_updates = []
    for point_id, items in by_point.items():
        point = points[point_id]
        last_time = point.last_time
        # A reading not newer than the point's newest is late: stored, not evaluated.
        newest, fresh = None, []
        for time, value, index in items:
            if last_time is not None and time <= last_time:
                results[index] = {"index": index, "status": "late"}
                continue
            results[index] = {"index": index, "status": "stored"}
            fresh.append((time, value))
            if newest is None or time > newest[0]:
                newest = (time, value)
        if newest is None:
            continue
        point_updates.append((point_id, newest[0], newest[1]))
        point_active = active.get(point_id)
        if not point_active and _quiet(point, [v for _t, v in fresh]):
            continue  # no limit reached and nothing active: no alarm change
        state = evaluation.PointState({"LL": point.ll, "L": point.l, "H": point.h, "HH": point.hh},
                                      point.deadband, set(point_active or {}), last_time)
        changes, _late = evaluation.evaluate_series(state, fresh)
        raised, cleared = loop.apply_changes(point_id, enterprise_id, changes, active.setdefault(point_id, {}))
        outcome.alarms_raised += raised
        outcome.alarms_cleared += cleared
    if point_updates:
        _set_newest(point_updates)
    if outcome.alarms_raised:
        loop.notify_raised(outcome.alarms_raised)
    for result in results:
        if result.get("reason"):
            result["message"] = str(REASONS[result["reason"]])
    counts = dict.fromkeys(("stored", "late", "duplicate", "rejected"), 0)
    for result in results:
        counts[result["status"]] += 1
    outcome.counts = counts
    if commit:
        db.session.commit()
    return outcome
