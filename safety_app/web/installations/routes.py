import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ... import duties, exports, installations, reference, registry, settings, uploads
from ...clock import today
from ...documents.duty_board import BoardData, BoardPerson, build_board
from ...exports import Column
from ...extensions import db
from ...lifecycle import NOT_FINAL
from ...lifecycle_errors import LifecycleError
from ...models import DutyCheck, DutyTask, Enterprise, Hazard, Installation, Role, User
from ...monitoring import points as monitoring_points
from ...permissions import can, get_visible, scope
from ..paging import page_arg
from . import bp
from .forms import EMPTY_LINES, DutyCheckForm, ImportForm, InstallationForm, ReportForm, WriteOffForm

PER_PAGE = 30
OPEN = [s.value for s in NOT_FINAL]


def _installation(installation_id, options=()):
    installation = get_visible(Installation, installation_id, current_user, options=options)
    if installation is None:
        abort(404)
    return installation


def _open_counts(ids):
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Hazard.installation_id, func.count(Hazard.id))
        .where(Hazard.installation_id.in_(ids), Hazard.status.in_(OPEN)).group_by(Hazard.installation_id)).all())


@bp.route("/")
@login_required
def index():
    """Staff: the park-wide table; an enterprise user: their own installations. Every number links."""
    stmt = scope(Installation, current_user).options(selectinload(Installation.enterprise),
                                                     selectinload(Installation.substances))
    enterprise_id = request.args.get("enterprise", type=int)
    if enterprise_id:
        stmt = stmt.where(Installation.enterprise_id == enterprise_id)
    missed_only = request.args.get("missed") == "1"
    if missed_only:
        stmt = stmt.where(Installation.id.in_(
            select(DutyTask.installation_id).where(DutyTask.status == "missed",
                                                   DutyTask.due_on >= duties.missed_since())))
    state = request.args.get("state", "in_service")
    if state in ("in_service", "written_off"):
        stmt = stmt.where(Installation.status == state)
    page = db.paginate(stmt.order_by(Installation.enterprise_id, Installation.code, Installation.id),
                       page=page_arg(), per_page=PER_PAGE, error_out=False, max_per_page=PER_PAGE)
    ids = [i.id for i in page.items]
    enterprise = db.session.get(Enterprise, enterprise_id) if enterprise_id else None
    if enterprise is not None and not can(current_user, "enterprise.view", enterprise):
        enterprise = None
    return render_template(
        "installations/index.html", page=page, missed=duties.missed_counts(ids), open_counts=_open_counts(ids),
        open_alarms=monitoring_points.open_alarms_by_installation(ids),
        calcs={i.id: installations.calculate(i.substances, i.people_within_500m) for i in page.items},
        missed_only=missed_only, state=state, enterprise=enterprise, today=today(),
        missed_since=duties.missed_since())


def _people_of(enterprise_id):
    return db.session.scalars(select(User).where(User.enterprise_id == enterprise_id, User.active.is_(True),
                                                 User.role == Role.ENTERPRISE.value).order_by(User.id)).all()


def _form_page(form, enterprise, installation, problems=(), status=200):
    filled = [entry for entry in form.substances if not installations.blank_line(entry.data or {})]
    while len(form.substances) < len(filled) + EMPTY_LINES and len(form.substances) < 50:
        form.substances.append_entry()
    return render_template("installations/form.html", form=form, enterprise=enterprise, installation=installation,
                           problems=problems, alpha_table=installations.grading()["alpha"]), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    enterprise_id = request.args.get("enterprise", type=int) or current_user.enterprise_id
    enterprise = get_visible(Enterprise, enterprise_id, current_user) if enterprise_id else None
    if enterprise is None:
        abort(404)
    form = InstallationForm()
    form.set_people(_people_of(enterprise.id))
    problems = []
    if form.validate_on_submit():
        try:
            installation = installations.create(enterprise, form.data_for_core(), current_user)
        except installations.InstallationError as exc:
            problems = form.attach(exc.errors)
        else:
            flash(_("Installation %(code)s registered.", code=installation.code), "success")
            return redirect(url_for(".detail", installation_id=installation.id))
    return _form_page(form, enterprise, None, problems, 422 if request.method == "POST" else 200)


