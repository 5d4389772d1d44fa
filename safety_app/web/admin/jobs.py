"""The admin's jobs page: recent runs of the ledger, rows the jobs could not process, dead letters (retry)."""
from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ... import audit
from ...clock import utcnow
from ...extensions import db
from ...jobs import outbox
from ...models import JobFailure, JobRun, OutboxMessage, OutboxStatus
from ...permissions import can
from . import bp

RECENT_RUNS = 50
SHOWN = 200
FAILURE_DAYS = 30  # a row that has not failed for a month (e.g. a hazard no longer alerted) is not shown


@bp.route("/jobs")
@login_required
def jobs():
    if not can(current_user, "jobs.view"):
        abort(403)
    runs = db.session.scalars(select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc())
                              .limit(RECENT_RUNS)).all()
    since = utcnow() - timedelta(days=FAILURE_DAYS)
    failures = db.session.scalars(select(JobFailure).where(JobFailure.last_failed_at >= since)
                                  .order_by(JobFailure.last_failed_at.desc(), JobFailure.id.desc())
                                  .limit(SHOWN)).all()
    dead = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.DEAD.value)
                              .order_by(OutboxMessage.id.desc()).limit(SHOWN)).all()
    return render_template("admin/jobs.html", runs=runs, failures=failures, dead=dead)


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@login_required
def outbox_retry(message_id):
    if not can(current_user, "jobs.view"):
        abort(403)
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if outbox.retry(message, commit=False):
        audit.append_event(action="outbox.retry", actor=current_user,
                           data={"message_id": message.id, "channel": message.channel})
        db.session.commit()
        flash(_("The message is queued again and will be sent within a minute."), "success")
    else:
        flash(_("This message is not set aside: nothing to retry."), "info")
    return redirect(url_for(".jobs"))
