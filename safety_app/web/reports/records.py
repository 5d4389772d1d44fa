"""Issuing the on-site inspection record (staff) and the rectification notice (staff or the enterprise)."""
import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import settings
from ...documents import records
from ...documents.errors import DocumentError
from ...models import FINAL_STATUSES, Hazard, Inspection, Role
from ...permissions import can, get_visible
from ..urls import safe_next
from . import bp
from .forms import InspectionRecordForm, RectificationForm
from .routes import _key

ENTERPRISE_DEPARTMENT = "安全管理部门"


def _prepare(form, back):
    """A new form gets the way back and a one-click key (a double submit returns the first document)."""
    if request.method == "GET":
        form.next.data = back
        form.key.data = secrets.token_urlsafe(12)


def _visible_or_404(model, ident, action):
    obj = get_visible(model, ident, current_user)
    if obj is None:
        abort(404)
    if not can(current_user, action, obj):
        abort(403)
    return obj


@bp.route("/inspections/<int:inspection_id>/record", methods=["GET", "POST"])
@login_required
def inspection_record(inspection_id):
    """现场检查记录 of one inspection: choose the officers, name the enterprise's representative, issue."""
    inspection = _visible_or_404(Inspection, inspection_id, "document.issue")
    back = url_for("inspections.detail", inspection_id=inspection.id) + "#documents"
    form = InspectionRecordForm()
    form.officers.load_choices(preselect=[u.id for u in inspection.inspectors])
    _prepare(form, back)
    if request.method == "GET":
        form.representative.data = inspection.enterprise_representative
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                document = records.issue_inspection_record(
                    inspection, current_user, form.officers.data, form.representative.data,
                    idempotency_key=_key(form, "record", inspection.id))
            except DocumentError as exc:
                form.officers.errors = list(form.officers.errors) + [exc.message]
                status = exc.status
            else:
                flash(_("On-site inspection record %(number)s issued.", number=document.number), "success")
                return redirect(safe_next(form.next.data) or back)
    return render_template("reports/record_form.html", form=form, inspection=inspection, back=back,
                           previous=records.current_record(inspection)), status


def _rectification_page(hazards, form, back, title, issue, refusal=None):
    """The form (GET) and the issue (POST); with a ``refusal`` the page says why and nothing can be issued."""
    if refusal is not None:
        if request.method == "POST":
            return render_template("reports/refused.html", message=refusal, back=back), 409
        return render_template("reports/rectification_form.html", form=None, hazards=hazards, back=back,
                               title=title, refusal=refusal), 200
    _prepare(form, back)
    if request.method == "GET" and not form.department.data:
        form.department.data = (ENTERPRISE_DEPARTMENT if current_user.role == Role.ENTERPRISE
                                else settings.get("office_name"))
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                document = issue(form)
            except DocumentError as exc:
                return render_template("reports/refused.html", message=exc.message, back=back), exc.status
            flash(_("Rectification notice %(number)s issued.", number=document.number), "success")
            return redirect(safe_next(form.next.data) or back)
    return render_template("reports/rectification_form.html", form=form, hazards=hazards, back=back,
                           title=title), status


@bp.route("/hazards/<int:hazard_id>/rectification", methods=["GET", "POST"])
@login_required
def hazard_rectification(hazard_id):
    """隐患整改通知书 for one hazard (refused when it is closed or withdrawn)."""
    hazard = _visible_or_404(Hazard, hazard_id, "rectification.issue")
    back = url_for("hazards.detail", hazard_id=hazard.id) + "#documents"
    refusal = None
    if hazard.status in FINAL_STATUSES:
        refusal = _("%(code)s is closed or withdrawn and cannot be put on a rectification notice.", code=hazard.code)
    form = RectificationForm()
    return _rectification_page([hazard], form, back, hazard.code, lambda f: records.issue_rectification_notice(
        [hazard], current_user, department=f.department.data, inspection=hazard.inspection,
        idempotency_key=_key(f, "rectification-h", hazard.id)), refusal)


@bp.route("/inspections/<int:inspection_id>/rectification", methods=["GET", "POST"])
@login_required
def inspection_rectification(inspection_id):
    """隐患整改通知书 for the open hazards of an inspection."""
    inspection = _visible_or_404(Inspection, inspection_id, "rectification.issue")
    back = url_for("inspections.detail", inspection_id=inspection.id) + "#documents"
    hazards = records.rectifiable(inspection.hazards)
    refusal = None
    if not hazards:
        refusal = _("This inspection has no hazard that is still open; there is nothing to rectify.")
    form = RectificationForm()
    return _rectification_page(hazards, form, back, inspection.enterprise.name,
                               lambda f: records.issue_rectification_notice(
                                   hazards, current_user, department=f.department.data, inspection=inspection,
                                   idempotency_key=_key(f, "rectification-i", inspection.id)), refusal)
