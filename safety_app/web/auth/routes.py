
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ... import accounts
from ...extensions import db
from ..urls import safe_next
from . import bp
from .forms import ChangePasswordForm, LoginForm


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        username = form.username.data.strip()
        address = request.remote_addr or "unknown"
        if accounts.is_throttled(username, address):
            form.username.errors.append(
                _("Too many failed attempts. Login for this user is blocked for 15 minutes.")
            )
            status = 429
        else:
            user = accounts.authenticate(username, form.password.data)
            if user is None:
                accounts.record_failure(username, address)
                form.password.errors.append(_("Wrong username or password."))
                status = 401
            else:
                accounts.clear_failures(username, address)
                db.session.commit()
                lang = session.get("lang")
                session.clear()  # a new session at login (no fixation)
                if lang:
                    session["lang"] = lang
                login_user(user)
                return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    lang = session.get("lang")
    if current_user.is_authenticated:
        # Server-side end of the session: a copy of the old cookie no longer logs in.
        current_user.rotate_session()
        db.session.commit()
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm(current_user.username)
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            current_user.set_password(form.new_password.data)
            db.session.commit()
            login_user(current_user)  # the nonce changed: keep this session, end the others
            flash(_("Your password was changed."), "success")
            return redirect(url_for("main.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/change_password.html", form=form), status
