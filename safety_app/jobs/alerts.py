"""The daily alert jobs: ``overdue-scan`` and ``due-soon``.

Both select the hazards concerned with one indexed query on
(status, deadline) — the day's few thousand, never every hazard — and write
notifications in bulk with idempotency keys, committing chunk by chunk, so a
run that dies half-way is completed by the rerun without a duplicate.

When a hazard is alerted (``d`` = days overdue on the scan's day, ``N`` =
setting ``escalation_days``):

- ``d == 1`` — newly overdue: the enterprise's active users (and its safety
  contact's e-mail) and the inspector who found it; the admins too for a
  major hazard;
- ``d == N + 1`` (overdue *more than* N days): the same people and the
  admins (escalation).

One bad row never stops a run: a chunk that fails is retried row by row, and
a row that still fails is recorded (``jobs/failures``) while the rest are written.

Only these two days: a park with thousands of long-overdue hazards must not
bury the office in the same reminders every day; the dashboard and the
ledger's overdue filter show the whole backlog.

Overdue is ``figures.definitions.overdue`` (the dashboard's, the ledger's and the
reports' figure) derived from the current deadline, so an approved extension restarts
the count. Only hazards still waiting on the enterprise are alerted: a hazard handed in
(submitted, verified) waits on the office, whose backlog is its own figure. ``due-soon`` reminds the enterprise ``due_soon_days``
days before the deadline.
"""
from datetime import timedelta

from sqlalchemy import select

from .. import lifecycle, notifications, settings
from ..extensions import db
from ..figures import definitions
from ..models import Enterprise, Hazard, HazardLevel, Role, User
from . import failures

CHUNK = 500  # hazards per transaction
WEBHOOK_LINES = 20

OPEN_STATUSES = sorted(s.value for s in lifecycle.NOT_FINAL)


def _hazard_rows(where):
    stmt = (
        select(Hazard.id, Hazard.code, Hazard.title, Hazard.deadline, Hazard.level, Hazard.enterprise_id,
               Hazard.found_by_id, Enterprise.name.label("enterprise_name"),
               Enterprise.contact_email.label("contact_email"))
        .join(Enterprise, Enterprise.id == Hazard.enterprise_id)
        .where(Hazard.status.in_(OPEN_STATUSES), *where)
        .order_by(Hazard.id)
    )
    return db.session.execute(stmt).all()


def _people(rows, *, inspectors=True):
    """Active users of the enterprises concerned, the finding inspectors and the admins, in 3 queries."""
    enterprise_ids = {r.enterprise_id for r in rows}
    by_enterprise = {}
    for user in db.session.execute(
        select(User.id, User.email, User.enterprise_id)
        .where(User.enterprise_id.in_(enterprise_ids), User.active.is_(True)).order_by(User.id)
    ):
        by_enterprise.setdefault(user.enterprise_id, []).append(user)
    finders = {}
    if inspectors:
        finder_ids = {r.found_by_id for r in rows}
        finders = {u.id: u for u in db.session.execute(
            select(User.id, User.email).where(User.id.in_(finder_ids), User.active.is_(True)))}
    admins = db.session.execute(
        select(User.id, User.email).where(User.role == Role.ADMIN.value, User.active.is_(True)).order_by(User.id)
    ).all()
    return by_enterprise, finders, admins


def _describe(row):
    return (f"企业：{row.enterprise_name}\n隐患编号：{row.code}\n隐患：{row.title}\n"
            f"级别：{'重大隐患' if row.level == HazardLevel.MAJOR.value else '一般隐患'}\n"
            f"整改期限：{row.deadline:%Y年%m月%d日}")


def _chunks(rows):
    for start in range(0, len(rows), CHUNK):
        yield rows[start:start + CHUNK]


def overdue_alert(row, day, people, escalation_days):
    """The notification for one overdue hazard on ``day`` (a dict for ``notifications.notify_many``)."""
    by_enterprise, finders, admins = people
    days = (day - row.deadline).days
    major = row.level == HazardLevel.MAJOR.value
    escalated = days > escalation_days
    users = list(by_enterprise.get(row.enterprise_id, ())) + [finders.get(row.found_by_id)]
    if escalated or major:
        users += admins
    prefix = "【升级督办】" if escalated else ""
    body = f"{_describe(row)}\n已逾期：{days}天"
    if escalated:
        body += f"\n逾期超过{escalation_days}天，已报园区应急办督办。"
    elif major:
        body += "\n重大隐患逾期，已同时报园区应急办。"
    return {
        "users": users, "emails": [row.contact_email] if row.contact_email else [],
        "kind": "escalation" if escalated else "overdue",
        "title": f"{prefix}隐患逾期{days}天未整改：{row.enterprise_name} {row.code} {row.title}",
        "body": body, "hazard_id": row.id, "link": notifications.hazard_link(row.id),
        "key": f"overdue:{day.isoformat()}:hazard:{row.id}",
    }


