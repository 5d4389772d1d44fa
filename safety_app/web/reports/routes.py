"""Thin views: parse, check visibility, call the document service, answer."""
import logging
import re
import secrets
from math import ceil

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms.validators import ValidationError

from ... import clock, findings, storage
from ...documents import officers, records, service, statistics_service
from ...extensions import db
from ...models import FINAL_STATUSES, Document, DocumentKind, Enterprise, Hazard, Inspection
from ...permissions import can, get_visible, scope
from ..paging import page_arg
from ..urls import safe_next
from . import bp
from .forms import BuildReportForm, EnterpriseStatisticsForm, NoticeForm, OpinionForm
from .panels import KIND_LABELS

log = logging.getLogger(__name__)
PER_PAGE = 30
REPORT_KINDS = (DocumentKind.MONTHLY.value, DocumentKind.QUARTERLY.value, DocumentKind.ANNUAL.value)




def _key(form, action, target):
    """A per-click idempotency key: a double submit returns the first document."""
    if not form.key.data:
        return None
    return f"web:{current_user.id}:{action}:{target}:{form.key.data}"


def _build_form():
    form = BuildReportForm()
    enterprises = db.session.execute(
        select(Enterprise.id, Enterprise.name).where(Enterprise.active.is_(True)).order_by(Enterprise.name)).all()
    form.enterprise.choices = [("", _("Whole park"))] + [(str(i), name) for i, name in enterprises]
    return form