@bp.route("/<int:installation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(installation_id):
    installation = _installation(installation_id)
    if not installation.in_service:
        abort(404)
    if request.method == "POST":
        form = InstallationForm()
    else:
        form = InstallationForm(data={
            **{name: getattr(installation, name) for name in (
                "code", "name", "kind", "location", "assessed_on", "filed_on", "filing_no")},
            **{f"{role}_id": str(getattr(installation, f"{role}_id") or "") for role in installations.ROLES},
            "people_within_500m": str(installation.people_within_500m),
            "validity_years": str(installation.validity_years),
            "substances": [{"name": s.name, "cas": s.cas, "max_quantity": _plain(s.max_quantity),
                            "critical_quantity": _plain(s.critical_quantity), "beta": _plain(s.beta)}
                           for s in installation.substances]})
    form.set_people(_people_of(installation.enterprise_id))
    problems = []
    if form.validate_on_submit():
        try:
            installations.update(installation, form.data_for_core(), current_user)
        except installations.InstallationError as exc:
            db.session.rollback()
            problems = form.attach(exc.errors)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".detail", installation_id=installation.id))
    return _form_page(form, installation.enterprise, installation, problems,
                      422 if request.method == "POST" else 200)


def _plain(value):
    """A Decimal without trailing zeros, for the form (12.500 → 12.5)."""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@bp.route("/<int:installation_id>")
@login_required
def detail(installation_id):
    installation = _installation(installation_id, options=(selectinload(Installation.substances),))
    calc = installations.calculate(installation.substances, installation.people_within_500m)
    tasks = db.session.scalars(select(DutyTask).where(DutyTask.installation_id == installation.id)
                               .order_by(DutyTask.due_on.desc(), DutyTask.id.desc()).limit(12)).all()
    checks = db.session.scalars(select(DutyCheck).where(DutyCheck.installation_id == installation.id)
                                .order_by(DutyCheck.checked_on.desc(), DutyCheck.id.desc()).limit(10)).all()
    return render_template(
        "installations/detail.html", installation=installation, calc=calc, tasks=tasks, checks=checks,
        open_hazards=installations.open_hazards(installation), history=installations.hazard_history(installation),
        my_roles=duties.roles_of(installation, current_user), report_form=ReportForm(), write_off_form=WriteOffForm(),
        frequencies={role: duties.frequency(role) for role in installations.ROLES}, today=today(),
        may_edit=can(current_user, "installation.edit", installation),
        point_count=monitoring_points.counts_by_installation([installation.id]).get(installation.id, 0),
        open_alarms=monitoring_points.open_alarms_by_installation([installation.id]).get(installation.id, 0),
        may_edit_points=can(current_user, "point.edit", installation) and installation.in_service)


