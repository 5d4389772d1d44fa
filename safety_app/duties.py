"""包保 duties of major hazard installations (regulations §8.4): periods, duty tasks, duty checks.

Each in-service major hazard installation names three persons (主要负责人, 技术负责人,
操作负责人); each owes one duty check per period of their frequency (settings
``duty_frequency_<role>``: week, month or quarter). The ``duty-tasks`` job, run once a day
through the job ledger:

- creates the current period's task per person (INSERT … ON CONFLICT DO NOTHING on
  (installation, role, period): once per period, whatever the number of runs);
- reminds the person ``duty_reminder_days`` before the task is due (once per task: idempotency key);
- marks the open tasks whose period has ended as missed and tells the person and the
  installation's principal (once per task).

``record_check`` records a check (date, person, what was checked, findings), marks the
period's task done and files hazards from the findings through ``lifecycle.file_hazard``
(source 包保检查, linked to the installation) — all in one transaction.
"""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from . import audit, notifications, settings
from .clock import today
from .extensions import db
from .installations import ROLE_ZH, ROLES
from .lifecycle_errors import Invalid, NotAllowed
from .models import (
    DutyCheck,
    DutyTask,
    DutyTaskStatus,
    HazardSource,
    Installation,
    InstallationStatus,
    User,
)
from .sequences import insert_ignore
from .validation import date_window

FREQUENCIES = ("week", "month", "quarter")
FREQUENCY_ZH = {"week": "每周", "month": "每月", "quarter": "每季度"}
MAX_TEXT = 4000
LATE_DAYS = 7  # a check may be recorded up to a week after the day it was made


@dataclass(frozen=True)
class Period:
    key: str
    starts_on: date
    due_on: date


def period_of(frequency, day):
    """The period of ``frequency`` containing ``day``: ISO week (Mon–Sun), calendar month or quarter."""
    if frequency == "week":
        start = day - timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        return Period(f"{year}-W{week:02d}", start, start + timedelta(days=6))
    if frequency == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return Period(f"{day.year}-{day.month:02d}", day.replace(day=1), day.replace(day=last))
    if frequency == "quarter":
        quarter = (day.month - 1) // 3 + 1
        end_month = quarter * 3
        return Period(f"{day.year}-Q{quarter}", date(day.year, end_month - 2, 1),
                      date(day.year, end_month, calendar.monthrange(day.year, end_month)[1]))
    raise ValueError(f"unknown frequency {frequency!r}")


def frequency(role):
    value = settings.get(f"duty_frequency_{role}")
    return value if value in FREQUENCIES else "quarter"


def _duty_installations():
    """In-service major hazard installations (level other than none) and their persons."""
    return db.session.execute(select(
        Installation.id, Installation.enterprise_id, Installation.code, Installation.name,
        Installation.principal_id, Installation.technical_id, Installation.operations_id,
    ).where(Installation.status == InstallationStatus.IN_SERVICE.value, Installation.level != "none")
        .order_by(Installation.id)).all()


def ensure_tasks(day):
    """Create the period's task per person for ``day``; returns how many were created."""
    created = 0
    periods = {role: period_of(frequency(role), day) for role in ROLES}
    for row in _duty_installations():
        for role in ROLES:
            user_id = getattr(row, f"{role}_id")
            if user_id is None:
                continue
            p = periods[role]
            inserted = db.session.execute(insert_ignore(DutyTask, {
                "installation_id": row.id, "duty_role": role, "user_id": user_id, "period_key": p.key,
                "starts_on": p.starts_on, "due_on": p.due_on, "status": DutyTaskStatus.OPEN.value,
                "created_at": _now()}, ["installation_id", "duty_role", "period_key"]).returning(DutyTask.id)
            ).scalar_one_or_none()
            created += inserted is not None
    return created


def _now():
    from .clock import utcnow

    return utcnow()