def _report_list():
    page = page_arg()
    stmt = scope(Document, current_user).where(Document.kind.in_(REPORT_KINDS))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    documents = db.session.scalars(
        stmt.options(joinedload(Document.enterprise))
        .order_by(Document.kind, Document.period.desc(), Document.enterprise_id.is_not(None),
                  Document.enterprise_id, Document.version.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return documents, page, max(1, ceil(total / PER_PAGE)), total


def _statistics_form():
    """An enterprise user's form for their own statistics table (None for staff: they use the build form)."""
    if current_user.enterprise_id is None:
        return None
    return EnterpriseStatisticsForm()


def _render_index(form, status=200, statistics_form=None, enterprise_id=None):
    documents, page, pages, total = _report_list()
    superseded = service.superseded_ids(documents)
    return render_template("reports/index.html", documents=documents, superseded=superseded, form=form,
                           statistics_form=statistics_form or _statistics_form(),
                           statistics_enterprise_id=enterprise_id or current_user.enterprise_id,
                           page=page, pages=pages, total=total, kind_labels=KIND_LABELS), status


@bp.route("/")
@login_required
def index():
    """Monthly reports and statistics tables the user may see; staff get the form to build one, an
    enterprise user the form for their own statistics table."""
    if not can(current_user, "report.enterprise"):
        abort(404)
    return _render_index(_build_form() if can(current_user, "report.park") else None)


@bp.route("/", methods=["POST"])
@login_required
def build():
    if not can(current_user, "report.park"):
        abort(403)
    form = _build_form()
    if not form.validate_on_submit():
        return _render_index(form, 422 if request.form else 400)
    enterprise = db.session.get(Enterprise, int(form.enterprise.data)) if form.enterprise.data else None
    key = _key(form, form.kind.data, f"{form.period.data}:{form.enterprise.data or 'park'}")
    try:
        if form.kind.data == "monthly":
            document = service.build_monthly_report(form.period.data, enterprise, actor=current_user,
                                                    idempotency_key=key)
        else:
            document = statistics_service.build_statistics(form.kind.data, form.period.data, enterprise,
                                                           actor=current_user, idempotency_key=key)
    except service.DocumentError as exc:
        form.period.errors.append(exc.message)
        return _render_index(form, exc.status)
    flash(_("The report was built."), "success")
    return redirect(url_for("reports.index", built=document.id))


@bp.route("/enterprises/<int:enterprise_id>/statistics", methods=["POST"])
@login_required
def build_enterprise_statistics(enterprise_id):
    """An enterprise's own quarterly or annual statistics table, signed by its principal (others: 404)."""
    enterprise = get_visible(Enterprise, enterprise_id, current_user)
    if enterprise is None:
        abort(404)
    form = EnterpriseStatisticsForm()
    staff_form = _build_form() if can(current_user, "report.park") else None
    if not form.validate_on_submit():
        return _render_index(staff_form, 422 if request.form else 400, statistics_form=form,
                             enterprise_id=enterprise.id)
    key = _key(form, f"statistics-{form.kind.data}", f"{form.period.data}:enterprise-{enterprise.id}")
    try:
        document = statistics_service.build_statistics(form.kind.data, form.period.data, enterprise,
                                                       actor=current_user, idempotency_key=key,
                                                       signed_by=form.signed_by.data)
    except service.DocumentError as exc:
        form.period.errors.append(exc.message)
        return _render_index(staff_form, exc.status, statistics_form=form, enterprise_id=enterprise.id)
    flash(_("The statistics table was built."), "success")
    return redirect(url_for("reports.index", built=document.id))


@bp.route("/<int:document_id>/download")
@login_required
def download(document_id):
    """Any document by id, for users who may see it (others get 404, like a missing id)."""
    document = get_visible(Document, document_id, current_user)
    if document is None:
        abort(404)
    name = records.download_name(document) or service.download_name(document)
    try:
        response = storage.reports().send(document.path, mimetype="application/pdf", as_attachment=True,
                                          download_name=name, etag=document.sha256, max_age=0)
    except FileNotFoundError:
        log.error("document %s: file %s is missing", document.id, document.path)
        abort(404)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- issuing (staff)


def _visible_or_404(model, ident):
    obj = get_visible(model, ident, current_user)
    if obj is None:
        abort(404)
    if not can(current_user, "document.issue", obj):
        abort(403)
    return obj


def _done(form, document, message, fallback):
    flash(message, "success")
    return redirect(safe_next(form.next.data) or fallback)


def _refused(form, exc, fallback):
    """A refused POST: the reason in the user's language, the right status, a way back."""
    back = safe_next(form.next.data) or fallback
    return render_template("reports/refused.html", message=exc.message, back=back), exc.status


def _bad_form(form, fallback):
    back = safe_next(form.next.data) or fallback
    return render_template("reports/refused.html", message=_("The form expired or was changed. Reload the page "
                                                             "and try again."), back=back), 400


def _eligible_ids():
    return {u.id for u in officers.eligible()}


def _notice_page(candidates, *, heading, fallback, key_target, issue, preselect=(), replaces=None):
    """The issue form of a notice (GET) and its post: the service checks everything, nothing is written on refusal."""
    form = NoticeForm()
    eligible = _eligible_ids()
    form.officers.load_choices(preselect=[uid for uid in preselect if uid in eligible])
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                hazards, deadlines = form.chosen(candidates)
                document = issue(hazards, deadlines, form.officers.data, _key(form, "notice", key_target))
            except ValidationError as exc:
                form.form_errors.append(str(exc))
                status = 422
            except service.DocumentError as exc:
                form.form_errors.append(exc.message)
                status = exc.status if exc.status != 400 else 422
            else:
                return _done(form, document, _("Notice %(number)s issued.", number=document.number), fallback)
        else:
            status = 422 if request.form else 400
    else:
        form.fill(candidates)
        form.next.data = request.args.get("next", "")
        form.key.data = secrets.token_urlsafe(12)
    by_id = {h.id: h for h in candidates}
    rows = [(entry, by_id.get(int(entry.form.hazard_id.data or 0))) for entry in form.items.entries]
    return render_template("reports/notice_form.html", form=form, rows=[r for r in rows if r[1] is not None],
                           heading=heading, replaces=replaces, back=safe_next(form.next.data) or fallback,
                           today=clock.today(),
                           officers_missing=len(form.officers.choices) < officers.MIN_OFFICERS), status


def _refuse_page(message, fallback):
    """Nothing to issue: the reason (a page to read on GET; a refused change, 409, on POST)."""
    status = 409 if request.method == "POST" else 200
    return render_template("reports/refused.html", message=message, back=fallback), status


def _also(hazard):
    """Further hazards of the same enterprise named in ``?also=`` (the scheduled reminder's group)."""
    raw = request.args.get("also", "")
    if not re.fullmatch(r"(\d{1,9})(,\d{1,9}){0,199}", raw):
        return []
    found = []
    for ident in dict.fromkeys(int(x) for x in raw.split(",")):
        other = get_visible(Hazard, ident, current_user)
        if other is not None and other.id != hazard.id and other.enterprise_id == hazard.enterprise_id:
            found.append(other)
    return found


@bp.route("/hazards/<int:hazard_id>/notice", methods=["GET", "POST"])
@login_required
def issue_hazard_notice(hazard_id):
    """The issue form of the notice for one hazard (and the hazards of the same visit named in ``also``)."""
    hazard = _visible_or_404(Hazard, hazard_id)
    fallback = url_for("hazards.detail", hazard_id=hazard.id) + "#documents"
    candidates = [h for h in [hazard, *_also(hazard)] if h.status not in FINAL_STATUSES]
    candidates = [h for h in candidates if h.id not in service.noticed_hazard_ids([h.id for h in candidates])]
    if not candidates:
        return _refuse_page(_("This hazard already has a notice, or is closed or withdrawn."), fallback)

    def issue(hazards, deadlines, chosen, key):
        return service.issue_notice(hazards, current_user, officers=chosen, deadlines=deadlines, idempotency_key=key)

    return _notice_page(candidates, heading=hazard.enterprise.name, fallback=fallback, key_target=hazard_id,
                        issue=issue, preselect=[current_user.id, hazard.found_by_id])


@bp.route("/inspections/<int:inspection_id>/notice", methods=["GET", "POST"])
@login_required
def issue_inspection_notice(inspection_id):
    """The issue form of one notice for the hazards of an inspection that have none yet."""
    inspection = _visible_or_404(Inspection, inspection_id)
    fallback = url_for("inspections.detail", inspection_id=inspection.id) + "#documents"
    candidates = service.hazards_without_notice(inspection)
    if not candidates:
        return _refuse_page(_("Every hazard of this inspection already has a notice, or is closed or withdrawn."),
                            fallback)

    def issue(hazards, deadlines, chosen, key):
        return service.issue_notice(hazards, current_user, officers=chosen, inspection=inspection,
                                    deadlines=deadlines, idempotency_key=key)

    return _notice_page(candidates, heading=inspection.enterprise.name, fallback=fallback,
                        key_target=f"i{inspection_id}", issue=issue,
                        preselect=[current_user.id, *(u.id for u in inspection.inspectors)])


def _notice_or_404(document_id):
    document = _visible_or_404(Document, document_id)
    if document.kind != DocumentKind.NOTICE:
        abort(404)
    return document


@bp.route("/<int:document_id>/reissue", methods=["GET", "POST"])
@login_required
def reissue(document_id):
    """The form to reissue a notice as a new numbered version (the old file stays)."""
    document = _notice_or_404(document_id)
    fallback = url_for("reports.index")
    candidates = [h for h in document.hazards if h.status not in FINAL_STATUSES]
    if not candidates:
        return _refuse_page(_("Every hazard of this notice is closed or withdrawn; there is nothing to reissue."),
                            fallback)

    def issue(hazards, deadlines, chosen, key):
        if {h.id for h in hazards} != {h.id for h in candidates}:
            raise ValidationError(_("A reissued notice keeps every open hazard of the notice it replaces."))
        return service.reissue_notice(document, current_user, officers=chosen, deadlines=deadlines,
                                      idempotency_key=key)

    return _notice_page(candidates, heading=document.enterprise.name if document.enterprise else "",
                        fallback=fallback, key_target=f"r{document_id}", issue=issue,
                        preselect=[u.id for u in document.officers] or [current_user.id], replaces=document.number)


def _opinion_form(notice, candidates, form=None):
    """The opinion's issue form: choosable items are those with a finding since the notice."""
    form = form or OpinionForm(formdata=None)
    choosable = [c for c in candidates if c.finding is not None]
    form.items.choices = [(c.hazard.id, f"{c.hazard.code} {c.hazard.title}") for c in choosable]
    present = [u.id for c in choosable for u in c.finding.inspectors]
    # Only a fresh form is preselected: a posted form with nobody ticked must stay so.
    form.officers.load_choices(preselect=() if form.is_submitted() else [current_user.id, *present])
    if not form.is_submitted():
        form.items.data = [c.hazard.id for c in choosable]
        form.next.data = request.args.get("next", "")
        form.key.data = secrets.token_urlsafe(12)
    return form


def _render_opinion_form(notice, candidates, form, status=200, message=None):
    return render_template("reports/opinion_form.html", notice=notice, candidates=candidates, form=form,
                           message=message, finding_labels=findings.RESULT_LABELS,
                           back=safe_next(form.next.data) or url_for("reports.index")), status


@bp.route("/<int:document_id>/opinion")
@login_required
def issue_opinion_form(document_id):
    """The form of the re-inspection opinion answering a notice."""
    notice = service.current_version(_notice_or_404(document_id))
    candidates = service.opinion_candidates(notice)
    return _render_opinion_form(notice, candidates, _opinion_form(notice, candidates))


@bp.route("/<int:document_id>/opinion", methods=["POST"])
@login_required
def issue_opinion(document_id):
    """Issue the re-inspection opinion answering a notice (items, officers and quoting from the form)."""
    notice = service.current_version(_notice_or_404(document_id))
    candidates = service.opinion_candidates(notice)
    form = _opinion_form(notice, candidates, OpinionForm())
    if not form.validate_on_submit():
        if any(name in form.errors for name in ("csrf_token", "key", "next")):
            return _bad_form(form, url_for("reports.index"))
        return _render_opinion_form(notice, candidates, form, 422)
    try:
        document = service.issue_opinion(notice, current_user, officers=form.officers.data,
                                         hazard_ids=form.items.data, quote_notes=form.quote_notes.data,
                                         idempotency_key=_key(form, "opinion", document_id))
    except service.DocumentError as exc:
        return _render_opinion_form(notice, candidates, form, exc.status, message=exc.message)
    return _done(form, document, _("Re-inspection opinion %(number)s issued.", number=document.number),
                 url_for("reports.index"))
