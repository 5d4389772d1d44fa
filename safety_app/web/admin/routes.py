from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ... import accounts, audit, devices, settings
from ...extensions import db
from ...models import Enterprise, User
from ...permissions import can
from ..paging import page_arg
from . import bp
from .actions import AdminError, forget_remembered, reset_password, revoke_device, save_settings, update_user
from .forms import EditUserForm, NewUserForm, ResetPasswordForm, SettingsForm

PER_PAGE = 30


def _require(action):
    if not can(current_user, action):
        abort(403)


def _user_or_404(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users")
@login_required
def users():
    _require("user.manage")
    q = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    stmt = select(User).options(joinedload(User.enterprise))
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.outerjoin(Enterprise, Enterprise.id == User.enterprise_id).where(or_(
            User.username.ilike(pattern, escape="\\"), User.display_name.ilike(pattern, escape="\\"),
            Enterprise.name.ilike(pattern, escape="\\"),
        ))
    if role in ("admin", "inspector", "enterprise"):
        stmt = stmt.where(User.role == role)
    else:
        role = ""
    page = db.paginate(stmt.order_by(User.active.desc(), User.role, User.username),
                       page=page_arg(), per_page=PER_PAGE, error_out=False,
                       max_per_page=PER_PAGE)
    return render_template("admin/users.html", page=page, q=q, role=role)


def _active_enterprises():
    return db.session.scalars(select(Enterprise).where(Enterprise.active.is_(True)).order_by(Enterprise.name)).all()


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def user_new():
    _require("user.manage")
    form = NewUserForm(_active_enterprises())
    if request.method == "GET":
        if request.args.get("role") in ("admin", "inspector", "enterprise"):
            form.role.data = request.args["role"]
        form.enterprise.data = request.args.get("enterprise", 0, type=int)
    if form.validate_on_submit():
        enterprise = db.session.get(Enterprise, form.enterprise.data) if form.role.data == "enterprise" else None
        try:
            user = accounts.create_user(form.username.data.strip(), form.password.data, form.role.data,
                                        enterprise=enterprise, **form.profile(), commit=False)
            db.session.flush()
            audit.append_event(action="user.create", actor=current_user,
                               data={"user_id": user.id, "username": user.username, "role": user.role})
            db.session.commit()
        except accounts.AccountError as exc:
            db.session.rollback()
            getattr(form, exc.field if exc.field in form else "username").errors.append(exc.message)
        else:
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for(".users"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_new.html", form=form), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def user_edit(user_id):
    _require("user.manage")
    user = _user_or_404(user_id)
    form = EditUserForm(obj=user)
    if form.validate_on_submit():
        values = {**form.profile(), "active": form.active.data}
        if user.role == "enterprise":
            values["enterprise_role"] = form.enterprise_role.data or None
        try:
            changed = update_user(user, values, current_user)
        except AdminError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors.append(exc.message)
        else:
            if "active" in changed:
                flash(_("User reactivated.") if user.active else
                      _("User deactivated: they are logged out and can no longer log in."), "success")
            else:
                flash(_("Saved."), "success")
            return redirect(url_for(".user_edit", user_id=user.id))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_edit.html", form=form, user=user, **_remembered_of(user)), status


def _remembered_of(user):
    """The user's remembered phones and the admin's revoke URLs, for the user's pages."""
    return {"remembered": devices.remembered_sessions(user),
            "forget_all_url": url_for(".user_forget_remembered", user_id=user.id),
            "revoke_url": lambda kind, item_id: url_for(".user_revoke_device", user_id=user.id, kind=kind,
                                                        item_id=item_id)}


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@login_required
def user_reset_password(user_id):
    _require("user.manage")
    user = _user_or_404(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(user, form.password.data, current_user,
                           keep_session_key=session.get("sid") if user.id == current_user.id else None)
        except accounts.AccountError as exc:
            db.session.rollback()
            form.password.errors.append(exc.message)
        else:
            if user.id == current_user.id:
                login_user(user)  # the nonce changed: keep this session
            flash(_("Password of %(name)s reset. Give it to them in person; their sessions have ended.",
                    name=user.username), "success")
            return redirect(url_for(".user_edit", user_id=user.id))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_password.html", form=form, user=user), status


@bp.route("/users/<int:user_id>/devices")
@login_required
def user_devices(user_id):
    _require("user.manage")
    user = _user_or_404(user_id)
    return render_template("auth/devices.html", owner=user, sessions=devices.live_sessions(user),
                           tokens=devices.live_tokens(user), current_key=session.get("sid"),
                           key_hash=devices.key_hash, **_remembered_of(user))


@bp.route("/users/<int:user_id>/devices/<any(session, token):kind>/<int:item_id>/revoke", methods=["POST"])
@login_required
def user_revoke_device(user_id, kind, item_id):
    _require("user.manage")
    user = _user_or_404(user_id)
    if not revoke_device(user, kind, item_id, current_user):
        abort(404)
    flash(_("Ended."), "success")
    return redirect(url_for(".user_devices", user_id=user.id))


@bp.route("/users/<int:user_id>/devices/remembered/revoke", methods=["POST"])
@login_required
def user_forget_remembered(user_id):
    _require("user.manage")
    user = _user_or_404(user_id)
    count = forget_remembered(user, current_user)
    flash(_("Remembered phones ended: %(count)d.", count=count), "success")
    return redirect(url_for(".user_edit", user_id=user.id))


@bp.route("/settings", endpoint="settings", methods=["GET", "POST"])
@login_required
def settings_page():
    _require("settings.manage")
    current = settings.all_settings()
    form = SettingsForm(data={k: v for k, v in current.items() if k != "smtp_password"})
    if form.validate_on_submit():
        changed = save_settings(form.values(), current_user, clear_smtp_password=form.clear_smtp_password.data)
        flash(_("Settings saved.") if changed else _("Nothing changed."), "success")
        return redirect(url_for(".settings"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/settings.html", form=form, has_smtp_password=bool(current["smtp_password"])), status

