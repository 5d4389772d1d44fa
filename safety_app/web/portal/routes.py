"""The enterprise's own rectification tasks."""
from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import case
from sqlalchemy.orm import joinedload, selectinload

from ...clock import today
from ...extensions import db
from ...figures import definitions
from ...models import FINAL_STATUSES, Hazard
from ...permissions import scope
from ..hazards.routes import require
from . import bp


@bp.route("/")
@login_required
def tasks():
    """My rectification tasks: overdue first, then by deadline (nearest first)."""
    require("tasks.view")
    show_all = request.args.get("show") == "all"
    stmt = scope(Hazard, current_user)
    if not show_all:
        stmt = stmt.where(Hazard.status.not_in([s.value for s in FINAL_STATUSES]))
    overdue_first = case((definitions.overdue_clause(), 0), else_=1)
    rows = db.session.execute(
        stmt.options(selectinload(Hazard.measures), joinedload(Hazard.plan),
                     selectinload(Hazard.extension_requests))
        .order_by(overdue_first, Hazard.deadline, Hazard.id)
        .limit(500)
    ).scalars().all()
    on = today()
    tasks = [(h, definitions.overdue_days(h, on), next_step(h)) for h in rows]
    return render_template("portal/tasks.html", tasks=tasks, show_all=show_all,
                           overdue_count=sum(1 for _h, d, _s in tasks if d))


def next_step(hazard):
    """What the enterprise has to do next (a translatable hint), or None when it waits for others."""
    status = hazard.status
    if status == "open":
        if hazard.is_major and (hazard.plan is None or not hazard.plan.is_complete):
            return _l("Write the governance plan, then acknowledge")
        return _l("Acknowledge")
    if status == "rectifying":
        if not hazard.measures:
            return _l("Add the measures")
        if any(not m.is_done for m in hazard.measures):
            return _l("Finish the measures")
        return _l("Upload evidence and submit for re-inspection")
    if status == "submitted":
        return _l("Waiting for re-inspection")
    if status == "verified":
        return _l("Waiting for close-out by the office")
    return None
