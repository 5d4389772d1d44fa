"""Who hears about what: in-app notifications and the e-mail/webhook outbox.

Messages are in Chinese (the office's working language) and name the
enterprise, the hazard code and title, the deadline, and a link.
An idempotency key makes a job's rerun create nothing twice: every write
with a key is an INSERT ... ON CONFLICT DO NOTHING on ``idempotency_key``.
"""
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from . import major
from .clock import utcnow
from .extensions import db
from .mailer import header_text
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
            enqueue(OutboxChannel.EMAIL, user.email, title, _email_body(body, link),
                    key=f"{user_key}:email" if user_key else None)


def _email_body(body, link):
    return f"{body}\n\n{link}".strip()


def one_line(text, limit=300):
    """A subject for the outbox: line breaks and control characters become a space (mail headers are one line)."""
    return header_text(text, limit)


def _outbox_values(channel, recipient, subject, body, key, now):
    return {"channel": str(channel), "recipient": recipient, "subject": one_line(subject), "body": body,
            "idempotency_key": key, "status": OutboxStatus.PENDING.value, "attempts": 0,
            "next_attempt_at": now - timedelta(seconds=1), "created_at": now, "last_error": ""}


def enqueue(channel, recipient, subject, body, key=None):
    """Put a message in the outbox; delivered by the outbox job, never lost."""
    values = _outbox_values(channel, recipient, subject, body, key, utcnow())
    if key:
        db.session.execute(insert_ignore(OutboxMessage, values, ["idempotency_key"]))
    else:
        db.session.add(OutboxMessage(**values))


def enqueue_webhook(text, key):
    """Queue a group-robot message (WeCom / DingTalk style) when a webhook URL is configured."""
    from . import settings

    url = (settings.get("webhook_url") or "").strip()
    if url:
        enqueue(OutboxChannel.WEBHOOK, url, text.split("\n", 1)[0], text, key=key)


def _insert_ignore_many(model):
    module = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(model).on_conflict_do_nothing(index_elements=["idempotency_key"])


def notify_many(messages):
    """Bulk ``notify`` for the jobs: two INSERT ... ON CONFLICT DO NOTHING statements in all.

    ``messages`` are dicts with ``users`` (objects with ``id`` and ``email``), ``kind``, ``title``,
    ``body``, ``hazard_id``, ``link``, ``key`` (required) and optionally ``email`` (default True)
    and ``emails`` (further addresses, e-mailed only).
    Returns the number of notifications actually created (a rerun creates none).
    """
    now = utcnow()
    notes, mails = [], []
    for message in messages:
        seen = set()
        title, body, link = message["title"][:300], message["body"], message.get("link", "")
        for user in message["users"]:
            if user is None or user.id in seen:
                continue
            seen.add(user.id)
            user_key = f"{message['key']}:user:{user.id}"
            notes.append({"user_id": user.id, "kind": message["kind"], "title": title, "body": body,
                          "link": link, "hazard_id": message.get("hazard_id"), "idempotency_key": user_key,
                          "created_at": now, "read_at": None})
            if message.get("email", True) and user.email:
                mails.append(_outbox_values(OutboxChannel.EMAIL, user.email, title, _email_body(body, link),
                                            f"{user_key}:email", now))
        # Addresses without an account (the enterprise's safety contact): e-mail only.
        known = {getattr(u, "email", "") for u in message["users"] if u is not None}
        for address in dict.fromkeys(message.get("emails", ())):
            if address and address not in known:
                mails.append(_outbox_values(OutboxChannel.EMAIL, address, title, _email_body(body, link),
                                            f"{message['key']}:mailto:{address}"[:200], now))
    created = 0
    connection = db.session.connection()  # Core executemany, in the session's transaction
    if notes:
        # RETURNING lists only the rows really inserted (rowcount is not reliable for this on PostgreSQL).
        created = len(connection.execute(_insert_ignore_many(Notification).returning(Notification.id), notes).all())
    if mails:
        connection.execute(_insert_ignore_many(OutboxMessage), mails)
    return created


def _describe(hazard):
    return (f"企业：{hazard.enterprise.name}\n隐患编号：{hazard.code}\n隐患：{hazard.title}\n"
            f"整改期限：{hazard.deadline:%Y年%m月%d日}")


