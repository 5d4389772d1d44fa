"""Inspection plans (检查计划) and their tasks: the office plans who inspects which enterprises how often.

A plan (admin; inspectors read) names a scope (all, an industry, a zone, an installation level,
or a list; resolved as of each period), an optional inspection type, a frequency (month,
quarter, half-year, year), its inspectors and an active period. The ``plan-tasks`` job, once a
day through the job ledger:

- marks the tasks of ended periods that no completed inspection fulfilled as missed and tells
  the inspector and the admins (once per task: ``missed_on`` is set once, idempotency key);
- creates each active plan's tasks of the current period, one per enterprise (INSERT … ON
  CONFLICT DO NOTHING on (plan, enterprise, period): once, whatever the number of runs);
- reminds each task's inspector ``plan_reminder_days`` before the period ends (once per task).

A task is fulfilled by a completed inspection at its enterprise within its period (of the
plan's type, if named): derived (``figures.coverage.task_fulfilled``), never stored.

双随机: a plan with ``draw_size`` k draws k enterprises of its scope per period and assigns each
an inspector at random; the seed and the inputs (candidate and inspector ids) are recorded, so
``draw(…)`` with the same seed and inputs gives the same result (``reproduce``).
"""
import calendar
import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from . import notifications, settings
from .clock import today, utcnow
from .extensions import db
from .figures import coverage as cov
from .lifecycle_errors import Invalid, NotAllowed
from .models import Enterprise, InspectionPlan, PlanDraw, PlanFrequency, PlanTask, Role, ScopeKind, User
from .sequences import insert_ignore
from .validation import date_window

FREQUENCIES = tuple(f.value for f in PlanFrequency)
SCOPES = tuple(s.value for s in ScopeKind)
LEVELS = ("any", "level1", "level2", "level3", "level4")
MAX_DRAW = 1000


@dataclass(frozen=True)
class Period:
    key: str
    starts_on: date
    due_on: date


def _month_end(year, month):
    return date(year, month, calendar.monthrange(year, month)[1])