def _alert_deadlines(day, escalation_days):
    """Deadlines whose hazards are alerted on ``day``: overdue by 1 day, and by N+1 days (escalation)."""
    return sorted({day - timedelta(days=1), day - timedelta(days=escalation_days + 1)})


def _notify_rows(job, day, rows, make):
    """Write the notifications of ``rows`` chunk by chunk; when a chunk fails, row by row.

    A row that fails on its own is recorded (``job_failures``) and the others
    are written. Returns (notifications created, messages written, rows failed).
    """
    created, written, failed = 0, [], 0
    for chunk in _chunks(rows):
        try:
            messages = [make(row) for row in chunk]
            created += notifications.notify_many(messages)
            db.session.commit()
            written += messages
            continue
        except failures.TRANSIENT:
            db.session.rollback()
            raise
        except Exception:  # noqa: BLE001 — find the bad row(s) below
            db.session.rollback()
        for row in chunk:
            box = []

            def one(row=row, box=box):
                box.append(make(row))
                box.append(notifications.notify_many(box[:1]))

            if failures.attempt(job, day, failures.item_name("hazard", row.id), one):
                created += box[1]
                written.append(box[0])
            else:
                failed += 1
    return created, written, failed


def overdue_scan(day, now):
    """Alert the hazards overdue on ``day`` as described in the module docstring."""
    escalation_days = int(settings.get("escalation_days"))
    rows = _hazard_rows([definitions.overdue_clause(day), definitions.waits_on_enterprise(Hazard),
                         Hazard.deadline.in_(_alert_deadlines(day, escalation_days))])
    people = _people(rows)
    created, messages, failed = _notify_rows(
        "overdue-scan", day, rows, lambda row: overdue_alert(row, day, people, escalation_days))
    escalated = sum(1 for m in messages if m["kind"] == "escalation")
    if rows:
        failures.attempt("overdue-scan", day, "webhook-digest",
                         lambda: _webhook_digest(day, rows, escalation_days))
    return {"hazards": len(rows), "escalated": escalated, "notifications": created, "failed": failed}


def _webhook_digest(day, rows, escalation_days):
    lines = [f"【隐患逾期提醒】{day:%Y年%m月%d日}：逾期未整改隐患 {len(rows)} 项"]
    for n, row in enumerate(rows[:WEBHOOK_LINES], start=1):
        days = (day - row.deadline).days
        flag = "（升级督办）" if days > escalation_days else ("（重大隐患）" if row.level == "major" else "")
        lines.append(f"{n}. {row.enterprise_name} {row.code} {row.title}，"
                     f"期限{row.deadline:%m月%d日}，逾期{days}天{flag} {notifications.hazard_link(row.id)}")
    if len(rows) > WEBHOOK_LINES:
        lines.append(f"……另有 {len(rows) - WEBHOOK_LINES} 项，请登录系统查看。")
    notifications.enqueue_webhook("\n".join(lines), key=f"overdue:{day.isoformat()}:webhook")


def due_soon_reminder(row, day, people, days_left):
    by_enterprise, _finders, _admins = people
    return {
        "users": by_enterprise.get(row.enterprise_id, ()), "emails": [row.contact_email] if row.contact_email else [],
        "kind": "due_soon",
        "title": f"整改期限还有{days_left}天：{row.enterprise_name} {row.code} {row.title}",
        "body": f"{_describe(row)}\n距整改期限还有{days_left}天，请按期完成整改并提交复查。",
        "hazard_id": row.id, "link": notifications.hazard_link(row.id),
        "key": f"due-soon:{day.isoformat()}:hazard:{row.id}",
    }


def due_soon(day, now):
    """Remind each enterprise of its hazards whose deadline is ``due_soon_days`` after ``day``."""
    days_left = int(settings.get("due_soon_days"))
    rows = _hazard_rows([Hazard.deadline == day + timedelta(days=days_left)])
    people = _people(rows, inspectors=False)
    created, _messages, failed = _notify_rows(
        "due-soon", day, rows, lambda row: due_soon_reminder(row, day, people, days_left))
    return {"hazards": len(rows), "notifications": created, "failed": failed}
