"""Inspections: list, start one, walk the checklist, file hazards with photos."""
import re

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ... import campaigns, criteria, idempotency, inspections, installations, lifecycle, reference, uploads
from ...clock import today
from ...extensions import db
from ...figures import definitions
from ...models import Enterprise, Hazard, Inspection, InspectionResult, Role, User
from ...models.enums import InspectionStatus
from ...permissions import can, scope
from .. import outbox
from ..filing import earlier_filing, error_beside, file_from_form
from ..hazards.routes import load_or_404, require
from ..paging import page_arg
from ..portal.routes import enterprise_users
from . import bp
from .forms import ChecklistForm, CompleteForm, HazardForm, InspectionForm, ResultForm
from .picker import criteria_picker

PAGE_SIZE = 30
STATUS_FILTERS = ("", InspectionStatus.IN_PROGRESS.value, InspectionStatus.COMPLETED.value)


@bp.route("/")
@login_required
def index():
    require("inspection.view")
    page = page_arg()
    status = request.args.get("status", "")
    if status not in STATUS_FILTERS:
        abort(400)
    stmt = scope(Inspection, current_user).options(joinedload(Inspection.enterprise)).order_by(
        Inspection.inspected_on.desc(), Inspection.id.desc()
    )
    if status:
        stmt = stmt.where(Inspection.status == status)
    rows = db.session.execute(stmt.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).scalars().all()
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    counts = dict(db.session.execute(
        select(Hazard.inspection_id, func.count(Hazard.id))
        .where(Hazard.inspection_id.in_([i.id for i in rows])).group_by(Hazard.inspection_id)
    ).all()) if rows else {}
    return render_template("inspections/index.html", inspections=rows, counts=counts, page=page,
                           has_next=has_next, status=status)


def _staff():
    return db.session.execute(
        select(User).where(User.role.in_([Role.INSPECTOR.value, Role.ADMIN.value]), User.active.is_(True))
        .order_by(User.role.desc(), User.id)
    ).scalars().all()


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require("inspection.create")
    enterprises = db.session.execute(
        scope(Enterprise, current_user).where(Enterprise.active.is_(True)).order_by(Enterprise.name)
    ).scalars().all()
    staff = _staff()
    form = InspectionForm()
    form.fill_choices(enterprises, staff)
    running = campaigns.running()
    form.fill_campaigns(running)
    if request.method == "GET":
        form.inspected_on.data = today()
        form.inspectors.data = [current_user.id]
        form.enterprise_id.data = request.args.get("enterprise_id", type=int)
        # Pre-filled from "my inspections due" (a plan task) or a campaign page.
        form.inspection_type.data = request.args.get("inspection_type") or form.inspection_type.data
        form.campaign.data = request.args.get("campaign", type=int) or 0
        return render_template("inspections/new.html", form=form)
    if form.validate():
        by_id = {u.id: u for u in staff}
        try:
            inspection = lifecycle.start_inspection(
                current_user, enterprise=db.session.get(Enterprise, form.enterprise_id.data),
                inspection_type=form.inspection_type.data, inspected_on=form.inspected_on.data,
                inspectors=[by_id[i] for i in form.inspectors.data or [] if i in by_id],
                checklist=form.checklist.data or [], summary=form.summary.data,
                campaign={c.id: c for c in running}.get(form.campaign.data),
            )
        except lifecycle.LifecycleError as error:
            error_beside(form, error)
            return render_template("inspections/new.html", form=form), error.status
        flash(_("Inspection started. Walk the checklist and file what you find."), "success")
        return redirect(url_for("inspections.detail", inspection_id=inspection.id))
    return render_template("inspections/new.html", form=form), 422


def _inspection(inspection_id):
    return load_or_404(Inspection, inspection_id, options=(
        joinedload(Inspection.enterprise), selectinload(Inspection.inspectors),
        selectinload(Inspection.hazards),
    ))


def item_anchor(code):
    """The page anchor of a checklist item (codes hold ':' and '.')."""
    return "item-" + re.sub(r"[^A-Za-z0-9_-]", "-", code)