@bp.route("/<int:installation_id>/report", methods=["POST"])
@login_required
def report(installation_id):
    installation = _installation(installation_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            with uploads.processing_slot():
                installations.attach_report(installation, form.file.data, current_user)
        except uploads.UploadError as exc:
            flash(str(exc.message), "error")
        else:
            flash(_("Assessment report stored."), "success")
    else:
        for message in form.file.errors:
            flash(str(message), "error")
    return redirect(url_for(".detail", installation_id=installation.id))


@bp.route("/<int:installation_id>/report.pdf")
@login_required
def report_file(installation_id):
    installation = _installation(installation_id)
    if not installation.report_stored_name:
        abort(404)
    try:
        return uploads.send(installation.report_stored_name, mimetype="application/pdf",
                            download_name=installation.report_name or "report.pdf", as_attachment=False)
    except FileNotFoundError:
        abort(404)


@bp.route("/<int:installation_id>/write-off", methods=["POST"])
@login_required
def write_off(installation_id):
    installation = _installation(installation_id)
    form = WriteOffForm()
    if form.validate_on_submit():
        try:
            installations.write_off(installation, current_user, form.written_off_on.data or today())
        except installations.InstallationError as exc:
            for message in exc.errors.values():
                flash(str(message), "error")
        else:
            flash(_("Installation written off."), "success")
    else:
        for message in form.written_off_on.errors:
            flash(str(message), "error")
    return redirect(url_for(".detail", installation_id=installation.id))


@bp.route("/<int:installation_id>/duty-check", methods=["GET", "POST"])
@login_required
def duty_check(installation_id):
    installation = _installation(installation_id)
    roles = duties.roles_of(installation, current_user)
    if not roles:
        abort(403)
    form = DutyCheckForm()
    form.role.choices = [(r, installations.ROLE_ZH[r]) for r in roles]
    form.hazard_category.choices = [(c.code, c.label()) for c in reference.categories()]
    if request.method == "GET":
        form.checked_on.data = today()
        form.role.data = request.args.get("role") if request.args.get("role") in roles else roles[0]
    error = None
    if form.validate_on_submit():
        hazards = []
        if form.file_hazard.data:
            hazards.append({"title": form.hazard_title.data or "", "category": form.hazard_category.data or "",
                            "deadline": form.hazard_deadline.data, "description": form.findings.data or ""})
        try:
            check, filed = duties.record_check(
                installation, current_user, role=form.role.data, checked_on=form.checked_on.data or today(),
                scope=form.scope.data, findings=form.findings.data, hazards=hazards)
        except LifecycleError as exc:
            error = exc.message
            target = {"checked_on": form.checked_on, "scope": form.scope, "title": form.hazard_title,
                      "category": form.hazard_category, "deadline": form.hazard_deadline}.get(exc.field)
            if target is not None:
                target.errors = list(target.errors) + [exc.message]
                error = None
        else:
            flash(_("Duty check recorded.") + (" " + _("%(n)d hazard(s) filed.", n=len(filed)) if filed else ""),
                  "success")
            return redirect(url_for(".my_duties"))
    return render_template("installations/duty_check.html", form=form, installation=installation,
                           error=error), 422 if request.method == "POST" else 200


@bp.route("/my-duties")
@login_required
def my_duties():
    tasks = duties.my_tasks(current_user)
    mine = db.session.scalars(scope(Installation, current_user).where(
        (Installation.principal_id == current_user.id) | (Installation.technical_id == current_user.id)
        | (Installation.operations_id == current_user.id)).order_by(Installation.code)).all()
    return render_template("installations/my_duties.html", tasks=tasks, mine=mine, today=today(),
                           roles={i.id: duties.roles_of(i, current_user) for i in mine})


@bp.route("/<int:installation_id>/board.pdf")
@login_required
def board(installation_id):
    installation = _installation(installation_id, options=(selectinload(Installation.substances),))
    calc = installations.calculate(installation.substances, installation.people_within_500m)
    persons = []
    for role in installations.ROLES:
        user = getattr(installation, role)
        persons.append(BoardPerson(installations.ROLE_ZH[role], user.name if user else "", user.phone if user else "",
                                   f"{duties.FREQUENCY_ZH[duties.frequency(role)]}至少一次包保检查"))
    data = BoardData(installation.enterprise.name, installation.code, installation.name,
                     installations.KIND_ZH[installation.kind], installation.location,
                     installations.LEVEL_ZH[calc.level], str(calc.shown(calc.r)), installation.filing_no, persons,
                     settings.get("office_name"), today())
    folder = Path(tempfile.mkdtemp(prefix="duty-board-"))
    path = folder / "board.pdf"
    try:
        build_board(data, path, font_path=current_app.config.get("PDF_FONT_PATH"))
        response = send_file(path, mimetype="application/pdf", as_attachment=False, max_age=0,
                             download_name=f"包保公示牌-{installation.code}.pdf")
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    response.call_on_close(lambda: shutil.rmtree(folder, ignore_errors=True))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/import")
@login_required
def import_page():
    return render_template("installations/import.html", form=ImportForm(), result=None,
                           columns=installations.IMPORT_COLUMNS)


@bp.route("/import", methods=["POST"])
@login_required
def import_file():
    """All or nothing: any bad row imports nothing and the page lists every problem by row.
    Rows of an enterprise the user may not write to are refused like a missing credit code."""
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(registry.MAX_IMPORT_BYTES + 1)
        try:
            result = installations.import_file(upload.filename, data, current_user,
                                               scope(Enterprise, current_user))
        except registry.ImportFileError as exc:
            db.session.rollback()
            form.file.errors.append(exc.message)
        else:
            if result.ok:
                flash(_("%(n)d installations imported.", n=len(result.created)), "success")
                return redirect(url_for(".index"))
    return render_template("installations/import.html", form=form, result=result,
                           columns=installations.IMPORT_COLUMNS), 422


EXPORT_COLUMNS = tuple(Column(c.header, 14 if c.name not in ("enterprise_name", "name", "substance") else 28)
                       for c in installations.IMPORT_COLUMNS)


@bp.route("/export.<fmt>")
@login_required
def export(fmt):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    items = db.session.scalars(scope(Installation, current_user).options(
        selectinload(Installation.enterprise), selectinload(Installation.substances))
        .order_by(Installation.enterprise_id, Installation.code)).all()
    rows = installations.export_rows(items)
    next(rows)  # the header: the columns say it
    stem = f"重大危险源-{today():%Y%m%d}"
    if fmt == "csv":
        body = exports.csv_stream(EXPORT_COLUMNS, ([_csv(v) for v in row] for row in rows))
        mimetype = "text/csv; charset=utf-8"
    else:
        body = exports.xlsx_stream(EXPORT_COLUMNS, rows, "重大危险源")
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    from urllib.parse import quote

    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(stem)}.{fmt}"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _csv(value):
    return _plain(value) if isinstance(value, Decimal) else value
