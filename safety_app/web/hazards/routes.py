"""Thin views: find the hazard through the permission core (404 if not visible),
parse the form, call the lifecycle core, render or redirect."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ... import findings, idempotency, lifecycle, major, uploads
from ...clock import today
from ...extensions import db
from ...figures import definitions
from ...models import (
    FINAL_STATUSES,
    Attachment,
    AttachmentKind,
    Event,
    ExtensionRequest,
    ExtensionStatus,
    Hazard,
    HazardStatus,
    Measure,
    ReinspectionFinding,
    Role,
)
from ...permissions import can, get_visible, scope
from .. import outbox
from . import bp
from .forms import (
    ACTION_FORMS,
    CorrectionForm,
    MeasureForm,
    PlanForm,
    UploadForm,
    action_data,
    form_class,
    fresh_finding_form,
    prepare_form,
    staff_choices,
)


def load_or_404(model, ident, options=()):
    """The row if the current user may see it; otherwise 404, exactly like a missing id."""
    obj = get_visible(model, ident, current_user, options=options)
    if obj is None:
        abort(404)
    return obj


def require(action, obj=None):
    if not can(current_user, action, obj):
        abort(403)


def _hazard(hazard_id):
    return load_or_404(Hazard, hazard_id, options=(
        joinedload(Hazard.enterprise), joinedload(Hazard.found_by), joinedload(Hazard.inspection),
        joinedload(Hazard.plan), selectinload(Hazard.measures), selectinload(Hazard.attachments),
        joinedload(Hazard.supervision), selectinload(Hazard.suspensions),
        selectinload(Hazard.extension_requests).joinedload(ExtensionRequest.requested_by),
        selectinload(Hazard.findings).selectinload(ReinspectionFinding.inspectors),
        selectinload(Hazard.findings).joinedload(ReinspectionFinding.recorded_by),
    ))


def _fresh_forms(hazard, actions):
    forms = {}
    for action in actions:
        form = form_class(action, hazard)(prefix=action, formdata=None)
        form.version.data = hazard.version
        if action == "close":
            form.accepted_on.data = today()
        prepare_form(form, hazard, fresh=True)
        forms[action] = form
    return forms


def render_detail(hazard, status=200, *, bound=None, action_errors=None, upload_form=None, correction=None):
    """The hazard page; ``bound`` replaces one action's form with the user's (with its errors),
    ``correction`` the correction form."""
    actions = lifecycle.allowed_actions(hazard, current_user)
    forms = _fresh_forms(hazard, actions)
    if bound is not None:
        forms[bound[0]] = bound[1]
    if upload_form is None:
        upload_form = UploadForm(formdata=None)
        upload_form.version.data = hazard.version
        upload_form.client_key.data = idempotency.new_key()
    events = db.session.execute(
        select(Event).where(Event.hazard_id == hazard.id).options(joinedload(Event.actor)).order_by(Event.seq)
    ).scalars().all()
    kind = AttachmentKind.EVIDENCE if current_user.role == Role.ENTERPRISE else AttachmentKind.PHOTO
    may_edit = {w: lifecycle.may_edit(hazard, current_user, w)
                for w in ("measure", "plan", "evidence", "assessment", "photo")}
    if upload_form.kind.data == AttachmentKind.ASSESSMENT:
        kind = AttachmentKind.ASSESSMENT
    _flash_unshown_errors(bound, action_errors, actions, upload_form, may_edit[kind])
    if correction is None and lifecycle.may_correct(hazard, current_user):
        correction = CorrectionForm(prefix="edit", formdata=None).fill(hazard, fresh=True)
    prerequisites = (lifecycle.submit_prerequisites(hazard)
                     if hazard.status in lifecycle.EDITABLE_STATES else [])
    return render_template(
        "hazards/detail.html", hazard=hazard, forms=forms, actions=actions, events=events,
        action_errors=action_errors or {}, upload_form=upload_form, upload_kind=kind,
        photos=[a for a in hazard.attachments if a.kind == AttachmentKind.PHOTO],
        evidence=[a for a in hazard.attachments if a.kind == AttachmentKind.EVIDENCE],
        assessments=[a for a in hazard.attachments if a.kind == AttachmentKind.ASSESSMENT],
        major_basis=major.basis_label(hazard),
        pending=lifecycle.pending_extension(hazard),
        overdue_days=definitions.overdue_days(hazard),
        may_edit=may_edit,
        correction=correction, prerequisites=prerequisites, submit_ready=all(p.done for p in prerequisites),
        last_word=findings.last_word([hazard.id]).get(hazard.id),
        action_labels=lifecycle.ACTION_LABELS,
        finding_labels=findings.RESULT_LABELS,
        today=today(),
    ), status


def _flash_unshown_errors(bound, action_errors, actions, upload_form, upload_shown):
    """A refusal the page would not show (a hidden field's error, or a form the page no longer
    offers because the hazard changed meanwhile) is said at the top instead."""
    messages = []
    if bound is not None:
        action, form = bound
        if action in actions:
            messages += [e for name, errors in form.errors.items()
                         if name and form[name].type == "HiddenField" for e in errors]
        else:
            messages += [e for errors in form.errors.values() for e in errors]
            messages += [m for a, m in (action_errors or {}).items() if a == action]
    if not upload_shown:
        messages += [e for errors in upload_form.errors.values() for e in errors]
    for message in messages:
        flash(str(message), "error")


@bp.route("/hazards/<int:hazard_id>")
@login_required
def detail(hazard_id):
    return render_detail(_hazard(hazard_id))


def _refused(hazard, action, form, error):
    """Re-render the page after a refused action, the message beside the field it concerns."""
    if isinstance(error, lifecycle.StaleVersion):
        db.session.expire_all()
        hazard = _hazard(hazard.id)
        flash(str(error.message), "error")
        return render_detail(hazard, error.status)
    db.session.expire_all()
    hazard = _hazard(hazard.id)
    if form is not None and error.field in form._fields:
        form[error.field].errors = list(form[error.field].errors) + [str(error.message)]
        return render_detail(hazard, error.status, bound=(action, form))
    if form is not None:
        return render_detail(hazard, error.status, bound=(action, form),
                             action_errors={action: str(error.message)})
    flash(str(error.message), "error")
    return render_detail(hazard, error.status)


@bp.route("/hazards/<int:hazard_id>/actions/<action>", methods=["POST"])
@login_required
def transition(hazard_id, action):
    hazard = _hazard(hazard_id)
    if action not in ACTION_FORMS:
        abort(404)
    form = form_class(action, hazard)(prefix=action)
    prepare_form(form, hazard, fresh=False)
    if not form.validate():
        return render_detail(hazard, 422, bound=(action, form))
    try:
        lifecycle.apply(hazard, action, current_user, version=form.version.data, **action_data(form))
    except lifecycle.LifecycleError as error:
        return _refused(hazard, action, form, error)
    flash(_("Done: %(action)s.", action=lifecycle.ACTION_LABELS[action]), "success")
    return redirect(url_for("hazards.detail", hazard_id=hazard.id))


@bp.route("/hazards/<int:hazard_id>/edit", methods=["POST"])
@login_required
def correct(hazard_id):
    """Correct the descriptive fields and the deadline (the filing inspector or an admin), audited."""
    hazard = _hazard(hazard_id)
    require("hazard.edit", hazard)
    form = CorrectionForm(prefix="edit").fill(hazard, fresh=False)
    if not form.validate():
        return render_detail(hazard, 422, correction=form)
    try:
        lifecycle.edit_hazard(hazard, current_user, version=form.version.data, reason=form.reason.data or "",
                              **{name: getattr(form, name).data or ("" if name != "deadline" else None)
                                 for name in ("title", "category", "location", "description", "deadline")})
    except lifecycle.LifecycleError as error:
        db.session.expire_all()
        hazard = _hazard(hazard.id)
        if isinstance(error, lifecycle.StaleVersion) or error.field not in form._fields:
            flash(str(error.message), "error")
            return render_detail(hazard, error.status)
        form[error.field].errors = list(form[error.field].errors) + [str(error.message)]
        return render_detail(hazard, error.status, correction=form)
    flash(_("The hazard was corrected."), "success")
    return redirect(url_for("hazards.detail", hazard_id=hazard.id))


@bp.route("/hazards/<int:hazard_id>/measures/new", methods=["GET", "POST"])
@login_required
def measure_new(hazard_id):
    return _measure_form(_hazard(hazard_id), None)


@bp.route("/hazards/<int:hazard_id>/measures/<int:measure_id>", methods=["GET", "POST"])
@login_required
def measure_edit(hazard_id, measure_id):
    hazard = _hazard(hazard_id)
    measure = load_or_404(Measure, measure_id)
    if measure.hazard_id != hazard.id:
        abort(404)
    return _measure_form(hazard, measure)


def _measure_form(hazard, measure):
    as_json = outbox.wants_json()
    if request.method == "GET" and not lifecycle.may_edit(hazard, current_user, "measure"):
        abort(403)
    form = MeasureForm(obj=measure if request.method == "GET" else None)
    from ..portal.routes import enterprise_users

    form.fill_people(enterprise_users(hazard.enterprise_id))
    if request.method == "GET":
        form.responsible_user_id.data = str(measure.responsible_user_id) if measure and measure.responsible_user_id \
            else ""
        form.version.data = hazard.version
        form.client_key.data = idempotency.new_key()
        if measure is None:
            form.deadline.data = hazard.deadline
        return render_template("hazards/measure_form.html", hazard=hazard, measure=measure, form=form)
    # A replay (the outbox sent the entry again after a lost answer) is answered before the form,
    # whose rules — and the hazard — may have moved on since: the first save stands, nothing is written.
    try:
        key = idempotency.clean_key(form.client_key.data)
        earlier = idempotency.replayed(current_user, key, "measure")
    except lifecycle.LifecycleError as error:
        if as_json:
            return outbox.refused(error)
        error.field = None  # the key is a hidden field: its message goes above the form
        return _form_refused("hazards/measure_form.html", hazard, form, error, measure=measure)
    if earlier is not None:
        if as_json:
            return outbox.saved(earlier, False, outbox.hazard_state(hazard))
        flash(_("The measure was already saved; nothing was saved twice."), "success")
        return redirect(url_for("hazards.detail", hazard_id=hazard.id) + "#measures")
    if form.validate():
        try:
            measure_id, created = idempotency.create_once(
                current_user, key, request.endpoint, "measure",
                lambda: lifecycle.save_measure(hazard, current_user, measure, version=form.version.data,
                                               commit=False, **form.values()))
        except lifecycle.LifecycleError as error:
            if as_json:
                db.session.rollback()
                db.session.expire_all()
                return outbox.refused(error, outbox.hazard_state(_hazard(hazard.id)))
            return _form_refused("hazards/measure_form.html", hazard, form, error, measure=measure)
        if as_json:
            db.session.expire_all()
            return outbox.saved(measure_id, created, outbox.hazard_state(_hazard(hazard.id)))
        flash(_("The measure was saved."), "success")
        return redirect(url_for("hazards.detail", hazard_id=hazard.id) + "#measures")
    if as_json:
        return outbox.invalid(form)
    return render_template("hazards/measure_form.html", hazard=hazard, measure=measure, form=form), 422


def _form_refused(template, hazard, form, error, **context):
    db.session.rollback()
    if error.field and error.field in form._fields:
        form[error.field].errors = list(form[error.field].errors) + [str(error.message)]
    else:
        context["form_error"] = str(error.message)
    if isinstance(error, lifecycle.StaleVersion):
        # The old version stays in the form: the user reloads to see what changed.
        db.session.expire_all()
        hazard = _hazard(hazard.id)
    return render_template(template, hazard=hazard, form=form, **context), error.status


@bp.route("/hazards/<int:hazard_id>/plan", methods=["GET", "POST"])
@login_required
def plan(hazard_id):
    hazard = _hazard(hazard_id)
    if not lifecycle.may_edit(hazard, current_user, "plan") and request.method == "GET":
        abort(403)
    form = PlanForm(obj=hazard.plan if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = hazard.version
        return render_template("hazards/plan_form.html", hazard=hazard, form=form)
    if form.validate():
        try:
            saved = lifecycle.save_plan(hazard, current_user, version=form.version.data, **form.values())
        except lifecycle.LifecycleError as error:
            return _form_refused("hazards/plan_form.html", hazard, form, error)
        if saved.is_complete:
            flash(_("The governance plan was saved and is complete."), "success")
        else:
            flash(_("The governance plan was saved. It is not complete yet: all six elements are needed."),
                  "warning")
        return redirect(url_for("hazards.detail", hazard_id=hazard.id) + "#plan")
    return render_template("hazards/plan_form.html", hazard=hazard, form=form), 422


@bp.route("/hazards/<int:hazard_id>/uploads", methods=["POST"])
@login_required
def upload(hazard_id):
    """Evidence from the enterprise (images or PDF), more photos from staff (images); once per the
    form's client key (the offline outbox may send the same upload again)."""
    hazard = _hazard(hazard_id)
    form = UploadForm()
    as_json = outbox.wants_json()
    is_enterprise = current_user.role == Role.ENTERPRISE
    kind = AttachmentKind.EVIDENCE if is_enterprise else AttachmentKind.PHOTO
    if is_enterprise and form.kind.data == AttachmentKind.ASSESSMENT:
        kind = AttachmentKind.ASSESSMENT
    anchor = "#assessment" if kind == AttachmentKind.ASSESSMENT else "#files"
    stored = []

    def create():
        checked = uploads.check_all(request.files.getlist(form.files.name), allow_pdf=is_enterprise,
                                    required=True)
        stored.extend(uploads.save_to_hazard(hazard, current_user, checked, kind, version=form.version.data,
                                             commit=False))
        return stored[0]

    try:
        key = idempotency.clean_key(form.client_key.data)
        attachment_id, created = idempotency.create_once(current_user, key, request.endpoint, "attachment", create)
    except lifecycle.LifecycleError as error:
        db.session.rollback()
        uploads.discard(stored)
        db.session.expire_all()
        hazard = _hazard(hazard_id)
        if as_json:
            return outbox.refused(error, outbox.hazard_state(hazard))
        form.files.errors = [str(error.message)]
        if isinstance(error, lifecycle.StaleVersion):
            flash(str(error.message), "error")
            return render_detail(hazard, error.status)
        return render_detail(hazard, error.status, upload_form=form)
    except BaseException:
        uploads.discard(stored)
        raise
    if as_json:
        db.session.expire_all()
        return outbox.saved(attachment_id, created, outbox.hazard_state(_hazard(hazard_id)))
    if created:
        flash(_("%(n)d file(s) uploaded.", n=len(stored)), "success")
    else:
        flash(_("These files were already uploaded; nothing was uploaded twice."), "success")
    return redirect(url_for("hazards.detail", hazard_id=hazard.id) + anchor)