def _render_detail(inspection, form=None, status=200):
    criteria_set = criteria.set_in_force(inspection.inspected_on)
    results = inspections.results_of(inspection)  # read on every visit: nothing tapped is ever lost
    editable = inspections.in_progress(inspection) and inspections.may_record(current_user, inspection)
    if form is None and current_user.role != Role.ENTERPRISE:
        form = ChecklistForm(formdata=None, data={"checklist": inspection.checklist or [],
                                                  "summary": inspection.summary})
        form.fill_choices(criteria_set.code if criteria_set else None)
    found = {}
    for h in inspection.hazards:
        found.setdefault(h.category, []).append(h)
        if h.criteria_set:
            found.setdefault(criteria.checklist_code(h.criteria_set, h.criterion_clause), []).append(h)
    prefix = criteria.CHECKLIST_PREFIX
    return render_template("inspections/detail.html", inspection=inspection, form=form, found=found,
                           results=results, tally=inspections.counts(results), editable=editable,
                           result_form=ResultForm(formdata=None), item_anchor=item_anchor,
                           in_progress=inspections.in_progress(inspection),
                           looked_at=set(inspection.checklist or []), criteria_set=criteria_set,
                           criteria_list=criteria.clauses(criteria_set.code) if criteria_set else [],
                           criteria_open=any(k.startswith(prefix) for k in found)
                           or any(k.startswith(prefix) for k in results)
                           or any(str(k).startswith(prefix) for k in inspection.checklist or []),
                           overdue={h.id: definitions.overdue_days(h) for h in inspection.hazards}), status


@bp.route("/<int:inspection_id>")
@login_required
def detail(inspection_id):
    return _render_detail(_inspection(inspection_id))


@bp.route("/<int:inspection_id>/checklist", methods=["POST"])
@login_required
def checklist(inspection_id):
    inspection = _inspection(inspection_id)
    require("inspection.create")
    form = ChecklistForm()
    criteria_set = criteria.set_in_force(inspection.inspected_on)
    form.fill_choices(criteria_set.code if criteria_set else None)
    if not form.validate():
        return _render_detail(inspection, form, 422)
    try:
        sent_list = "checklist" in request.form
        lifecycle.update_inspection(inspection, current_user,
                                    checklist=(form.checklist.data or []) if sent_list else None,
                                    summary=form.summary.data)
    except lifecycle.LifecycleError as error:
        error_beside(form, error)
        return _render_detail(inspection, form, error.status)
    flash(_("Checklist saved."), "success")
    return redirect(url_for("inspections.detail", inspection_id=inspection.id))


@bp.route("/<int:inspection_id>/hazards/new", methods=["GET", "POST"])
@login_required
def file_hazard(inspection_id):
    inspection = _inspection(inspection_id)
    require("hazard.file")
    if not inspections.in_progress(inspection):
        flash(_("This inspection is completed; file the hazard in a new inspection."), "error")
        return redirect(url_for("inspections.detail", inspection_id=inspection.id))
    form = HazardForm()
    form.fill_choices()
    form.fill_installations(installations.of_enterprise(inspection.enterprise_id))
    form.fill_people(enterprise_users(inspection.enterprise_id))
    found_on = today()  # a hazard filed here is found today: the picker offers the set in force today

    def page(status=200):
        return render_template("inspections/file_hazard.html", inspection=inspection, form=form,
                               picker=criteria_picker(found_on, form.criterion.data)), status

    if request.method == "GET":
        category = request.args.get("category")
        ref = criteria.parse_form_value(request.args.get("criterion"))
        if reference.category(category):
            form.category.data = category
        if ref and criteria.find(*ref):
            form.criterion.data = criteria.form_value(*ref)
        form.client_key.data = idempotency.new_key()
        return page()
    earlier = earlier_filing(form)
    if earlier is not None:
        return redirect(url_for("inspections.detail", inspection_id=inspection.id) + "#found")
    if not form.validate():
        return page(422)
    hazard, created, refused = file_from_form(
        form, enterprise=inspection.enterprise, inspection=inspection, found_on=found_on,
        deadline=form.deadline_date(today()), responsible_person=form.responsible_person.data)
    if refused:
        return page(refused)
    if created:
        flash(_("Hazard %(code)s filed (%(level)s).", code=hazard.code, level=_level(hazard.level)), "success")
    return redirect(url_for("inspections.detail", inspection_id=inspection.id) + "#found")


