"""Reminders (催办) sent by the office to enterprises about hazards waiting on them.

Staff pick hazards from the overdue list or the due-soon list (``web/hazards/bulk.py``,
page 逾期催办) and ``send`` tells each enterprise once, listing its selected hazards: one
in-app notification per active user of the enterprise and its e-mail in the outbox (the
enterprise's safety contact address too). The key of an enterprise's reminder is the day
(park time), the enterprise and the set of hazards, so a double submit (or a second office
user sending the same list the same day) sends nothing twice; each reminded hazard gets a
hash-chained ``hazard.remind`` event, written only when the reminder is really sent.

Only hazards still waiting on the enterprise (open, rectifying) can be reminded; at most
``MAX_BATCH`` at once. A refusal writes nothing.
"""
import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from . import audit, notifications, settings
from .clock import today
from .extensions import db
from .figures import definitions
from .lifecycle_errors import Invalid, NotAllowed
from .models import Enterprise, Hazard, Notification, OutboxMessage, User
from .permissions import can, scope

MAX_BATCH = 200
MAX_LISTED = 500  # rows on the page; the rest is reached by narrowing to one enterprise
ACTION = "hazard.remind"
LISTS = ("overdue", "due_soon")


@dataclass
class Sent:
    """What ``send`` did per enterprise: ``sent`` (newly) or ``already`` (the same list today)."""

    sent: list = field(default_factory=list)      # (enterprise, [hazards])
    already: list = field(default_factory=list)   # (enterprise, [hazards])


def due_soon_days():
    return int(settings.get("due_soon_days"))


def waiting_clause(which, day):
    """Hazards waiting on the enterprise that are overdue on ``day`` or due within ``due_soon_days``."""
    waiting = Hazard.status.in_(definitions.WAITING_ON_ENTERPRISE)
    if which == "due_soon":
        return waiting & (Hazard.deadline >= day) & (Hazard.deadline <= day + timedelta(days=due_soon_days()))
    return waiting & definitions.overdue_clause(day)


def listed(user, which, *, day=None, enterprise_id=None, limit=MAX_LISTED):
    """(hazards, more): the list ``which`` as ``user`` sees it, by enterprise then deadline."""
    day = day or today()
    stmt = (scope(Hazard, user).where(waiting_clause(which, day))
            .join(Enterprise, Enterprise.id == Hazard.enterprise_id)
            .options(joinedload(Hazard.enterprise))
            .order_by(Enterprise.name, Enterprise.id, Hazard.deadline, Hazard.id))
    if enterprise_id is not None:
        stmt = stmt.where(Hazard.enterprise_id == enterprise_id)
    rows = db.session.execute(stmt.limit(limit + 1)).scalars().all()
    return rows[:limit], len(rows) > limit


def _ids(raw):
    ids = []
    for item in raw:
        try:
            value = int(item)
        except (TypeError, ValueError):
            raise Invalid(_l("Choose hazards from the list."), field="hazards") from None
        if not 0 < value < 2**31:
            raise Invalid(_l("Choose hazards from the list."), field="hazards")
        if value not in ids:
            ids.append(value)
    return ids


def check_batch(raw_ids, limit=MAX_BATCH):
    """The selected hazard ids, checked for count; Invalid (field ``hazards``) otherwise."""
    ids = _ids(raw_ids)
    if not ids:
        raise Invalid(_l("Select at least one hazard."), field="hazards")
    if len(ids) > limit:
        raise Invalid(_l("At most %(n)d hazards at once (%(m)d selected). Select fewer and send the rest "
                         "afterwards.", n=limit, m=len(ids)), field="hazards")
    return ids


def _key(day, enterprise_id, hazards):
    digest = hashlib.sha256(",".join(str(h.id) for h in sorted(hazards, key=lambda h: h.id)).encode()).hexdigest()
    return f"remind:{day.isoformat()}:{enterprise_id}:{digest[:16]}"