def period_of(frequency, day):
    """The period of ``frequency`` containing ``day``: calendar month, quarter, half-year or year."""
    if frequency == "month":
        return Period(f"{day.year}-{day.month:02d}", day.replace(day=1), _month_end(day.year, day.month))
    if frequency == "quarter":
        q = (day.month - 1) // 3 + 1
        return Period(f"{day.year}-Q{q}", date(day.year, 3 * q - 2, 1), _month_end(day.year, 3 * q))
    if frequency == "half":
        h = 1 if day.month <= 6 else 2
        return Period(f"{day.year}-H{h}", date(day.year, 6 * h - 5, 1), _month_end(day.year, 6 * h))
    if frequency == "year":
        return Period(f"{day.year}", date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(f"unknown frequency {frequency!r}")


def current_period(plan, day=None):
    """The plan's period containing ``day`` (default today), or None outside the plan's active dates."""
    day = day or today()
    if not plan.active or day < plan.starts_on or day > plan.ends_on:
        return None
    return period_of(plan.frequency, day)


# --------------------------------------------------------------------------- defining a plan


def _staff(ids):
    ids = sorted({int(i) for i in ids or ()})
    users = db.session.scalars(select(User).where(User.id.in_(ids))).all() if ids else []
    if len(users) != len(ids) or any(u.role not in (Role.ADMIN, Role.INSPECTOR) or not u.active for u in users):
        raise Invalid(_l("Only active inspectors and administrators can be assigned."), field="inspectors")
    return users


def validate_scope(kind, value, enterprise_ids):
    """(kind, value, enterprises) checked: a known kind, a value where one is needed, a list where it is."""
    if kind not in SCOPES:
        raise Invalid(_l("Choose which enterprises."), field="scope_kind")
    value = (value or "").strip()
    enterprises = []
    if kind in (ScopeKind.INDUSTRY.value, ScopeKind.ZONE.value) and not value:
        raise Invalid(_l("Give the industry or zone."), field="scope_value")
    if kind == ScopeKind.LEVEL.value and value not in LEVELS:
        raise Invalid(_l("Choose an installation level."), field="scope_value")
    if kind == ScopeKind.LIST.value:
        ids = sorted({int(i) for i in enterprise_ids or ()})
        enterprises = db.session.scalars(select(Enterprise).where(Enterprise.id.in_(ids))).all() if ids else []
        if not enterprises or len(enterprises) != len(ids):
            raise Invalid(_l("Choose at least one enterprise."), field="enterprises")
    if kind in (ScopeKind.ALL.value, ScopeKind.LIST.value):
        value = ""
    if len(value) > 100:
        raise Invalid(_l("At most %(n)d characters.", n=100), field="scope_value")
    return kind, value, enterprises


def validate_dates(starts_on, ends_on):
    low, high = date_window()
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        raise Invalid(_l("Give the start and end dates."), field="starts_on")
    if not (low <= starts_on <= high and low <= ends_on <= high):
        raise Invalid(_l("The date is outside the accepted range."), field="starts_on")
    if ends_on < starts_on:
        raise Invalid(_l("The end date cannot be before the start date."), field="ends_on")


def create_plan(actor, *, name, scope_kind, scope_value="", enterprise_ids=(), inspection_type=None,
                frequency, starts_on, ends_on, inspector_ids=(), draw_size=None):
    """Define a plan (admin); commits and returns it."""
    from . import reference

    if actor is None or actor.role != Role.ADMIN:
        raise NotAllowed(_l("Only administrators define inspection plans."))
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid(_l("Give the plan a name (at most 200 characters)."), field="name")
    kind, value, enterprises = validate_scope(scope_kind, scope_value, enterprise_ids)
    if inspection_type and reference.inspection_type(inspection_type) is None:
        raise Invalid(_l("Choose a type of inspection from the list."), field="inspection_type")
    if frequency not in FREQUENCIES:
        raise Invalid(_l("Choose a frequency."), field="frequency")
    validate_dates(starts_on, ends_on)
    inspectors = _staff(inspector_ids)
    if not inspectors:
        raise Invalid(_l("Assign at least one inspector."), field="inspectors")
    if draw_size is not None and not (1 <= draw_size <= MAX_DRAW):
        raise Invalid(_l("Draw between 1 and %(n)d enterprises.", n=MAX_DRAW), field="draw_size")
    plan = InspectionPlan(name=name, scope_kind=kind, scope_value=value, inspection_type=inspection_type or None,
                          frequency=frequency, starts_on=starts_on, ends_on=ends_on, draw_size=draw_size,
                          created_by_id=actor.id, inspectors=inspectors, enterprises=enterprises)
    try:
        db.session.add(plan)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return plan


# --------------------------------------------------------------------------- the random draw (双随机)


def draw(enterprise_ids, inspector_ids, size, seed):
    """Draw ``size`` of ``enterprise_ids`` and an inspector for each, from ``seed``: the same inputs and seed
    always give the same [(enterprise id, inspector id)], in enterprise id order."""
    rng = random.Random(f"plan-draw:{seed}")
    candidates = sorted(enterprise_ids)
    people = sorted(inspector_ids)
    chosen = sorted(rng.sample(candidates, min(size, len(candidates))))
    return [(e, rng.choice(people) if people else None) for e in chosen]


def reproduce(row):
    """The result of a recorded draw computed again from its seed and inputs."""
    return [list(pair) for pair in draw(row.enterprise_ids, row.inspector_ids, row.size, row.seed)]


def _draw_for(plan, period, actor=None, seed=None):
    """The period's draw of ``plan`` (made and recorded on first use, in the caller's transaction)."""
    existing = db.session.scalar(select(PlanDraw).where(PlanDraw.plan_id == plan.id,
                                                        PlanDraw.period_key == period.key))
    if existing is not None:
        return existing
    candidates = list(db.session.scalars(select(Enterprise.id).where(
        Enterprise.id.in_(select(cov.in_scope(cov.Scope.of(plan), period.due_on).subquery().c.id)))))
    inspectors = [u.id for u in plan.inspectors if u.active]
    seed = seed or secrets.token_hex(16)
    result = [list(pair) for pair in draw(candidates, inspectors, plan.draw_size, seed)]
    db.session.execute(insert_ignore(PlanDraw, {
        "plan_id": plan.id, "period_key": period.key, "seed": seed, "size": plan.draw_size,
        "enterprise_ids": sorted(candidates), "inspector_ids": sorted(inspectors), "result": result,
        "created_by_id": actor.id if actor is not None else None, "created_at": utcnow()},
        ["plan_id", "period_key"]))
    return db.session.scalar(select(PlanDraw).where(PlanDraw.plan_id == plan.id, PlanDraw.period_key == period.key))


# --------------------------------------------------------------------------- tasks


def assignments(plan, period, actor=None):
    """[(enterprise id, inspector id, draw id)] of the plan's period: the draw's, or every enterprise of the
    scope with the plan's inspectors in turn (by enterprise id)."""
    if plan.draw_size:
        row = _draw_for(plan, period, actor)
        return [(e, i, row.id) for e, i in row.result]
    ids = sorted(db.session.scalars(select(Enterprise.id).where(
        Enterprise.id.in_(select(cov.in_scope(cov.Scope.of(plan), period.due_on).subquery().c.id)))))
    people = [u.id for u in plan.inspectors if u.active]
    return [(e, people[n % len(people)] if people else None, None) for n, e in enumerate(ids)]


def ensure_tasks(day, plans=None, actor=None):
    """Create the current period's tasks of every active plan for ``day``; returns how many were created."""
    created = 0
    if plans is None:
        plans = db.session.scalars(select(InspectionPlan).where(
            InspectionPlan.active.is_(True), InspectionPlan.starts_on <= day, InspectionPlan.ends_on >= day)
            .order_by(InspectionPlan.id)).all()
    now = utcnow()
    for plan in plans:
        period = current_period(plan, day)
        if period is None:
            continue
        for enterprise_id, inspector_id, draw_id in assignments(plan, period, actor):
            inserted = db.session.execute(insert_ignore(PlanTask, {
                "plan_id": plan.id, "enterprise_id": enterprise_id, "period_key": period.key,
                "starts_on": max(period.starts_on, plan.starts_on), "due_on": min(period.due_on, plan.ends_on),
                "inspector_id": inspector_id, "draw_id": draw_id, "created_at": now,
            }, ["plan_id", "enterprise_id", "period_key"]).returning(PlanTask.id)).scalar_one_or_none()
            created += inserted is not None
    return created


def _task_rows(*where, fulfilled=None, as_of=None):
    stmt = (select(PlanTask.id, PlanTask.period_key, PlanTask.due_on, PlanTask.inspector_id, PlanTask.plan_id,
                   PlanTask.enterprise_id, InspectionPlan.name.label("plan_name"),
                   Enterprise.name.label("enterprise_name"))
            .join(InspectionPlan, InspectionPlan.id == PlanTask.plan_id)
            .join(Enterprise, Enterprise.id == PlanTask.enterprise_id).where(*where))
    if fulfilled is not None:
        done = cov.task_fulfilled(PlanTask, InspectionPlan, as_of)
        stmt = stmt.where(done if fulfilled else ~done)
    return db.session.execute(stmt.order_by(PlanTask.id)).all()


def _users(ids):
    ids = {i for i in ids if i is not None}
    return {u.id: u for u in db.session.execute(
        select(User.id, User.email).where(User.id.in_(ids), User.active.is_(True)))} if ids else {}


def link(task_id=None):
    from flask import current_app, has_app_context

    base = current_app.config.get("PUBLIC_BASE_URL", "") if has_app_context() else ""
    return f"{base.rstrip('/')}/plans/due"


def mark_missed(day):
    """Tasks whose period ended before ``day`` with no fulfilling inspection become missed (once each); the
    inspector and the admins are told. Returns the count."""
    rows = _task_rows(PlanTask.missed_on.is_(None), PlanTask.due_on < day, fulfilled=False)
    if not rows:
        return 0
    db.session.execute(update(PlanTask).where(PlanTask.id.in_([r.id for r in rows]), PlanTask.missed_on.is_(None))
                       .values(missed_on=day))
    admins = db.session.execute(select(User.id, User.email).where(
        User.role == Role.ADMIN.value, User.active.is_(True))).all()
    users = _users(r.inspector_id for r in rows)
    notifications.notify_many([{
        "users": [users.get(r.inspector_id), *admins], "kind": "plan_task_missed",
        "title": f"检查任务未按期完成：{r.enterprise_name}（{r.plan_name}，{r.period_key}）",
        "body": (f"检查计划：{r.plan_name}\n企业：{r.enterprise_name}\n周期：{r.period_key}\n"
                 f"截止日期：{r.due_on:%Y年%m月%d日}\n本周期未完成检查。"),
        "hazard_id": None, "link": link(r.id), "key": f"plan-missed:task:{r.id}",
    } for r in rows])
    return len(rows)


def reminder_days():
    return int(settings.get("plan_reminder_days"))


def remind(day):
    """Remind each inspector of an open task whose period ends within ``plan_reminder_days`` (once per task)."""
    rows = _task_rows(PlanTask.missed_on.is_(None), PlanTask.due_on >= day,
                      PlanTask.due_on <= day + timedelta(days=reminder_days()), fulfilled=False)
    if not rows:
        return 0
    users = _users(r.inspector_id for r in rows)
    return notifications.notify_many([{
        "users": [users.get(r.inspector_id)], "kind": "plan_task_due",
        "title": f"检查任务即将到期：{r.enterprise_name}（{r.plan_name}，{r.period_key}）",
        "body": (f"检查计划：{r.plan_name}\n企业：{r.enterprise_name}\n周期：{r.period_key}\n"
                 f"请于{r.due_on:%Y年%m月%d日}前完成检查。"),
        "hazard_id": None, "link": link(r.id), "key": f"plan-due:task:{r.id}",
    } for r in rows])


def run_job(day, now):
    """The ``plan-tasks`` job for ``day``."""
    missed = mark_missed(day)
    db.session.commit()
    created = ensure_tasks(day)
    db.session.commit()
    reminded = remind(day)
    db.session.commit()
    return {"created": created, "missed": missed, "reminded": reminded}


def generate_now(plan, actor):
    """The admin's "generate this period's tasks now" (with the draw, if the plan draws); commits."""
    if actor is None or actor.role != Role.ADMIN:
        raise NotAllowed(_l("Only administrators define inspection plans."))
    if current_period(plan) is None:
        raise Invalid(_l("The plan is not active today."), field="plan")
    try:
        created = ensure_tasks(today(), [plan], actor)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return created


# --------------------------------------------------------------------------- reading


def due_for(user, day=None):
    """"My inspections due": the user's open tasks of current periods (not fulfilled, not missed), by due date."""
    day = day or today()
    stmt = (select(PlanTask, InspectionPlan, Enterprise)
            .join(InspectionPlan, InspectionPlan.id == PlanTask.plan_id)
            .join(Enterprise, Enterprise.id == PlanTask.enterprise_id)
            .where(PlanTask.inspector_id == user.id, PlanTask.starts_on <= day, PlanTask.due_on >= day,
                   PlanTask.missed_on.is_(None), ~cov.task_fulfilled(PlanTask, InspectionPlan))
            .order_by(PlanTask.due_on, Enterprise.name, PlanTask.id))
    return db.session.execute(stmt).all()


def task_states(plan, period, day=None):
    """[(task, enterprise, state)] of the plan's period: state 'done', 'missed' or 'open'."""
    done = cov.task_fulfilled(PlanTask, InspectionPlan).label("done")
    rows = db.session.execute(
        select(PlanTask, Enterprise, done).join(InspectionPlan, InspectionPlan.id == PlanTask.plan_id)
        .join(Enterprise, Enterprise.id == PlanTask.enterprise_id)
        .where(PlanTask.plan_id == plan.id, PlanTask.period_key == period.key)
        .order_by(Enterprise.name, PlanTask.id)).all()
    return [(t, e, "done" if ok else "missed" if t.missed_on else "open") for t, e, ok in rows]
