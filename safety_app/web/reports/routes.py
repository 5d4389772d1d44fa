"""Thin views: parse, check visibility, call the document service, answer."""
import logging
from math import ceil

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...documents import records, service
from ...extensions import db
from ...models import Document, DocumentKind, Enterprise, Hazard, Inspection
from ...permissions import can, get_visible, scope
from ..paging import page_arg
from ..urls import safe_next
from . import bp
from .forms import ActionForm, BuildReportForm
from .panels import KIND_LABELS

log = logging.getLogger(__name__)
PER_PAGE = 30
REPORT_KINDS = (DocumentKind.MONTHLY.value, DocumentKind.QUARTERLY.value)




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


def _render_index(form, status=200):
    documents, page, pages, total = _report_list()
    superseded = service.superseded_ids(documents)
    return render_template("reports/index.html", documents=documents, superseded=superseded, form=form,
                           page=page, pages=pages, total=total, kind_labels=KIND_LABELS), status


@bp.route("/")
@login_required
def index():
    """Monthly and quarterly reports the user may see; staff also get the form to build one."""
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
    make = service.build_monthly_report if form.kind.data == "monthly" else service.build_quarterly
    try:
        document = make(form.period.data, enterprise, actor=current_user,
                        idempotency_key=_key(form, form.kind.data,
                                                  f"{form.period.data}:{form.enterprise.data or 'park'}"))
    except service.DocumentError as exc:
        form.period.errors.append(exc.message)
        return _render_index(form, exc.status)
    flash(_("The report was built."), "success")
    return redirect(url_for("reports.index", built=document.id))


@bp.route("/<int:document_id>/download")
@login_required
def download(document_id):
    """Any document by id, for users who may see it (others get 404, like a missing id)."""
    document = get_visible(Document, document_id, current_user)
    if document is None:
        abort(404)
    path = service.file_path(document)
    if path is None or not path.is_file():
        log.error("document %s: file %s is missing", document.id, document.path)
        abort(404)
    name = records.download_name(document) or service.download_name(document)
    response = send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=name, etag=document.sha256, max_age=0)
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


@bp.route("/hazards/<int:hazard_id>/notice", methods=["POST"])
@login_required
def issue_hazard_notice(hazard_id):
    """Issue the notice for one hazard."""
    hazard = _visible_or_404(Hazard, hazard_id)
    form = ActionForm()
    fallback = url_for("reports.index")
    if not form.validate_on_submit():
        return _bad_form(form, fallback)
    try:
        document = service.issue_notice([hazard], current_user, idempotency_key=_key(form, "notice-h", hazard_id))
    except service.DocumentError as exc:
        return _refused(form, exc, fallback)
    return _done(form, document, _("Notice %(number)s issued.", number=document.number), fallback)


@bp.route("/inspections/<int:inspection_id>/notice", methods=["POST"])
@login_required
def issue_inspection_notice(inspection_id):
    """Issue one notice for the hazards of an inspection that have none yet."""
    inspection = _visible_or_404(Inspection, inspection_id)
    form = ActionForm()
    fallback = url_for("reports.index")
    if not form.validate_on_submit():
        return _bad_form(form, fallback)
    try:
        document = service.issue_notice(service.hazards_without_notice(inspection), current_user,
                                        inspection=inspection,
                                        idempotency_key=_key(form, "notice-i", inspection_id))
    except service.DocumentError as exc:
        return _refused(form, exc, fallback)
    return _done(form, document, _("Notice %(number)s issued.", number=document.number), fallback)


def _notice_or_404(document_id):
    document = _visible_or_404(Document, document_id)
    if document.kind != DocumentKind.NOTICE:
        abort(404)
    return document


@bp.route("/<int:document_id>/reissue", methods=["POST"])
@login_required
def reissue(document_id):
    """Reissue a notice as a new numbered version; the old file stays."""
    document = _notice_or_404(document_id)
    form = ActionForm()
    fallback = url_for("reports.index")
    if not form.validate_on_submit():
        return _bad_form(form, fallback)
    try:
        new = service.reissue_notice(document, current_user, idempotency_key=_key(form, "reissue", document_id))
    except service.DocumentError as exc:
        return _refused(form, exc, fallback)
    return _done(form, new, _("Notice %(number)s issued.", number=new.number), fallback)


@bp.route("/<int:document_id>/opinion", methods=["POST"])
@login_required
def issue_opinion(document_id):
    """Issue the re-inspection opinion answering a notice."""
    notice = _notice_or_404(document_id)
    form = ActionForm()
    fallback = url_for("reports.index")
    if not form.validate_on_submit():
        return _bad_form(form, fallback)
    try:
        document = service.issue_opinion(notice, current_user, idempotency_key=_key(form, "opinion", document_id))
    except service.DocumentError as exc:
        return _refused(form, exc, fallback)
    return _done(form, document, _("Re-inspection opinion %(number)s issued.", number=document.number), fallback)