def _level(level):
    from ... import labels

    return str(labels.level(level))



# --------------------------------------------------------------------------- checklist results


def _wants_json():
    return request.accept_mimetypes.best == "application/json" or request.headers.get("X-Requested-With") == "fetch"


@bp.route("/<int:inspection_id>/results", methods=["POST"])
@login_required
def result(inspection_id):
    """One tap on the checklist: saved at once. JSON for the page's script; otherwise back to the item."""
    inspection = _inspection(inspection_id)
    if not can(current_user, "inspection.record", inspection):
        abort(403)
    form = ResultForm()
    as_json = _wants_json()
    if not form.validate():
        message = _("Choose 合格, 不合格 or 不适用.")
        if as_json:
            return jsonify(error={"code": "invalid", "message": message}), 422
        flash(message, "error")
        return _render_detail(inspection, status=422)
    try:
        # A tap replayed by the offline outbox (its answer was lost) changes nothing: a newer tap on
        # the same item, saved meanwhile, stands.
        key = idempotency.clean_key(form.client_key.data)
        earlier = idempotency.replayed(current_user, key, "inspection_result")
        row = db.session.get(InspectionResult, earlier) if earlier is not None else None
        if row is None:
            row = inspections.record_result(inspection, current_user, form.item.data, form.result.data,
                                            note=form.note.data if "note" in request.form else None)
            idempotency.remember(current_user, key, request.endpoint, "inspection_result", row.id)
    except lifecycle.LifecycleError as error:
        if as_json:
            return jsonify(error={"code": error.code, "message": str(error.message)},
                           conflict=error.code in outbox.CONFLICT_CODES), error.status
        flash(str(error.message), "error")
        return _render_detail(inspection, status=error.status)
    tally = inspections.counts(inspections.results_of(inspection))
    if as_json:
        return jsonify(item=row.item, result=row.result, note=row.note, counts=tally.as_dict(),
                       message=_("Saved"))
    return redirect(url_for("inspections.detail", inspection_id=inspection.id) + "#" + item_anchor(row.item))


# --------------------------------------------------------------------------- completion


@bp.route("/<int:inspection_id>/complete", methods=["GET", "POST"])
@login_required
def complete(inspection_id):
    """The sign-off on site: summary, the enterprise's representative and signature, the officers."""
    inspection = _inspection(inspection_id)
    if not can(current_user, "inspection.record", inspection):
        abort(403)
    if not inspections.in_progress(inspection):
        flash(_("This inspection is already completed."), "error")
        return redirect(url_for("inspections.detail", inspection_id=inspection.id))
    form = CompleteForm()
    form.officers.load_choices(preselect=[u.id for u in inspection.inspectors])
    tally = inspections.counts(inspections.results_of(inspection))

    def page(status=200):
        return render_template("inspections/complete.html", inspection=inspection, form=form, tally=tally), status

    if request.method == "GET":
        form.summary.data = inspection.summary
        form.representative.data = inspection.enterprise_representative
        return page()
    if not form.validate():
        return page(422)
    signature = form.signature.data or ""
    chosen_file = uploads.present([form.signature_file.data])
    if not signature and chosen_file:
        signature = chosen_file[0].stream.read(inspections.SIGNATURE_MAX_BYTES + 1)
    try:
        document = inspections.complete(
            inspection, current_user, summary=form.summary.data, representative=form.representative.data,
            signature=signature, officers=form.officers.data or [],
            confirm_unanswered=form.confirm_unanswered.data, inspector_signature=form.inspector_signature.data)
    except lifecycle.LifecycleError as error:
        target = form[error.field] if error.field in form._fields else None
        if target is None:
            flash(str(error.message), "error")
        else:
            target.errors = list(target.errors) + [str(error.message)]
        return page(error.status)
    flash(_("Inspection completed. On-site inspection record %(number)s issued.", number=document.number),
          "success")
    return redirect(url_for("inspections.detail", inspection_id=inspection.id) + "#documents")
