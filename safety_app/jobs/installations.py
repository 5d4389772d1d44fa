"""Jobs of the major hazard installations: ``installation-assessments`` and ``duty-tasks``.

``installation-assessments`` (daily): an in-service installation's assessment is due
``validity_years`` after its date (default 3 years). The enterprise's users are reminded
``assessment_reminder_days_first`` (60) and ``assessment_reminder_days_second`` (30) days
before, and the enterprise and the admins are alerted once it is overdue. Each message is
written once per installation, due date and stage (idempotency key), so a rerun, a catch-up
of missed days or a day that jumps a stage never repeats one; a new assessment date
starts the cycle again.

``duty-tasks`` (daily): ``safety_app.duties.run_job``.
"""
from datetime import timedelta

from sqlalchemy import select

from .. import duties, settings
from ..extensions import db
from ..models import Enterprise, Installation, InstallationStatus, Role, User
from ..notifications import notify_many

CATCH_UP_DAYS = 31  # an overdue alert missed while the scheduler was down is still sent this long after


def stage(due, day, first, second):
    """'overdue', 'second' (≤ 30 days left), 'first' (≤ 60 days left) or None."""
    if day > due:
        return "overdue"
    if (due - day).days <= second:
        return "second"
    if (due - day).days <= first:
        return "first"
    return None


def assessment_reminders(day, now):
    first = int(settings.get("assessment_reminder_days_first"))
    second = int(settings.get("assessment_reminder_days_second"))
    rows = db.session.execute(
        select(Installation.id, Installation.code, Installation.name, Installation.assessment_due,
               Installation.enterprise_id, Enterprise.name.label("enterprise_name"))
        .join(Enterprise, Enterprise.id == Installation.enterprise_id)
        .where(Installation.status == InstallationStatus.IN_SERVICE.value,
               Installation.assessment_due.is_not(None),
               Installation.assessment_due >= day - timedelta(days=CATCH_UP_DAYS),
               Installation.assessment_due <= day + timedelta(days=first))
        .order_by(Installation.id)).all()
    if not rows:
        return {"installations": 0, "notifications": 0}
    by_enterprise = {}
    for user in db.session.execute(select(User.id, User.email, User.enterprise_id).where(
            User.enterprise_id.in_({r.enterprise_id for r in rows}), User.active.is_(True))):
        by_enterprise.setdefault(user.enterprise_id, []).append(user)
    admins = db.session.execute(select(User.id, User.email).where(
        User.role == Role.ADMIN.value, User.active.is_(True))).all()
    messages = []
    for r in rows:
        which = stage(r.assessment_due, day, first, second)
        if which is None:
            continue
        users = list(by_enterprise.get(r.enterprise_id, ()))
        if which == "overdue":
            users += admins
            title = f"重大危险源安全评估已逾期：{r.enterprise_name} {r.code} {r.name}"
            tail = f"评估有效期已于{r.assessment_due:%Y年%m月%d日}届满，请立即组织安全评估并备案。"
        else:
            left = (r.assessment_due - day).days
            title = f"重大危险源安全评估还有{left}天到期：{r.enterprise_name} {r.code} {r.name}"
            tail = f"评估有效期至{r.assessment_due:%Y年%m月%d日}，请提前组织安全评估。"
        messages.append({
            "users": users, "kind": f"assessment_{which}", "title": title,
            "body": f"企业：{r.enterprise_name}\n重大危险源：{r.code} {r.name}\n{tail}", "hazard_id": None,
            "link": duties.link(r.id),
            "key": f"installation-assessment:{r.id}:{r.assessment_due.isoformat()}:{which}",
        })
    created = notify_many(messages)
    db.session.commit()
    return {"installations": len(messages), "notifications": created}
