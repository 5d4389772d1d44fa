"""Who hears about what: in-app notifications and the e-mail/webhook outbox.

Messages are in Chinese (the office's working language) and name the
enterprise, the hazard code and title, the deadline, and a link.
An idempotency key makes a job's rerun create nothing twice.
"""
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import select

from .clock import utcnow
from .extensions import db
from .models import Notification, OutboxChannel, OutboxMessage, OutboxStatus, Role, User
from .sequences import insert_ignore


def hazard_link(hazard_id):
    base = current_app.config.get("PUBLIC_BASE_URL", "") if has_app_context() else ""
    return f"{base.rstrip('/')}/hazards/{hazard_id}"


def users_of_enterprise(enterprise_id):
    return db.session.execute(
        select(User).where(User.enterprise_id == enterprise_id, User.active.is_(True))
    ).scalars().all()


def users_with_role(role):
    return db.session.execute(select(User).where(User.role == role, User.active.is_(True))).scalars().all()


def notify(users, *, kind, title, body, hazard_id=None, link="", key=None, email=True):
    """Create an in-app notification (and an outbox e-mail) for each user, once per key."""
    seen = set()
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        user_key = f"{key}:user:{user.id}" if key else None
        values = {"user_id": user.id, "kind": kind, "title": title[:300], "body": body, "link": link,
                  "hazard_id": hazard_id, "idempotency_key": user_key, "created_at": utcnow()}
        if user_key:
            db.session.execute(insert_ignore(Notification, values, ["idempotency_key"]))
        else:
            db.session.add(Notification(**values))
        if email and user.email:
            enqueue(OutboxChannel.EMAIL, user.email, title, f"{body}\n\n{link}".strip(),
                    key=f"{user_key}:email" if user_key else None)


def enqueue(channel, recipient, subject, body, key=None):
    """Put a message in the outbox; delivered by the outbox job, never lost."""
    values = {"channel": str(channel), "recipient": recipient, "subject": subject[:300], "body": body,
              "idempotency_key": key, "status": OutboxStatus.PENDING.value, "attempts": 0,
              "next_attempt_at": utcnow() - timedelta(seconds=1), "created_at": utcnow(),
              "last_error": ""}
    if key:
        db.session.execute(insert_ignore(OutboxMessage, values, ["idempotency_key"]))
    else:
        db.session.add(OutboxMessage(**values))


def _describe(hazard):
    return (f"企业：{hazard.enterprise.name}\n隐患编号：{hazard.code}\n隐患：{hazard.title}\n"
            f"整改期限：{hazard.deadline:%Y年%m月%d日}")


def on_filed(hazard, actor):
    notify(users_of_enterprise(hazard.enterprise_id), kind="filed",
           title=f"新隐患待整改：{hazard.code} {hazard.title}", body=_describe(hazard),
           hazard_id=hazard.id, link=hazard_link(hazard.id))


_TITLES = {
    "acknowledge": "企业已确认隐患",
    "submit": "整改已提交，待复查",
    "reject": "复查未通过，请继续整改",
    "verify": "复查通过",
    "close": "隐患已销号",
    "withdraw": "隐患已撤销",
    "request_extension": "企业申请延期",
    "approve_extension": "延期申请已批准",
    "refuse_extension": "延期申请未批准",
}


def on_transition(hazard, action, actor, comment=""):
    """Tell the people concerned about a lifecycle action."""
    enterprise_users = users_of_enterprise(hazard.enterprise_id)
    inspectors = [hazard.found_by]
    if hazard.inspection is not None:
        inspectors += list(hazard.inspection.inspectors)
    admins = users_with_role(Role.ADMIN)
    recipients = {
        "acknowledge": inspectors,
        "submit": inspectors,
        "reject": enterprise_users,
        "verify": enterprise_users + (admins if hazard.status == "verified" else []),
        "close": enterprise_users + inspectors,
        "withdraw": enterprise_users + inspectors,
        "request_extension": admins,
        "approve_extension": enterprise_users + inspectors,
        "refuse_extension": enterprise_users,
    }.get(action, [])
    recipients = [u for u in recipients if u is not None and u.id != actor.id]
    body = _describe(hazard) + (f"\n说明：{comment}" if comment else "")
    notify(recipients, kind=action, title=f"{_TITLES.get(action, action)}：{hazard.code} {hazard.title}",
           body=body, hazard_id=hazard.id, link=hazard_link(hazard.id))
