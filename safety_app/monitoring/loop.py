"""The alarm loop: raise (and tell the people concerned), clear, acknowledge, record cause and
action, close, or turn the alarm into a hazard in one step (through ``lifecycle.file_hazard``).

The rules: anyone who sees the alarm (its enterprise's users, the office's staff) acknowledges
it, records the cause and the action taken, and closes it once the condition has cleared and a
cause and an action are recorded; staff turn it into a hazard (filing hazards is theirs). A
data-loss alarm is raised once per silence by the ``monitoring-data-loss`` job.
"""
from datetime import timedelta

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update

from .. import lifecycle, notifications
from ..clock import to_local, utcnow
from ..extensions import db
from ..lifecycle_errors import Invalid, NotAllowed
from ..models import HazardSource, Role, User
from ..models.monitoring import Alarm, AlarmKind, AlarmState, MeasurementPoint
from ..permissions import STAFF
from . import alarms as evaluation

KIND_LABELS = {"LL": "低低限", "L": "低限", "H": "高限", "HH": "高高限", "data_loss": "数据中断"}
POINT_KIND_LABELS = {"temperature": "温度", "pressure": "压力", "level": "液位", "flow": "流量", "gas": "气体浓度"}
MAX_TEXT = 4000


def alarm_link(alarm_id):
    base = current_app.config.get("PUBLIC_BASE_URL", "") if has_app_context() else ""
    return f"{base.rstrip('/')}/monitoring/alarms/{alarm_id}"


def apply_changes(point_id, enterprise_id, changes, active):
    """Write the raise/clear ``changes`` of one point; ``active`` maps its active kinds to alarm ids
    (updated). Returns (raised Alarm objects, cleared alarm ids)."""
    raised, cleared = [], []
    for change in changes:
        if change.action == "raise":
            alarm = Alarm(point_id=point_id, enterprise_id=enterprise_id, kind=change.kind,
                          state=AlarmState.ACTIVE.value, raised_at=change.time, value=change.value,
                          limit_value=change.limit, cause="", action="")
            db.session.add(alarm)
            db.session.flush()
            active[change.kind] = alarm.id
            raised.append(alarm)
        else:
            alarm_id = active.pop(change.kind, None)
            if alarm_id is None:
                continue
            db.session.execute(update(Alarm).where(Alarm.id == alarm_id).values(
                state=AlarmState.CLEARED.value, cleared_at=change.time, clear_value=change.value))
            cleared.append(alarm_id)
    return raised, cleared


def describe(alarm, point=None):
    point = point or alarm.point
    installation = point.installation
    lines = [f"企业：{installation.enterprise.name}", f"重大危险源：{installation.name}",
             f"测点：{point.tag} {point.name}（{POINT_KIND_LABELS.get(point.kind, point.kind)}）",
             f"报警：{KIND_LABELS.get(alarm.kind, alarm.kind)}",
             f"时间：{to_local(alarm.raised_at):%Y-%m-%d %H:%M:%S}"]
    if alarm.value is not None:
        lines.append(f"数值：{alarm.value:g} {point.unit}"
                     + (f"（限值 {alarm.limit_value:g} {point.unit}）" if alarm.limit_value is not None else ""))
    return "\n".join(lines)


def recipients(enterprise_id):
    """The enterprise's users and the office's staff (admins and inspectors), active only."""
    return db.session.execute(select(User).where(
        User.active.is_(True),
        or_(User.enterprise_id == enterprise_id, User.role.in_([Role.ADMIN.value, Role.INSPECTOR.value])),
    ).order_by(User.id)).scalars().all()


def notify_raised(raised):
    """In-app notification and outbox e-mail per raised alarm and person (idempotency key per alarm)."""
    by_enterprise = {}
    messages = []
    for alarm in raised:
        people = by_enterprise.setdefault(alarm.enterprise_id, recipients(alarm.enterprise_id))
        point = db.session.get(MeasurementPoint, alarm.point_id)
        messages.append({
            "users": people, "kind": "alarm", "key": f"alarm:{alarm.id}:raised",
            "title": f"监测报警（{KIND_LABELS.get(alarm.kind, alarm.kind)}）：{point.installation.name} {point.tag}",
            "body": describe(alarm, point), "link": alarm_link(alarm.id),
        })
    return notifications.notify_many(messages)


# --- the data-loss job ------------------------------------------------------------------------

