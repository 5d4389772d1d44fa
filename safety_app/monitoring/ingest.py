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
from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

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


def _insert_ignore_readings():
    module = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = module.insert(Reading).on_conflict_do_nothing(index_elements=["point_id", "time"])
    return stmt.returning(Reading.point_id, Reading.time)


def _load_points(ids, enterprise_id):
    stmt = (select(MeasurementPoint.id, MeasurementPoint.ll, MeasurementPoint.l, MeasurementPoint.h,
                   MeasurementPoint.hh, MeasurementPoint.deadband, MeasurementPoint.last_time)
            .where(MeasurementPoint.id.in_(ids), MeasurementPoint.enterprise_id == enterprise_id,
                   MeasurementPoint.active.is_(True))
            .order_by(MeasurementPoint.id))
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()  # concurrent batches of one point evaluate one after the other
    return {row.id: row for row in db.session.execute(stmt)}


def _active_alarms(ids):
    rows = db.session.execute(select(Alarm.id, Alarm.point_id, Alarm.kind)
                              .where(Alarm.point_id.in_(ids), Alarm.state == AlarmState.ACTIVE.value))
    active = defaultdict(dict)
    for row in rows:
        active[row.point_id][row.kind] = row.id
    return active


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
        returned = db.session.connection().execute(
            _insert_ignore_readings(), [{"point_id": p, "time": t, "value": v} for _i, p, t, v in to_store])
        stored = {(r.point_id, r.time) for r in returned}

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
        state = evaluation.PointState({"LL": point.ll, "L": point.l, "H": point.h, "HH": point.hh},
                                      point.deadband, set(active.get(point_id, {})), point.last_time)
        changes, late = evaluation.evaluate_series(state, [(t, v) for t, v, _i in items])
        late_times = {t for t, _v in late}
        newest = None
        for time, value, index in items:
            status = "late" if time in late_times else "stored"
            results[index] = {"index": index, "status": status}
            if status == "stored" and (newest is None or time > newest[0]):
                newest = (time, value)
        if newest is not None:
            point_updates.append({"id": point_id, "last_time": newest[0], "last_value": newest[1]})
        raised, cleared = loop.apply_changes(point_id, enterprise_id, changes, active.get(point_id, {}))
        outcome.alarms_raised += raised
        outcome.alarms_cleared += cleared
    if point_updates:  # Core executemany: no ORM bookkeeping for the batch's points
        table = MeasurementPoint.__table__
        db.session.connection().execute(
            table.update().where(table.c.id == bindparam("pid"))
            .values(last_time=bindparam("lt"), last_value=bindparam("lv")),
            [{"pid": u["id"], "lt": u["last_time"], "lv": u["last_value"]} for u in point_updates])
    if outcome.alarms_raised:
        loop.notify_raised(outcome.alarms_raised)
    for result in results:
        if result.get("reason"):
            result["message"] = str(REASONS[result["reason"]])
    outcome.counts = {status: sum(1 for r in results if r["status"] == status)
                      for status in ("stored", "late", "duplicate", "rejected")}
    if commit:
        db.session.commit()
    return outcome
