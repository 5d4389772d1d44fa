"""The ``notices`` job: prepare the rectification notice for new hazards and remind the inspector.

A rectification notice (责令限期整改指令书) is an enforcement document: only a
person issues it, choosing the officers who sign and the deadlines on the
issue form. This job never issues one. It takes open hazards found in the last
week without a notice, groups them by inspection (hazards filed without one:
by enterprise, inspector and day — one visit), waits until a group has been
quiet for a few minutes (an inspector on site may still be filing), and tells
the inspectors who filed them (in-app notification and e-mail): the message
links to the issue form pre-filled with the group's items — the draft. The
idempotency key names the group's hazards, so a rerun reminds nobody twice.
"""
import hashlib
from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, select

from .. import notifications
from ..extensions import db
from ..models import Document, DocumentKind, Enterprise, Hazard, HazardStatus, User, document_hazards
from . import failures

JOB = "notices"

LOOKBACK_DAYS = 7  # older hazards without a notice are left to the inspectors
QUIET_MINUTES = 10
MAX_REMINDERS_PER_RUN = 50
KIND = "notice_draft"
NOTICED_SOURCES = ("government_inspection", "monitoring_alarm")


def _noticed():
    return exists().where(
        document_hazards.c.hazard_id == Hazard.id,
        document_hazards.c.document_id == Document.id,
        Document.kind == DocumentKind.NOTICE.value,
    )


def pending_groups(day, now):
    """Groups of hazard ids waiting for a notice: {(enterprise, inspection, finder, found_on): [ids]}."""
    rows = db.session.execute(
        select(Hazard.id, Hazard.enterprise_id, Hazard.inspection_id, Hazard.found_by_id, Hazard.found_on,
               Hazard.created_at)
        .where(Hazard.status == HazardStatus.OPEN.value, Hazard.found_on >= day - timedelta(days=LOOKBACK_DAYS),
               # what the enterprise found itself (own inspection, 包保 duty check) gets no official notice
               Hazard.source.in_(NOTICED_SOURCES), ~_noticed())
        .order_by(Hazard.id)
    ).all()
    groups, newest = {}, {}
    for row in rows:
        group = ((row.enterprise_id, row.inspection_id, None, None) if row.inspection_id is not None
                 else (row.enterprise_id, None, row.found_by_id, row.found_on))
        groups.setdefault(group, []).append(row.id)
        newest[group] = max(newest.get(group, row.created_at), row.created_at)
    quiet_since = now - timedelta(minutes=QUIET_MINUTES)
    return {group: ids for group, ids in groups.items() if newest[group] <= quiet_since}


def group_key(group, ids):
    digest = hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()[:16]
    enterprise_id, inspection_id, _finder, _found_on = group
    return f"notice-draft:enterprise:{enterprise_id}:inspection:{inspection_id or '-'}:{digest}"


def draft_path(group, ids):
    """The issue form pre-filled with the group's items (the web route of ``reports``)."""
    inspection_id = group[1]
    if inspection_id is not None:
        return f"/reports/inspections/{inspection_id}/notice"
    first, *others = ids
    return f"/reports/hazards/{first}/notice" + (f"?also={','.join(map(str, others))}" if others else "")


def _remind(group, ids):
    hazards = db.session.execute(select(Hazard).where(Hazard.id.in_(ids)).order_by(Hazard.id)).scalars().all()
    finders = db.session.execute(
        select(User).where(User.id.in_({h.found_by_id for h in hazards}), User.active.is_(True))).scalars().all()
    enterprise = db.session.get(Enterprise, group[0])
    link = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/") + draft_path(group, ids)
    listed = "\n".join(f"{h.code} {h.title}（整改期限 {h.deadline:%Y年%m月%d日}）" for h in hazards)
    body = (f"企业：{enterprise.name}\n以下 {len(hazards)} 项隐患尚未下达责令限期整改指令书：\n{listed}\n"
            "请核对各项整改期限，选择两名持执法证的执法人员后签发。")
    return notifications.notify_many([{
        "users": finders, "kind": KIND, "title": f"待签发责令限期整改指令书：{enterprise.name}（{len(hazards)} 项）",
        "body": body, "hazard_id": hazards[0].id, "link": link, "key": group_key(group, ids),
    }])


def remind_pending_notices(slot, now):
    """One reminder per quiet group to the inspectors who filed it; nothing is issued."""
    counts = {"groups": 0, "reminded": 0, "already_reminded": 0, "failed": 0}
    groups = pending_groups(slot.date(), now)
    counts["groups"] = len(groups)
    # Groups that failed before go last, so a few bad ones never hold back the new hazards.
    failing = failures.failing_items(JOB)
    ordered = sorted(groups.items(), key=lambda kv: failures.item_name("hazards", *kv[1]) in failing)

    for group, ids in ordered[:MAX_REMINDERS_PER_RUN]:
        outcome = ["failed"]

        def remind(group=group, ids=ids, outcome=outcome):
            outcome[0] = "reminded" if _remind(group, ids) else "already_reminded"

        if not failures.attempt(JOB, slot, failures.item_name("hazards", *ids), remind):
            outcome[0] = "failed"
        counts[outcome[0]] += 1
    return counts