def _task_rows(where):
    return db.session.execute(
        select(DutyTask.id, DutyTask.duty_role, DutyTask.period_key, DutyTask.due_on, DutyTask.user_id,
               Installation.id.label("installation_id"), Installation.code, Installation.name,
               Installation.principal_id)
        .join(Installation, Installation.id == DutyTask.installation_id).where(*where).order_by(DutyTask.id)
    ).all()


def _users(ids):
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.execute(
        select(User.id, User.email).where(User.id.in_(ids), User.active.is_(True)))}


def link(installation_id):
    from flask import current_app, has_app_context

    base = current_app.config.get("PUBLIC_BASE_URL", "") if has_app_context() else ""
    return f"{base.rstrip('/')}/installations/{installation_id}"


def mark_missed(day):
    """Open tasks whose period ended before ``day`` become missed; notify (once per task). Returns the count."""
    rows = _task_rows([DutyTask.status == DutyTaskStatus.OPEN.value, DutyTask.due_on < day])
    if not rows:
        return 0
    db.session.execute(update(DutyTask).where(DutyTask.id.in_([r.id for r in rows]),
                                              DutyTask.status == DutyTaskStatus.OPEN.value)
                       .values(status=DutyTaskStatus.MISSED.value))
    users = _users([r.user_id for r in rows] + [r.principal_id for r in rows])
    notifications.notify_many([{
        "users": [users.get(r.user_id), users.get(r.principal_id)], "kind": "duty_missed",
        "title": f"包保检查未按期完成：{r.code} {r.name}（{ROLE_ZH[r.duty_role]}，{r.period_key}）",
        "body": (f"重大危险源：{r.code} {r.name}\n包保责任：{ROLE_ZH[r.duty_role]}\n周期：{r.period_key}\n"
                 f"应完成日期：{r.due_on:%Y年%m月%d日}\n本周期未记录包保检查。"),
        "hazard_id": None, "link": link(r.installation_id), "key": f"duty-missed:task:{r.id}",
    } for r in rows])
    return len(rows)


def remind(day):
    """Remind each person of an open task due within ``duty_reminder_days`` (once per task)."""
    days = int(settings.get("duty_reminder_days"))
    rows = _task_rows([DutyTask.status == DutyTaskStatus.OPEN.value, DutyTask.due_on >= day,
                       DutyTask.due_on <= day + timedelta(days=days)])
    users = _users(r.user_id for r in rows)
    return notifications.notify_many([{
        "users": [users.get(r.user_id)], "kind": "duty_due",
        "title": f"包保检查即将到期：{r.code} {r.name}（{ROLE_ZH[r.duty_role]}，{r.period_key}）",
        "body": (f"重大危险源：{r.code} {r.name}\n包保责任：{ROLE_ZH[r.duty_role]}\n周期：{r.period_key}\n"
                 f"请于{r.due_on:%Y年%m月%d日}前完成并记录包保检查。"),
        "hazard_id": None, "link": link(r.installation_id), "key": f"duty-due:task:{r.id}",
    } for r in rows]) if rows else 0


def run_job(day, now):
    """The ``duty-tasks`` job for ``day``."""
    missed = mark_missed(day)
    db.session.commit()
    created = ensure_tasks(day)
    db.session.commit()
    reminded = remind(day)
    db.session.commit()
    return {"created": created, "missed": missed, "reminded": reminded}


def reassign_open_tasks(installation):
    """Open tasks follow a change of person (in the caller's transaction)."""
    for role in ROLES:
        person = getattr(installation, f"{role}_id")
        if person is not None and installation.id is not None:
            db.session.execute(update(DutyTask).where(
                DutyTask.installation_id == installation.id, DutyTask.duty_role == role,
                DutyTask.status == DutyTaskStatus.OPEN.value).values(user_id=person))


def roles_of(installation, user):
    return [role for role in ROLES if user is not None and getattr(installation, f"{role}_id") == user.id]


