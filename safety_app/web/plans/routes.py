"""Plans: list, define (admin), plan page (the period's tasks, coverage, the draw), generate the period's
tasks now (admin), "my inspections due", and the coverage lists (全覆盖)."""
from datetime import date
from typing import NamedTuple

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ... import lifecycle, plans, sequences
from ...clock import today
from ...extensions import db
from ...figures import coverage as cov
from ...figures.cache import VersionedCache
from ...models import Enterprise, InspectionPlan, PlanDraw, Role, User
from ...permissions import can, get_visible
from ...validation import date_window
from . import bp
from .forms import PlanForm


def _plan(plan_id):
    plan = get_visible(InspectionPlan, plan_id, current_user)
    if plan is None:
        abort(404)
    return plan


def _enterprises():
    return db.session.scalars(select(Enterprise).where(Enterprise.active.is_(True)).order_by(Enterprise.name)).all()


def _staff():
    return db.session.scalars(select(User).where(User.role.in_([Role.INSPECTOR.value, Role.ADMIN.value]),
                                                 User.active.is_(True)).order_by(User.role.desc(), User.id)).all()


def error_beside(form, error):
    target = form[error.field] if error.field in form._fields else None
    if target is None:
        flash(str(error.message), "error")
    else:
        target.errors = list(target.errors) + [str(error.message)]


@bp.route("/")
@login_required
def index():
    rows = db.session.scalars(select(InspectionPlan).order_by(InspectionPlan.active.desc(),
                                                              InspectionPlan.starts_on.desc(),
                                                              InspectionPlan.id.desc()).limit(200)).all()
    return render_template("plans/index.html", plans=rows, period_of=plans.current_period)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = PlanForm()
    form.fill(_enterprises(), _staff())
    if request.method == "GET":
        form.starts_on.data = today().replace(month=1, day=1)
        form.ends_on.data = today().replace(month=12, day=31)
        form.frequency.data = "quarter"
        return render_template("plans/form.html", form=form)
    if form.validate():
        try:
            plan = plans.create_plan(
                current_user, name=form.name.data, scope_kind=form.scope_kind.data,
                scope_value=form.scope_value_data(), enterprise_ids=form.enterprises.data or [],
                inspection_type=form.inspection_type.data or None, frequency=form.frequency.data,
                starts_on=form.starts_on.data, ends_on=form.ends_on.data, inspector_ids=form.inspectors.data or [],
                draw_size=form.draw_size.data)
        except lifecycle.LifecycleError as error:
            error_beside(form, error)
            return render_template("plans/form.html", form=form), error.status
        flash(_("Plan saved. Its tasks are generated each period by the scheduler."), "success")
        return redirect(url_for("plans.detail", plan_id=plan.id))
    return render_template("plans/form.html", form=form), 422


@bp.route("/<int:plan_id>")
@login_required
def detail(plan_id):
    plan = _plan(plan_id)
    period = plans.current_period(plan) or plans.period_of(plan.frequency, min(max(today(), plan.starts_on),
                                                                                 plan.ends_on))
    tasks = plans.task_states(plan, period)
    draw = db.session.scalar(select(PlanDraw).where(PlanDraw.plan_id == plan.id, PlanDraw.period_key == period.key))
    return render_template("plans/detail.html", plan=plan, period=period, tasks=tasks, draw=draw,
                           reproduced=(plans.reproduce(draw) == draw.result) if draw else None,
                           coverage=cov.plan_coverage(plan, period), active=plans.current_period(plan) is not None)


@bp.route("/<int:plan_id>/generate", methods=["POST"])
@login_required
def generate(plan_id):
    plan = _plan(plan_id)  # CSRF is checked for every POST (extensions.csrf)
    try:
        created = plans.generate_now(plan, current_user)
    except lifecycle.LifecycleError as error:
        flash(str(error.message), "error")
        return redirect(url_for("plans.detail", plan_id=plan.id))
    flash(_("%(n)d tasks created for this period.", n=created), "success")
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.route("/due")
@login_required
def due():
    return render_template("plans/due.html", rows=plans.due_for(current_user))


def _date_arg(name, default):
    raw = request.args.get(name)
    if not raw:
        return default
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        abort(400)
    low, high = date_window()
    if not low <= value <= high:
        abort(400)
    return value


def default_period(day=None):
    """The coverage period shown by default: the current quarter."""
    return plans.period_of("quarter", day or today())


@bp.route("/coverage")
@login_required
def coverage():
    """Coverage of a period (default: this quarter) as of a day, overall or for one plan; ``group`` lists
    the enterprises in scope, inspected, not yet inspected or never inspected."""
    period = default_period()
    start = _date_arg("start", period.starts_on)
    end = _date_arg("end", period.due_on)
    as_of = _date_arg("as_of", today())
    if end < start:
        abort(400)
    group = request.args.get("group", "not_inspected")
    if group not in cov.GROUPS:
        abort(400)
    plan = None
    if request.args.get("plan"):
        plan = _plan(request.args.get("plan", type=int) or 0)
        p = plans.period_of(plan.frequency, start)
        figures = cov.plan_coverage(plan, p, as_of)
        start, end = p.starts_on, p.due_on
    else:
        figures = cov.coverage(start, end, as_of=as_of)
    return render_template("plans/coverage.html", f=figures, group=group, plan=plan, start=start, end=end,
                           as_of=as_of, groups=cov.GROUPS)


class _PlanRef(NamedTuple):
    id: int
    name: str


_PANELS = VersionedCache(8, sequences.INSPECTION_DATA)  # the same for every staff user: one per park day


def _panel_figures(day):
    """This quarter overall and each active plan's current period, as plain values (kept across requests)."""
    period = default_period(day)
    overall = cov.coverage(period.starts_on, period.due_on, as_of=day)
    active = db.session.scalars(select(InspectionPlan).where(
        InspectionPlan.active.is_(True), InspectionPlan.starts_on <= day, InspectionPlan.ends_on >= day)
        .order_by(InspectionPlan.id).limit(20)).all()
    per_plan = []
    for p in active:
        current = plans.current_period(p, day)
        per_plan.append((_PlanRef(p.id, p.name), current, cov.plan_coverage(p, current, as_of=day)))
    return {"period": period, "overall": overall, "plans": per_plan}


@bp.app_context_processor
def coverage_panel():
    """``coverage_panel()`` for the dashboard's include: this quarter overall and each active plan's period,
    kept under the inspections' data version (``figures.cache``)."""
    def panel():
        if not can(current_user, "coverage.view"):
            return None
        day = today()
        return _PANELS.get(("coverage_panel", day), lambda: _panel_figures(day))
    return {"coverage_panel": panel}
