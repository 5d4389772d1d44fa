"""The enterprise portal: my rectification tasks, what is assigned to me, and filing what the
enterprise finds itself (企业自查)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import case, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ... import findings, idempotency, installations, labels, reference
from ...clock import today
from ...extensions import db
from ...figures import definitions
from ...models import FINAL_STATUSES, Hazard, HazardLevel, HazardSource, HazardStatus, Measure, Role, User
from ...permissions import scope
from ..filing import earlier_filing, file_from_form
from ..hazards.routes import require
from ..inspections.picker import criteria_picker
from . import bp
from .forms import SelfHazardForm

OPEN_STATUSES = tuple(sorted(s.value for s in HazardStatus if s not in FINAL_STATUSES))


def assigned_clause(user):
    """SQL: hazards ``user`` is responsible for, or responsible for one of their measures."""
    return or_(Hazard.responsible_user_id == user.id,
               Hazard.id.in_(select(Measure.hazard_id).where(Measure.responsible_user_id == user.id)))


def enterprise_users(enterprise_id):
    """The active users of the enterprise (the choices of a responsible person)."""
    return db.session.scalars(select(User).where(
        User.enterprise_id == enterprise_id, User.role == Role.ENTERPRISE.value, User.active.is_(True))
        .order_by(User.display_name, User.username)).all()


@bp.route("/")
@login_required
def tasks():
    """My rectification tasks: overdue first, then by deadline (nearest first); ``mine=1``: only
    those assigned to me (the "assigned to me" section is always on top)."""
    require("tasks.view")
    show_all = request.args.get("show") == "all"
    mine_only = request.args.get("mine") == "1"
    stmt = scope(Hazard, current_user)
    if not show_all:
        # IN (the open statuses), not NOT IN (the final ones): a range of the (enterprise, status,
        # deadline) index instead of every hazard of the enterprise.
        stmt = stmt.where(Hazard.status.in_(OPEN_STATUSES))
    if mine_only:
        stmt = stmt.where(assigned_clause(current_user))
    overdue_first = case((definitions.overdue_clause(), 0), else_=1)
    rows = db.session.execute(
        stmt.options(selectinload(Hazard.measures), joinedload(Hazard.plan),
                     selectinload(Hazard.extension_requests))
        .order_by(turn_clause(), overdue_first, Hazard.deadline, Hazard.id)
        .limit(500)
    ).scalars().all()
    on = today()
    steps = {}  # each hint translated once per page, not once per card (they are a handful of lazy strings)

    def step_text(step):
        if step is not None and id(step) not in steps:
            steps[id(step)] = str(step)
        return None if step is None else steps[id(step)]

    tasks = [(h, definitions.overdue_days(h, on), step_text(next_step(h))) for h in rows]
    last_words = findings.last_word(h.id for h in rows)
    mine = [t for t in tasks if is_assigned(t[0], current_user)]
    groups = [(key, label, [t for t in tasks if turn(t[0]) == key]) for key, label in TURNS]
    return render_template("portal/tasks.html", tasks=tasks, groups=[g for g in groups if g[2]], mine=mine,
                           last_words=last_words, mine_only=mine_only, show_all=show_all,
                           overdue_count=sum(1 for _h, d, _s in tasks if d))


ENTERPRISE_TURN = ("open", "rectifying")  # acknowledge, rectify (also after a rejection), submit
OFFICE_TURN = ("submitted", "verified")  # re-inspection, close-out
TURNS = (("enterprise", _l("Your turn")), ("office", _l("Waiting for the office")), ("closed", _l("Closed")))


def _self_accepted(hazard):
    """A general self-found hazard handed in is accepted inside the enterprise (selfinspection)."""
    return hazard.source == HazardSource.SELF_INSPECTION and hazard.level == HazardLevel.GENERAL


def turn(hazard):
    """Whose move it is: 'enterprise' (the portal lists these first), 'office', or 'closed'."""
    if hazard.status in ENTERPRISE_TURN or (hazard.status == "submitted" and _self_accepted(hazard)):
        return "enterprise"
    if hazard.status in OFFICE_TURN:
        return "office"
    return "closed"


def turn_clause():
    """SQL twin of ``turn`` for the order: 0 the enterprise's move, 1 the office's, 2 closed."""
    return case(
        (Hazard.status.in_(ENTERPRISE_TURN), 0),
        ((Hazard.status == "submitted") & (Hazard.source == HazardSource.SELF_INSPECTION.value)
         & (Hazard.level == HazardLevel.GENERAL.value), 0),
        (Hazard.status.in_(OFFICE_TURN), 1),
        else_=2)


def is_assigned(hazard, user):
    return hazard.responsible_user_id == user.id or any(m.responsible_user_id == user.id for m in hazard.measures)


def next_step(hazard):
    """What the enterprise has to do next (a translatable hint), or None when it waits for others."""
    status = hazard.status
    if status == "open":
        if hazard.is_major and (hazard.plan is None or not hazard.plan.is_complete):
            return _l("Write the governance plan, then acknowledge")
        return _l("Acknowledge")
    if status == "rectifying":
        if not hazard.measures:
            return _l("Add the measures")
        if any(not m.is_done for m in hazard.measures):
            return _l("Finish the measures")
        return _l("Upload evidence and submit for re-inspection")
    if status == "submitted":
        if hazard.source == HazardSource.SELF_INSPECTION and hazard.level == HazardLevel.GENERAL:
            return _l("Acceptance by another user of the enterprise (整改人 ≠ 验收人)")
        return _l("Waiting for re-inspection")
    if status == "verified":
        return _l("Waiting for close-out by the office")
    return None


@bp.route("/hazards/new", methods=["GET", "POST"])
@login_required
def file_hazard():
    """企业自查: an enterprise user files a hazard found at their own enterprise."""
    require("hazard.self_file")
    enterprise = current_user.enterprise
    form = SelfHazardForm()
    form.fill_choices()
    form.fill_people(enterprise_users(enterprise.id))
    form.fill_installations(installations.of_enterprise(enterprise.id))
    found_on = today()

    def page(status=200):
        return render_template("portal/file_hazard.html", enterprise=enterprise, form=form, today=found_on,
                               picker=criteria_picker(found_on, form.criterion.data)), status

    if request.method == "GET":
        category = request.args.get("category")
        if reference.category(category):
            form.category.data = category
        form.responsible_user_id.data = str(current_user.id)
        form.client_key.data = idempotency.new_key()
        return page()
    earlier = earlier_filing(form)
    if earlier is not None:
        return redirect(url_for("hazards.detail", hazard_id=earlier.id))
    if not form.validate():
        return page(422)
    hazard, created, refused = file_from_form(
        form, enterprise=enterprise, source=HazardSource.SELF_INSPECTION.value, found_on=found_on,
        deadline=form.deadline_date(found_on))
    if refused:
        return page(refused)
    if not created:
        return redirect(url_for("hazards.detail", hazard_id=hazard.id))
    if hazard.level == HazardLevel.MAJOR:
        flash(_("Major hazard %(code)s filed and reported to the office; it is closed only through the office.",
                code=hazard.code), "warning")
    else:
        flash(_("Hazard %(code)s filed (%(level)s).", code=hazard.code, level=str(labels.level(hazard.level))),
              "success")
    return redirect(url_for("hazards.detail", hazard_id=hazard.id))
