"""The comment thread on the hazard page: post a comment (a plain form, CSRF, no JavaScript needed).

The thread and its form are drawn by ``templates/hazards/_comments.html`` through the template
globals below, so the hazard page's view stays as it is; a refused comment re-renders the hazard page
with the user's text and the message beside the field (nothing written).
"""
from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from ... import comments, lifecycle
from ...extensions import db
from ...permissions import can
from . import bp
from .routes import _hazard, render_detail, require


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), description=_l("At most %(n)d characters. The other side is notified.",
                                                            n=comments.MAX_BODY))


@bp.app_template_global()
def comment_thread(hazard):
    """The hazard's comments, oldest first."""
    return comments.thread(hazard.id)


@bp.app_template_global()
def comment_form(hazard):
    """The user's refused form (with its errors) or a fresh one; None when the user may not post."""
    if not can(current_user, "hazard.comment", hazard):
        return None
    bound = g.get("comment_form")
    return bound if bound is not None else CommentForm(formdata=None)


@bp.route("/hazards/<int:hazard_id>/comments", methods=["POST"])
@login_required
def comment(hazard_id):
    hazard = _hazard(hazard_id)
    require("hazard.comment", hazard)
    form = CommentForm()
    if form.validate():
        try:
            posted = comments.post(hazard, current_user, form.body.data)
        except lifecycle.LifecycleError as error:
            db.session.rollback()
            form.body.errors = list(form.body.errors) + [str(error.message)]
        else:
            flash(_("Your comment was posted."), "success")
            return redirect(url_for("hazards.detail", hazard_id=hazard.id) + f"#{comments.anchor(posted.id)}")
    g.comment_form = form
    db.session.expire_all()
    return render_detail(_hazard(hazard_id), 422)
