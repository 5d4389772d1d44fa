"""Thin views over ``safety_app.monitoring``; every lookup goes through the permission core (404 if not yours)."""
from datetime import timedelta

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ... import charts
from ...clock import to_local, today, utcnow
from ...extensions import db
from ...lifecycle_errors import LifecycleError
from ...models import Alarm, Installation, MeasurementPoint
from ...monitoring import loop, readings
from ...monitoring import points as point_rules
from ...permissions import can, get_visible, scope
from ..paging import page_arg
from . import bp
from .forms import EmptyForm, HazardForm, PointForm, RecordForm

PER_PAGE = 30
FILTERS = ("open", "active", "unacknowledged", "all")


def _alarm_or_404(alarm_id):
    alarm = get_visible(Alarm, alarm_id, current_user)
    if alarm is None:
        abort(404)
    return alarm


def _filtered(stmt, which):
    if which == "open":
        return stmt.where(loop.open_clause())
    if which == "active":
        return stmt.where(loop.open_clause(), Alarm.state == "active")
    if which == "unacknowledged":
        return stmt.where(loop.open_clause(), Alarm.acknowledged_at.is_(None))
    return stmt


@bp.route("/alarms")
@login_required
def alarms():
    which = request.args.get("show", "open")
    if which not in FILTERS:
        which = "open"
    installation = _installation_filter()
    stmt = _filtered(_alarm_scope(installation), which).order_by(Alarm.raised_at.desc(), Alarm.id.desc())
    page = db.paginate(stmt, page=page_arg(), per_page=PER_PAGE, error_out=False)
    points = readings.points_by_id({a.point_id for a in page.items})
    return render_template("monitoring/alarms.html", page=page, which=which, points=points,
                           counts=loop.counts(_alarm_scope(installation)), kind_labels=loop.KIND_LABELS,
                           installation=installation)


