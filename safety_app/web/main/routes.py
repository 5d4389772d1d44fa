from flask import redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select, text

from ...extensions import db
from ...figures import definitions
from ...models import FINAL_STATUSES, Hazard
from ...permissions import scope
from ..urls import safe_next
from . import bp


@bp.route("/")
@login_required
def index():
    """Home: the dashboard when there is one, else a summary of open hazards."""
    if "dashboard.index" in _endpoints():
        return redirect(url_for("dashboard.index"))
    open_stmt = scope(Hazard, current_user, select(func.count(Hazard.id))).where(
        Hazard.status.not_in([s.value for s in FINAL_STATUSES])
    )
    overdue_stmt = scope(Hazard, current_user, select(func.count(Hazard.id))).where(definitions.overdue_clause())
    return render_template(
        "main/index.html", open_count=db.session.scalar(open_stmt), overdue_count=db.session.scalar(overdue_stmt)
    )


def _endpoints():
    from flask import current_app

    return current_app.view_functions


@bp.route("/lang/<code>")
def set_language(code):
    if code in ("zh_CN", "en"):
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")) or url_for("main.index"))


@bp.route("/healthz")
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
