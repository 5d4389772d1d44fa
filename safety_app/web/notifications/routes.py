"""Thin views over ``safety_app.notifications``; lookups go through the permission core (404 if not yours)."""
from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import notifications
from ...extensions import db
from ...models import Notification
from ...permissions import get_visible, scope
from ..paging import page_arg
from . import bp

PER_PAGE = 20


def _own_or_404(notification_id):
    notification = get_visible(Notification, notification_id, current_user)
    if notification is None:
        abort(404)
    return notification


def _local_path(link):
    """Only the path of a stored link: never redirect off this site."""
    parts = urlsplit(link or "")
    path = parts.path if parts.path.startswith("/") and not parts.path.startswith("//") else ""
    # the fragment too: a comment's notification opens the hazard page at the comment
    return path + (f"?{parts.query}" if path and parts.query else "") + \
        (f"#{parts.fragment}" if path and parts.fragment else "")


@bp.route("/")
@login_required
def index():
    unread_only = request.args.get("unread") == "1"
    stmt = scope(Notification, current_user)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    page = db.paginate(stmt.order_by(Notification.created_at.desc(), Notification.id.desc()),
                       page=page_arg(), per_page=PER_PAGE, error_out=False)
    return render_template("notifications/index.html", page=page, unread_only=unread_only,
                           unread=notifications.unread_count(current_user), local_path=_local_path)


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id):
    notification = _own_or_404(notification_id)
    notifications.mark_read(notification, current_user)
    if request.form.get("open") == "1" and _local_path(notification.link):
        return redirect(_local_path(notification.link))
    return redirect(url_for(".index", unread=request.args.get("unread"), page=request.args.get("page")))


@bp.route("/read-all", methods=["POST"])
@login_required
def mark_all_read():
    count = notifications.mark_all_read(current_user)
    flash(_("%(n)d notifications marked read.", n=count) if count else _("Nothing unread."), "success")
    return redirect(url_for(".index"))