def _installation_filter():
    """``?installation=<id>``: the alarms of one installation the user may see (a foreign or
    missing id: 404, like any other lookup)."""
    raw = request.args.get("installation", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        abort(404)
    installation = readings.visible_installation(int(raw), current_user)
    if installation is None:
        abort(404)
    return installation


def _alarm_scope(installation):
    stmt = scope(Alarm, current_user)
    if installation is not None:
        stmt = stmt.where(Alarm.point_id.in_(select(MeasurementPoint.id).where(
            MeasurementPoint.installation_id == installation.id)))
    return stmt


@bp.route("/alarms/counts")
@login_required
def alarm_counts():
    """The open counts the alarm list refreshes every 30 s (a small JSON, no page)."""
    response = jsonify(loop.counts(_alarm_scope(_installation_filter())))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/alarms/<int:alarm_id>")
@login_required
def alarm(alarm_id):
    alarm = _alarm_or_404(alarm_id)
    hazard_form = HazardForm(formdata=None, title=_default_title(alarm), deadline=today() + timedelta(days=7))
    return render_template("monitoring/alarm.html", alarm=alarm, point=alarm.point,
                           record_form=RecordForm(formdata=None, cause=alarm.cause, action=alarm.action),
                           empty_form=EmptyForm(), hazard_form=hazard_form,
                           may_file=can(current_user, "hazard.file"), kind_labels=loop.KIND_LABELS)


def _default_title(alarm):
    point = alarm.point
    return f"{point.installation.name} {point.tag} {loop.KIND_LABELS.get(alarm.kind, alarm.kind)}报警"[:200]


def _done(alarm, message):
    flash(message, "success")
    return redirect(url_for(".alarm", alarm_id=alarm.id))


def _failed(alarm, exc):
    db.session.rollback()
    flash(str(exc.message), "error")
    return redirect(url_for(".alarm", alarm_id=alarm.id))


@bp.route("/alarms/<int:alarm_id>/acknowledge", methods=["POST"])
@login_required
def acknowledge(alarm_id):
    alarm = _alarm_or_404(alarm_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        loop.acknowledge(alarm, current_user)
    except LifecycleError as exc:
        return _failed(alarm, exc)
    return _done(alarm, _("Alarm acknowledged."))


@bp.route("/alarms/<int:alarm_id>/record", methods=["POST"])
@login_required
def record(alarm_id):
    alarm = _alarm_or_404(alarm_id)
    form = RecordForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(_("Enter the cause and the action taken.") if errors else "", "error")
            break
        return redirect(url_for(".alarm", alarm_id=alarm.id))
    try:
        loop.record(alarm, current_user, cause=form.cause.data, action=form.action.data)
    except LifecycleError as exc:
        return _failed(alarm, exc)
    return _done(alarm, _("Cause and action recorded."))


@bp.route("/alarms/<int:alarm_id>/close", methods=["POST"])
@login_required
def close(alarm_id):
    alarm = _alarm_or_404(alarm_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        loop.close(alarm, current_user)
    except LifecycleError as exc:
        return _failed(alarm, exc)
    return _done(alarm, _("Alarm closed."))


@bp.route("/alarms/<int:alarm_id>/hazard", methods=["GET", "POST"])
@login_required
def to_hazard(alarm_id):
    alarm = _alarm_or_404(alarm_id)
    form = HazardForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            hazard = loop.to_hazard(alarm, current_user, title=form.title.data, deadline=form.deadline.data,
                                    category=form.category.data, description=form.description.data or "")
        except LifecycleError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
        else:
            flash(_("Hazard %(code)s filed from the alarm.", code=hazard.code), "success")
            return redirect(url_for("hazards.detail", hazard_id=hazard.id))
    elif request.method == "GET":
        form = HazardForm(formdata=None, title=_default_title(alarm), deadline=today() + timedelta(days=7))
    return render_template("monitoring/hazard_form.html", alarm=alarm, point=alarm.point, form=form,
                           kind_labels=loop.KIND_LABELS), (422 if request.method == "POST" else 200)


@bp.route("/installations/<int:installation_id>")
@login_required
def installation(installation_id):
    installation = readings.visible_installation(installation_id, current_user)
    if installation is None:
        abort(404)
    points = db.session.execute(select(MeasurementPoint).where(MeasurementPoint.installation_id == installation.id)
                                .order_by(MeasurementPoint.tag)).scalars().all()
    end = utcnow()
    series = readings.last_24_hours([p.id for p in points], end)
    open_alarms = db.session.execute(scope(Alarm, current_user).where(
        Alarm.point_id.in_([p.id for p in points]), loop.open_clause())).scalars().all() if points else []
    by_point = {}
    for a in open_alarms:
        by_point.setdefault(a.point_id, []).append(a)
    svgs = {}
    for point in points:
        hours, avgs, lows, highs = series.get(point.id, ([], [], [], []))
        drawing = charts.series_chart(hours, avgs, lows=lows, highs=highs, limits=point.limits, unit=point.unit,
                                      end_label=f"{to_local(end):%H:%M}")
        svgs[point.id] = charts.to_svg(drawing, f"{point.tag} {point.name}")
    return render_template("monitoring/installation.html", installation=installation, points=points, svgs=svgs,
                           alarms=by_point, kind_labels=loop.KIND_LABELS, point_kinds=loop.POINT_KIND_LABELS,
                           may_edit=can(current_user, "point.edit", installation) and installation.in_service)


# --- measurement points (the rules: monitoring.points, shared with the API) ----------------------

def _point_page(form, installation, point, problems=(), status=200):
    return render_template("monitoring/point_form.html", form=form, installation=installation, point=point,
                           problems=problems, point_kinds=loop.POINT_KIND_LABELS), status


@bp.route("/installations/<int:installation_id>/points/new", methods=["GET", "POST"])
@login_required
def point_new(installation_id):
    installation = get_visible(Installation, installation_id, current_user)
    if installation is None:
        abort(404)
    if not can(current_user, "point.edit", installation):
        abort(403)
    form = PointForm()
    problems = []
    if form.validate_on_submit():
        try:
            point = point_rules.create(installation, form.data_for_core(), current_user)
        except point_rules.PointError as exc:
            db.session.rollback()
            problems = form.attach(exc.errors)
        else:
            flash(_("Measurement point %(tag)s added.", tag=point.tag), "success")
            return redirect(url_for(".installation", installation_id=installation.id, _anchor=f"point-{point.id}"))
    return _point_page(form, installation, None, problems, 422 if request.method == "POST" else 200)


@bp.route("/points/<int:point_id>/edit", methods=["GET", "POST"])
@login_required
def point_edit(point_id):
    point = get_visible(MeasurementPoint, point_id, current_user)
    if point is None:
        abort(404)
    installation = point.installation
    if not can(current_user, "point.edit", installation):
        abort(403)
    form = PointForm() if request.method == "POST" else PointForm(data=PointForm.initial(point))
    problems = []
    if form.validate_on_submit():
        try:
            point_rules.update(point, form.data_for_core(), current_user)
        except point_rules.PointError as exc:
            db.session.rollback()
            problems = form.attach(exc.errors)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".installation", installation_id=installation.id, _anchor=f"point-{point.id}"))
    return _point_page(form, installation, point, problems, 422 if request.method == "POST" else 200)