def _portal_link():
    base = current_app.config.get("PUBLIC_BASE_URL", "") if has_app_context() else ""
    return f"{base.rstrip('/')}/"


def _body(enterprise, hazards, day):
    lines = [f"企业：{enterprise.name}", f"监管部门提醒贵单位尽快完成以下隐患的整改（共 {len(hazards)} 项）："]
    for h in hazards:
        late = (day - h.deadline).days
        when = f"已逾期 {late} 天" if late > 0 else ("今日到期" if late == 0 else f"{-late} 天后到期")
        lines.append(f"· {h.code} {h.title}（整改期限 {h.deadline:%Y年%m月%d日}，{when}）")
    lines.append("整改完成后请在系统中填写整改措施、上传整改证据并提交复查；如需延期，请在期限届满前申请。")
    return "\n".join(lines)


def _already_sent(key, users, contact):
    user_keys = [f"{key}:user:{u.id}" for u in users]
    if user_keys and db.session.scalar(select(exists().where(Notification.idempotency_key.in_(user_keys)))):
        return True
    mail_key = f"{key}:mailto:{contact}"[:200] if contact else None
    return bool(mail_key and db.session.scalar(select(exists().where(OutboxMessage.idempotency_key == mail_key))))


def send(actor, raw_ids, *, day=None):
    """Remind each enterprise of its selected hazards (ids as given by the form); commit. Returns ``Sent``.

    Raises NotAllowed or Invalid (nothing written): not staff, no or too many hazards, a hazard
    the actor cannot see or that no longer waits on the enterprise (named in the message)."""
    if not can(actor, "hazard.remind"):
        raise NotAllowed(_l("Only the office sends reminders."))
    day = day or today()
    ids = check_batch(raw_ids)
    hazards = db.session.execute(
        scope(Hazard, actor).where(Hazard.id.in_(ids)).options(joinedload(Hazard.enterprise))
        .order_by(Hazard.deadline, Hazard.id)).scalars().all()
    if len(hazards) != len(ids):
        raise Invalid(_l("%(n)d of the selected hazards no longer exist. Reload the list and try again.",
                         n=len(ids) - len(hazards)), field="hazards")
    done = [h for h in hazards if h.status not in definitions.WAITING_ON_ENTERPRISE]
    if done:
        raise Invalid(_l("No longer waiting on the enterprise (submitted, closed or withdrawn meanwhile): "
                         "%(codes)s. Nothing was sent; reload the list and try again.",
                         codes="、".join(h.code for h in done)), field="hazards")
    by_enterprise = {}
    for h in hazards:
        by_enterprise.setdefault(h.enterprise_id, []).append(h)
    users = {}
    for u in db.session.execute(select(User).where(User.enterprise_id.in_(list(by_enterprise)),
                                                   User.active.is_(True)).order_by(User.id)).scalars():
        users.setdefault(u.enterprise_id, []).append(u)
    result, messages = Sent(), []
    try:
        for enterprise_id, items in by_enterprise.items():
            enterprise = items[0].enterprise
            people = users.get(enterprise_id, [])
            contact = (enterprise.contact_email or "").strip()
            key = _key(day, enterprise_id, items)
            if _already_sent(key, people, contact):
                result.already.append((enterprise, items))
                continue
            messages.append({
                "users": people, "kind": "reminder", "key": key, "link": _portal_link(),
                "title": f"整改催办：{enterprise.name} {len(items)} 项隐患请尽快整改",
                "body": _body(enterprise, items, day), "hazard_id": items[0].id if len(items) == 1 else None,
                "emails": [contact] if contact else [],
            })
            for h in items:
                audit.append_event(action=ACTION, actor=actor, hazard_id=h.id,
                                   data={"key": key, "hazards": len(items)})
            result.sent.append((enterprise, items))
        if messages:
            notifications.notify_many(messages)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result