def raise_data_loss(now=None):
    """Raise a data-loss alarm for every active point silent for its N minutes that has none active.

    Silence counts from the newest reading, or from the point's creation when it never reported.
    The partial unique index (one active alarm per point and kind) and the job ledger make it
    once per silence; the next reading clears it."""
    now = now or utcnow()
    has_active = select(Alarm.id).where(Alarm.point_id == MeasurementPoint.id, Alarm.kind == AlarmKind.DATA_LOSS.value,
                                        Alarm.state == AlarmState.ACTIVE.value).exists()
    points = db.session.execute(select(MeasurementPoint).where(
        MeasurementPoint.active.is_(True), ~has_active,
    ).order_by(MeasurementPoint.id)).scalars().all()
    raised = []
    for point in points:
        last = point.last_time or point.created_at
        if not evaluation.is_silent(last, point.silence_minutes, now):
            continue
        alarm = Alarm(point_id=point.id, enterprise_id=point.enterprise_id, kind=AlarmKind.DATA_LOSS.value,
                      state=AlarmState.ACTIVE.value, raised_at=last + timedelta(minutes=point.silence_minutes),
                      cause="", action="")
        db.session.add(alarm)
        raised.append(alarm)
    db.session.flush()
    if raised:
        notify_raised(raised)
    return {"raised": len(raised)}


def data_loss_job(period, now):
    return raise_data_loss(now)


# --- acknowledge, cause and action, close, hazard ----------------------------------------------

def _text(value, field, required=False):
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise Invalid(_l("At most %(n)d characters.", n=MAX_TEXT), field=field)
    if required and not value:
        raise Invalid(_l("This field is required."), field=field)
    return value


def acknowledge(alarm, user):
    if alarm.closed_at is not None:
        raise Invalid(_l("The alarm is closed."))
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at = utcnow()
        alarm.acknowledged_by_id = user.id
    db.session.commit()
    return alarm


def record(alarm, user, *, cause, action):
    """Record (or correct) the cause and the action taken; acknowledges the alarm too."""
    if alarm.closed_at is not None:
        raise Invalid(_l("The alarm is closed."))
    alarm.cause = _text(cause, "cause", required=True)
    alarm.action = _text(action, "action", required=True)
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at = utcnow()
        alarm.acknowledged_by_id = user.id
    db.session.commit()
    return alarm


def close(alarm, user):
    if alarm.closed_at is not None:
        raise Invalid(_l("The alarm is closed."))
    if alarm.state != AlarmState.CLEARED.value:
        raise Invalid(_l("The alarm condition still holds: it can be closed once it has cleared."))
    if not alarm.cause or not alarm.action:
        raise Invalid(_l("Record the cause and the action taken before closing."), field="cause")
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at = utcnow()
        alarm.acknowledged_by_id = user.id
    alarm.closed_at = utcnow()
    alarm.closed_by_id = user.id
    db.session.commit()
    return alarm


def to_hazard(alarm, user, *, title, deadline, category="equipment", description=""):
    """File a hazard from the alarm in one step (staff): source 监测报警 (``monitoring_alarm``), linked to
    the point's installation, described by the alarm; the alarm is acknowledged and keeps the hazard's id."""
    if user.role not in STAFF:
        raise NotAllowed(_l("Only inspectors and administrators file hazards."))
    if alarm.hazard_id is not None:
        raise Invalid(_l("The alarm has been turned into a hazard already."))
    point = alarm.point
    hazard = lifecycle.file_hazard(user, enterprise=point.installation.enterprise, title=title, category=category,
                                   deadline=deadline, description=description or describe(alarm, point),
                                   location=point.installation.name, source=HazardSource.MONITORING_ALARM.value,
                                   installation=point.installation, commit=False)
    alarm.hazard_id = hazard.id
    if alarm.acknowledged_at is None:
        alarm.acknowledged_at = utcnow()
        alarm.acknowledged_by_id = user.id
    db.session.commit()
    return hazard


# --- lists and counts ----------------------------------------------------------------------------

def open_clause():
    return Alarm.closed_at.is_(None)


def counts(stmt_scope):
    """{"open", "active", "unacknowledged"} over the alarms ``stmt_scope`` (a scoped select of Alarm) sees."""
    sub = stmt_scope.where(open_clause()).subquery()
    row = db.session.execute(select(
        func.count(),
        func.coalesce(func.sum(and_(sub.c.state == AlarmState.ACTIVE.value).cast(db.Integer)), 0),
        func.coalesce(func.sum(sub.c.acknowledged_at.is_(None).cast(db.Integer)), 0),
    ).select_from(sub)).one()
    return {"open": row[0], "active": int(row[1]), "unacknowledged": int(row[2])}
