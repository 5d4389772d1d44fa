"""The ``statistics-reminder`` job: remind enterprises and the office before a statistics table is due.

The 隐患排查治理情况统计表 is due by the 15th of the month after each quarter
and the annual one by 31 January (reference §8.3; 原安监总局令第16号 第十四条;
``documents.statistics.due_on``). ``statistics_reminder_days`` (an office
setting, default 5) days before a due date, every active user of an active
enterprise and the office (admins) get an in-app notification and an
e-mail in the outbox.

The job's period is the due date itself (the ledger key is e.g.
``2027-01-15``): the daily slot maps to the latest due date whose reminder
window has opened, so the ledger runs it exactly once per due date, and a
missed day is caught up by the next one. Every notification has an
idempotency key per due date and table, so a forced rerun sends nothing
twice. A due date already past when the job first runs (a new installation)
sends nothing.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from .. import notifications, settings
from ..clock import to_local
from ..documents.statistics import due_dates_around, period_label, tables_due_on
from ..documents.text import cn_date
from ..extensions import db
from ..models import Enterprise, Role, User

JOB = "statistics-reminder"


def reminder_days() -> int:
    return max(0, int(settings.get("statistics_reminder_days")))


def due_date_for(day: date) -> date:
    """The period of the job on ``day``: the latest due date whose reminder window has opened by then."""
    days = reminder_days()
    return max(d for d in due_dates_around(day) if d - timedelta(days=days) <= day)


def _recipients():
    """Active users of active enterprises (by enterprise) and the office's active admins."""
    by_enterprise: dict[int, list] = {}
    for user in db.session.execute(
            select(User.id, User.email, User.enterprise_id)
            .join(Enterprise, Enterprise.id == User.enterprise_id)
            .where(User.active.is_(True), Enterprise.active.is_(True)).order_by(User.id)):
        by_enterprise.setdefault(user.enterprise_id, []).append(user)
    admins = db.session.execute(
        select(User.id, User.email).where(User.role == Role.ADMIN.value, User.active.is_(True))
        .order_by(User.id)).all()
    return by_enterprise, admins


def _link() -> str:
    from flask import current_app

    return current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/") + "/reports/#statistics"


def remind(due: date, now) -> dict:
    """Send the reminders for the tables due on ``due`` (the job's period)."""
    today = to_local(now).date()
    tables = tables_due_on(due)
    if not tables or today > due:
        return {"tables": 0, "notifications": 0, "late": int(today > due)}
    by_enterprise, admins = _recipients()
    days_left = (due - today).days
    when = f"{cn_date(due)}前" + (f"（还有{days_left}天）" if days_left else "（今天到期）")
    messages = []
    for kind, period in tables:
        label = f"{period_label(kind, period)}隐患排查治理情况统计表"
        key = f"statistics-due:{due.isoformat()}:{kind}:{period}"
        for enterprise_id, users in by_enterprise.items():
            messages.append({
                "users": users, "kind": "statistics_due", "title": f"请于{when}报送{label}",
                "body": f"按照《安全生产事故隐患排查治理暂行规定》，请于{cn_date(due)}前向园区应急管理部门报送"
                        f"本单位{label}（主要负责人签字、单位盖章）。可在系统“报告”中生成本单位统计表。",
                "link": _link(), "key": f"{key}:enterprise:{enterprise_id}",
            })
        messages.append({
            "users": admins, "kind": "statistics_due", "title": f"{label}将于{cn_date(due)}到期报送",
            "body": f"{label}应于{cn_date(due)}前报送。请在“报告”中生成园区统计表，并督促各企业按时报送。",
            "link": _link(), "key": f"{key}:office",
        })
    created = notifications.notify_many(messages)
    return {"tables": len(tables), "notifications": created, "late": 0}