def record_check(installation, actor, *, role, checked_on, scope, findings="", hazards=()):
    """Record ``actor``'s duty check as ``role`` and file hazards from its findings; commits.

    ``hazards``: dicts for ``lifecycle.file_hazard`` (title, category, deadline, description,
    location); each is filed with source 包保检查 and linked to the installation.
    """
    from . import lifecycle

    if role not in roles_of(installation, actor):
        raise NotAllowed(_l("Only the installation's responsible person for this duty records its check."))
    if not installation.in_service:
        raise Invalid(_l("This installation is written off."), field="installation")
    if not isinstance(checked_on, date):
        raise Invalid(_l("Give the date of the check."), field="checked_on")
    low, _high = date_window()
    if checked_on > today() or checked_on < max(low, today() - timedelta(days=LATE_DAYS)):
        raise Invalid(_l("The check's date must be within the last %(n)d days.", n=LATE_DAYS), field="checked_on")
    scope = (scope or "").strip()
    findings = (findings or "").strip()
    if not scope:
        raise Invalid(_l("Say what was checked."), field="scope")
    if len(scope) > MAX_TEXT or len(findings) > MAX_TEXT:
        raise Invalid(_l("At most %(n)d characters.", n=MAX_TEXT), field="scope")
    try:
        p = period_of(frequency(role), checked_on)
        task = db.session.execute(select(DutyTask).where(
            DutyTask.installation_id == installation.id, DutyTask.duty_role == role,
            DutyTask.period_key == p.key)).scalar_one_or_none()
        if task is None:
            task = DutyTask(installation_id=installation.id, duty_role=role, user_id=actor.id, period_key=p.key,
                            starts_on=p.starts_on, due_on=p.due_on, status=DutyTaskStatus.OPEN.value)
            db.session.add(task)
        if task.status == DutyTaskStatus.OPEN.value:
            task.status = DutyTaskStatus.DONE.value
            task.done_on = checked_on
        db.session.flush()
        check = DutyCheck(installation_id=installation.id, task_id=task.id, user_id=actor.id, duty_role=role,
                          checked_on=checked_on, scope=scope, findings=findings)
        db.session.add(check)
        db.session.flush()
        filed = []
        for item in hazards:
            filed.append(lifecycle.file_hazard(
                actor, enterprise=installation.enterprise, title=item.get("title", ""),
                category=item.get("category", ""), deadline=item.get("deadline"),
                description=item.get("description", ""), location=item.get("location") or installation.name,
                found_on=checked_on, source=HazardSource.DUTY_CHECK.value, installation=installation,
                commit=False))
        audit.append_event(action="installation.duty_check", actor=actor, data={
            "installation_id": installation.id, "duty_check_id": check.id, "role": role,
            "period": p.key, "hazards": [h.id for h in filed]})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return check, filed


def my_tasks(user, day=None, limit=40):
    """The user's duty tasks: open ones first (by due date), then the latest done and missed."""
    day = day or today()
    return db.session.scalars(
        select(DutyTask).where(DutyTask.user_id == user.id)
        .order_by((DutyTask.status != DutyTaskStatus.OPEN.value), DutyTask.due_on.desc(), DutyTask.id.desc())
        .limit(limit)).all()


def missed_since(day=None):
    """Start of "this period" for the park view: the current quarter (the longest duty period),
    including the quarter's check that ended the day before it began."""
    day = day or today()
    return period_of("quarter", day).starts_on - timedelta(days=1)


def missed_counts(installation_ids, day=None):
    """{installation id: missed tasks due since ``missed_since``} in one query."""
    from sqlalchemy import func

    if not installation_ids:
        return {}
    return dict(db.session.execute(
        select(DutyTask.installation_id, func.count(DutyTask.id))
        .where(DutyTask.installation_id.in_(installation_ids), DutyTask.status == DutyTaskStatus.MISSED.value,
               DutyTask.due_on >= missed_since(day)).group_by(DutyTask.installation_id)).all())