def on_filed(hazard, actor):
    notify(users_of_enterprise(hazard.enterprise_id), kind="filed",
           title=f"新隐患待整改：{hazard.code} {hazard.title}", body=_describe(hazard),
           hazard_id=hazard.id, link=hazard_link(hazard.id))
    if hazard.level == "major" and actor is not None and actor.role == Role.ENTERPRISE:
        # A major hazard the enterprise found itself is reported to the office at once.
        staff = users_with_role(Role.ADMIN) + users_with_role(Role.INSPECTOR)
        notify([u for u in staff if u.id != actor.id], kind="self_reported_major",
               title=f"企业自查上报重大事故隐患：{hazard.enterprise.name} {hazard.code} {hazard.title}",
               body=_describe(hazard) + f"\n上报人：{actor.name}\n重大事故隐患只能经监管部门复查、验收销号。",
               hazard_id=hazard.id, link=hazard_link(hazard.id), key=f"self-major:{hazard.id}")


def on_assigned(hazard, user, actor, measure=None):
    """``user`` has been made responsible for ``hazard`` (or one of its ``measure``s)."""
    if user is None or (actor is not None and user.id == actor.id):
        return
    what = f"整改措施：{measure.description[:100]}\n" if measure is not None else ""
    notify([user], kind="assigned", title=f"您被指定为隐患整改责任人：{hazard.code} {hazard.title}",
           body=what + _describe(hazard), hazard_id=hazard.id, link=hazard_link(hazard.id))


_TITLES = {
    "edit": "隐患整改期限已更正",  # a corrected deadline (lifecycle.edit_hazard)
    "acknowledge": "企业已确认隐患",
    "submit": "整改已提交，待复查",
    "reject": "复查未通过，请继续整改",
    "verify": "复查通过",
    "close": "隐患已销号",
    "accept": "企业自查隐患已验收销号",
    "withdraw": "隐患已撤销",
    "request_extension": "企业申请延期",
    "approve_extension": "延期申请已批准",
    "refuse_extension": "延期申请未批准",
    "reclassify": "隐患等级已调整为一般事故隐患",
    "list_supervision": "重大事故隐患已挂牌督办",
    "lift_supervision": "重大事故隐患已摘牌",
    "record_suspension": "重大事故隐患：已登记停产停业",
    "end_suspension": "重大事故隐患：停产停业已结束",
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
        "accept": enterprise_users,
        "withdraw": enterprise_users + inspectors,
        "request_extension": admins,
        "approve_extension": enterprise_users + inspectors,
        "refuse_extension": enterprise_users,
        "reclassify": enterprise_users + inspectors,
        "list_supervision": enterprise_users + inspectors,
        "lift_supervision": enterprise_users + inspectors,
        "record_suspension": enterprise_users + inspectors + admins,
        "end_suspension": enterprise_users + inspectors + admins,
        "edit": enterprise_users,
    }.get(action, [])
    recipients = [u for u in recipients if u is not None and u.id != actor.id]
    body = _describe(hazard) + (f"\n说明：{comment}" if comment else "")
    notify(recipients, kind=action, title=f"{_TITLES.get(action, action)}：{hazard.code} {hazard.title}",
           body=body, hazard_id=hazard.id, link=hazard_link(hazard.id))


def on_became_major(hazard, actor):
    """A hazard reclassified as major: the enterprise must now make the governance plan."""
    basis = major.basis_label(hazard)
    body = (_describe(hazard) + (f"\n判定依据：{basis}" if basis else "")
            + (f"\n理由：{hazard.major_reason}" if hazard.major_reason else "")
            + "\n请按《安全生产事故隐患排查治理暂行规定》制定并实施重大事故隐患治理方案（六项内容），"
              "治理方案完整前不得标记措施完成或提交复查；治理完成后应当上传治理效果评估报告。")
    inspectors = [hazard.found_by] + (list(hazard.inspection.inspectors) if hazard.inspection else [])
    recipients = [u for u in users_of_enterprise(hazard.enterprise_id) + inspectors
                  if u is not None and u.id != actor.id]
    notify(recipients, kind="reclassify", title=f"隐患已判定为重大事故隐患：{hazard.code} {hazard.title}",
           body=body, hazard_id=hazard.id, link=hazard_link(hazard.id))


# --- the in-app inbox: a user only ever reaches their own notifications ---------------------------

def unread_count(user):
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def mark_read(notification, user):
    """Mark one of ``user``'s notifications read (no-op when already read); commits."""
    if notification.user_id != user.id:
        raise PermissionError("not the user's notification")
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()


def mark_all_read(user):
    """Mark every unread notification of ``user`` read; returns how many; commits."""
    count = db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount
    db.session.commit()
    return count
