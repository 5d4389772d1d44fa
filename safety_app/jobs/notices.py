"""The ``notices`` job: issue the rectification notice for new hazards that have none yet.

A hazard is *noticed* when it is linked (``document_hazards``) to a Document
of kind 'notice'. The job takes open hazards found in the last week without
a notice, groups them by inspection (hazards filed without one: by
enterprise, inspector and day — one visit), waits until a group has been
quiet for a few minutes (an inspector on site may still be filing), and asks
the documents service for one notice per group. The idempotency key names
the group's hazards, so a rerun returns the notice already issued.
"""
import hashlib
from datetime import timedelta

from sqlalchemy import exists, select

from ..extensions import db
from ..models import Document, DocumentKind, Hazard, HazardStatus, Inspection, document_hazards
from . import failures

JOB = "notices"

LOOKBACK_DAYS = 7  # older hazards without a notice are left to the inspectors
QUIET_MINUTES = 10
MAX_NOTICES_PER_RUN = 50
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
    return f"notice:auto:enterprise:{enterprise_id}:inspection:{inspection_id or '-'}:{digest}"


def issue_missing_notices(slot, now):
    """One notice per quiet group; a group whose notice fails is recorded and the others are still issued."""
    from ..documents import service

    counts = {"groups": 0, "issued": 0, "refused": 0, "failed": 0}
    groups = pending_groups(slot.date(), now)
    counts["groups"] = len(groups)
    # Groups that failed before go last, so a few bad ones never hold back the new hazards.
    failing = failures.failing_items(JOB)
    ordered = sorted(groups.items(), key=lambda kv: failures.item_name("hazards", *kv[1]) in failing)

    for group, ids in ordered[:MAX_NOTICES_PER_RUN]:
        outcome = ["failed"]

        def issue(group=group, ids=ids, outcome=outcome):
            hazards = db.session.execute(select(Hazard).where(Hazard.id.in_(ids)).order_by(Hazard.id)).scalars().all()
            inspection = db.session.get(Inspection, group[1]) if group[1] is not None else None
            try:
                service.issue_notice(hazards, None, inspection=inspection, idempotency_key=group_key(group, ids))
                outcome[0] = "issued"
            except service.DocumentError:
                # e.g. an inspector issued it by hand a moment ago: nothing left to do for this group.
                db.session.rollback()
                outcome[0] = "refused"

        if not failures.attempt(JOB, slot, failures.item_name("hazards", *ids), issue):
            outcome[0] = "failed"
        counts[outcome[0]] += 1
    return counts