def _attachment_response(attachment, thumb):
    name = attachment.thumb_name if thumb else attachment.stored_name
    if not name:
        abort(404)
    inline = attachment.content_type.startswith("image/")
    try:
        response = uploads.send(
            name, mimetype="image/jpeg" if thumb else attachment.content_type,
            as_attachment=not inline, download_name=attachment.original_name, conditional=True, max_age=0,
        )
    except FileNotFoundError:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'"
    response.headers["Cache-Control"] = "private, max-age=600"
    return response


@bp.route("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id):
    return _attachment_response(load_or_404(Attachment, attachment_id), thumb=False)


@bp.route("/attachments/<int:attachment_id>/thumb")
@login_required
def attachment_thumb(attachment_id):
    return _attachment_response(load_or_404(Attachment, attachment_id), thumb=True)


@bp.route("/hazards/queue")
@login_required
def queue():
    """Re-inspection queue: submitted hazards; for admins also close-outs and extension requests."""
    require("reinspection.queue")
    options = (joinedload(Hazard.enterprise),)
    submitted = db.session.execute(
        scope(Hazard, current_user).where(Hazard.status == HazardStatus.SUBMITTED)
        .options(*options).order_by(Hazard.submitted_at, Hazard.id)
    ).scalars().all()
    verified, extensions = [], []
    if current_user.role == Role.ADMIN:
        verified = db.session.execute(
            scope(Hazard, current_user).where(Hazard.status == HazardStatus.VERIFIED)
            .options(*options).order_by(Hazard.verified_at, Hazard.id)
        ).scalars().all()
        extensions = db.session.execute(
            scope(ExtensionRequest, current_user).where(
                ExtensionRequest.status == ExtensionStatus.PENDING,
                # a withdrawn or closed hazard's forgotten request needs no decision
                ExtensionRequest.hazard_id.in_(select(Hazard.id).where(
                    Hazard.status.not_in([s.value for s in FINAL_STATUSES]))),
            )
            .options(joinedload(ExtensionRequest.hazard).joinedload(Hazard.enterprise))
            .order_by(ExtensionRequest.created_at, ExtensionRequest.id)
        ).scalars().all()
    # The re-inspection can be recorded right here: verify (合格) or reject (不合格), date, who was there.
    # (Staff may do both on every submitted hazard they see; the core checks again on submit.)
    finding_forms = {}
    if current_user.role in lifecycle.TRANSITIONS["verify"].roles:
        staff = staff_choices()  # one query for the whole list
        for hazard in submitted:
            finding_forms[hazard.id] = {action: fresh_finding_form(action, hazard, staff)
                                        for action in ("verify", "reject")}
    return render_template("hazards/queue.html", submitted=submitted, verified=verified, extensions=extensions,
                           finding_forms=finding_forms, action_labels=lifecycle.ACTION_LABELS)
