from flask import abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ... import accounts, devices, throttle
from ...extensions import db
from ..urls import safe_next
from . import bp
from .cookie import remember as remember_cookie
from .forms import ChangePasswordForm, LoginForm

SESSION_KEY = "sid"  # the random key of this browser's ``UserSession`` row


def throttled_message(seconds):
    return _("Too many failed attempts. Try again in %(seconds)d s.", seconds=seconds)


def start_web_session(user, remember=False):
    """A fresh session (no fixation) with its own server-side row, keeping the chosen language.
    ``remember``: "remember this phone", a persistent cookie and a row that end after
    ``remember_days`` (``devices.start_session``, ``cookie.remember``)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    key, until = devices.start_session(user, request.user_agent.string, throttle.client_address(),
                                       remember=remember)
    session[SESSION_KEY] = key
    if until is not None:
        remember_cookie(session, until)
    db.session.commit()
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    form.remember.label.text = _("Stay logged in on this phone for %(days)d days", days=devices.remember_days())
    status, headers = 200, {}
    if form.validate_on_submit():
        username = form.username.data.strip()
        result = accounts.attempt_login(username, form.password.data)
        if result.retry_after:
            form.username.errors.append(throttled_message(result.retry_after))
            status, headers = 429, {"Retry-After": str(result.retry_after)}
        elif result.user is None:
            form.password.errors.append(_("Wrong username or password."))
            status = 401
        else:
            start_web_session(result.user, remember=bool(form.remember.data))
            response = redirect(safe_next(request.args.get("next")) or url_for("main.index"))
            return throttle.remember_device(response, result.user.username, result.device)
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status, headers


@bp.route("/logout", methods=["POST"])
def logout():
    lang = session.get("lang")
    # Server-side end of this session: a copy of the old cookie no longer logs in.
    devices.end_session(session.get(SESSION_KEY))
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
    form = ChangePasswordForm(current_user)
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("The current password is wrong."))
        else:
            current_user.set_password(form.new_password.data)
            # Every API token and every other session ends; this one goes on.
            devices.end_all(current_user, keep_session_key=session.get(SESSION_KEY))
            db.session.commit()
            login_user(current_user)  # the nonce changed: store the new one in this session
            flash(_("Your password was changed. Your other sessions and your API tokens have ended."), "success")
            return redirect(url_for("main.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/account/devices")
@login_required
def devices_page():
    return render_template("auth/devices.html", owner=current_user, sessions=devices.live_sessions(current_user),
                           tokens=devices.live_tokens(current_user), current_key=session.get(SESSION_KEY),
                           remembered=devices.remembered_sessions(current_user),
                           forget_all_url=url_for(".forget_remembered"),
                           key_hash=devices.key_hash, revoke_url=lambda kind, item_id: url_for(
                               ".revoke_device", kind=kind, item_id=item_id))


@bp.route("/account/devices/<any(session, token):kind>/<int:item_id>/revoke", methods=["POST"])
@login_required
def revoke_device(kind, item_id):
    if not devices.revoke(current_user, kind, item_id):
        abort(404)
    db.session.commit()
    flash(_("Ended."), "success")
    return make_response(redirect(url_for(".devices_page")))


@bp.route("/account/devices/remembered/revoke", methods=["POST"])
@login_required
def forget_remembered():
    """End every remembered phone of this user (this one too, when it is remembered)."""
    count = devices.forget_all(current_user)
    db.session.commit()
    flash(_("Remembered phones ended: %(count)d.", count=count), "success")
    return redirect(url_for(".devices_page"))
