import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import case, func, or_, select

from ... import devices, major_regime, registry
from ...clock import today
from ...extensions import db
from ...figures import definitions
from ...models import FINAL_STATUSES, Enterprise, Hazard, User
from ...permissions import can, get_visible, scope
from ..paging import page_arg
from . import bp
from .forms import EnterpriseForm, ImportForm

PER_PAGE = 20


def _require(action):
    if not can(current_user, action):
        abort(403)


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@bp.route("/")
@login_required
def index():
    """Staff: every enterprise, searchable and paged. An enterprise user: their own page."""
    if not current_user.is_staff:
        return redirect(url_for(".detail", enterprise_id=current_user.enterprise_id))
    _require("enterprise.view")
    q = request.args.get("q", "").strip()[:100]
    state = request.args.get("state", "active")
    stmt = scope(Enterprise, current_user)
    if q:
        pattern = f"%{_escape_like(q)}%"
        stmt = stmt.where(or_(*(column.ilike(pattern, escape="\\") for column in (
            Enterprise.name, Enterprise.credit_code, Enterprise.zone, Enterprise.industry, Enterprise.contact_name,
        ))))
    if state == "active":
        stmt = stmt.where(Enterprise.active.is_(True))
    elif state == "inactive":
        stmt = stmt.where(Enterprise.active.is_(False))
    else:
        state = "all"
    page = db.paginate(stmt.order_by(Enterprise.name, Enterprise.id), page=page_arg(),
                       per_page=PER_PAGE, error_out=False, max_per_page=PER_PAGE)
    return render_template("enterprises/index.html", page=page, q=q, state=state,
                           counts=_hazard_counts([e.id for e in page.items]))


def _hazard_counts(enterprise_ids):
    """Open and overdue hazards per enterprise, in one query for the whole page."""
    if not enterprise_ids:
        return {}
    stmt = scope(Hazard, current_user, select(
        Hazard.enterprise_id, func.count(Hazard.id),
        func.sum(case((definitions.overdue_clause(), 1), else_=0)),
    )).where(Hazard.enterprise_id.in_(enterprise_ids),
             Hazard.status.not_in([s.value for s in FINAL_STATUSES])).group_by(Hazard.enterprise_id)
    return {eid: (open_count, int(overdue or 0)) for eid, open_count, overdue in db.session.execute(stmt)}


@bp.route("/<int:enterprise_id>")
@login_required
def detail(enterprise_id):
    enterprise = get_visible(Enterprise, enterprise_id, current_user)
    if enterprise is None:
        abort(404)
    open_count, overdue_count = _hazard_counts([enterprise.id]).get(enterprise.id, (0, 0))
    users = []
    if can(current_user, "user.manage"):
        users = db.session.scalars(select(User).where(User.enterprise_id == enterprise.id)
                                   .order_by(User.username)).all()
    return render_template("enterprises/detail.html", enterprise=enterprise, users=users,
                           open_count=open_count, overdue_count=overdue_count,
                           suspensions=major_regime.suspensions_in_force(enterprise.id, today()))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    _require("enterprise.manage")
    form = EnterpriseForm()
    if form.validate_on_submit():
        try:
            enterprise = registry.create(form.values, current_user)
        except registry.RegistryError as exc:
            _attach(form, exc.errors)
        else:
            flash(_("Enterprise %(name)s registered.", name=enterprise.name), "success")
            return redirect(url_for(".detail", enterprise_id=enterprise.id))
    status = 422 if request.method == "POST" else 200
    return render_template("enterprises/form.html", form=form, enterprise=None), status


@bp.route("/<int:enterprise_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id):
    _require("enterprise.manage")
    enterprise = get_visible(Enterprise, enterprise_id, current_user)
    if enterprise is None:
        abort(404)
    form = EnterpriseForm(obj=enterprise, enterprise=enterprise)
    if form.validate_on_submit():
        was_active = enterprise.active
        try:
            registry.update(enterprise, form.values, current_user)
        except registry.RegistryError as exc:
            _attach(form, exc.errors)
        else:
            if was_active and not enterprise.active:
                # Its users are refused at once anyway (devices.may_log_in); ending their sessions and
                # tokens keeps them ended if the enterprise is reactivated.
                devices.end_enterprise(enterprise)
                db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".detail", enterprise_id=enterprise.id))
    status = 422 if request.method == "POST" else 200
    return render_template("enterprises/form.html", form=form, enterprise=enterprise), status


def _attach(form, errors):
    for name, message in errors.items():
        getattr(form, name).errors.append(message)


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_file():
    """All or nothing: any bad row imports nothing and the page lists every problem by row."""
    _require("enterprise.import")
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(registry.MAX_IMPORT_BYTES + 1)
        try:
            result = registry.import_file(upload.filename, data, current_user)
        except registry.ImportFileError as exc:
            form.file.errors.append(exc.message)
        else:
            if result.ok:
                flash(_("%(n)d enterprises imported.", n=len(result.created)), "success")
                return redirect(url_for(".index"))
    status = 422 if request.method == "POST" else 200
    return render_template("enterprises/import.html", form=form, result=result,
                           max_rows=registry.MAX_IMPORT_ROWS,
                           max_mb=registry.MAX_IMPORT_BYTES // (1024 * 1024)), status


@bp.route("/import/template.xlsx")
@login_required
def template():
    _require("enterprise.import")
    return send_file(io.BytesIO(registry.template_xlsx()), as_attachment=True,
                     download_name="企业名录导入模板.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
