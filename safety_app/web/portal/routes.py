"""The enterprise portal: my rectification tasks, what is assigned to me, and filing what the
enterprise finds itself (企业自查)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import case, exists, or_, select
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
    """SQL: hazards ``user`` is responsible for, or responsible for one of their measures. A
    correlated EXISTS (the measures of each hazard by their hazard index), not ``id IN (the user's
    measures)``: SQLite materialises that list by scanning every measure of the park."""
    return or_(Hazard.responsible_user_id == user.id,
               exists().where(Measure.hazard_id == Hazard.id, Measure.responsible_user_id == user.id))


def enterprise_users(enterprise_id):
    """The active users of the enterprise (the choices of a responsible person)."""
    return db.session.scalars(select(User).where(
        User.enterprise_id == enterprise_id, User.role == Role.ENTERPRISE.value, User.active.is_(True))
        .order_by(User.display_name, User.username)).all()


PER_GROUP = 10  # cards per group on the first view: a phone user does not scroll ninety cards
PAGE_SIZE = 30  # cards per page when one group is shown in full
GROUPS = ("mine", "enterprise", "office", "closed")
TURN_KEYS = ("enterprise", "office", "closed")  # the values of turn_clause(), in order


def _page_number():
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


@bp.route("/")
@login_required
def tasks():
    """My rectification tasks: the enterprise's turn first, overdue first, then by deadline (nearest
    first); ``mine=1``: only those assigned to me (the "assigned to me" section is always on top).
    Each group shows its first cards with a link to all of it (``group=<key>``, paged by
    ``PAGE_SIZE``); the counts are of every task."""
    require("tasks.view")
    show_all = request.args.get("show") == "all"
    mine_only = request.args.get("mine") == "1"
    group = request.args.get("group")
    group = group if group in GROUPS else None
    stmt = scope(Hazard, current_user)
    if not show_all:
        # IN (the open statuses), not NOT IN (the final ones): a range of the (enterprise, status,
        # deadline) index instead of every hazard of the enterprise.
        stmt = stmt.where(Hazard.status.in_(OPEN_STATUSES))
    if mine_only:
        stmt = stmt.where(assigned_clause(current_user))
    overdue = definitions.overdue_clause()
    # One narrow query over every task (id, whose turn, overdue, assigned to me): the counts and
    # which cards this page shows; then the full rows of those cards only.
    order = (turn_clause(), case((overdue, 0), else_=1), Hazard.deadline, Hazard.id)
    keys = db.session.execute(stmt.with_only_columns(
        Hazard.id, turn_clause(), case((overdue, 1), else_=0), case((assigned_clause(current_user), 1), else_=0))
        .order_by(*order)).all()
    ids = {"mine": [k[0] for k in keys if k[3]]}
    for number, key in enumerate(TURN_KEYS):
        ids[key] = [k[0] for k in keys if k[1] == number]
    page = _page_number()
    if group:
        pages = max(1, -(-len(ids[group]) // PAGE_SIZE))
        page = min(page, pages)
        shown = {group: ids[group][(page - 1) * PAGE_SIZE:page * PAGE_SIZE]}
    else:
        pages = 1
        shown = {key: ids[key][:PER_GROUP] for key in GROUPS}
    wanted = {i for part in shown.values() for i in part}
    rows = {h.id: h for h in db.session.execute(
        select(Hazard).where(Hazard.id.in_(wanted))
        .options(selectinload(Hazard.measures), joinedload(Hazard.plan))
    ).unique().scalars()} if wanted else {}
    cards = _cards(rows.values())
    turn_labels = dict(TURNS)
    groups = [(key, turn_labels[key], [cards[i] for i in shown[key]], len(ids[key]))
              for key in TURN_KEYS if key in shown and ids[key]]
    mine = [cards[i] for i in shown.get("mine", ())]
    return render_template("portal/tasks.html", groups=groups, mine=mine, mine_count=len(ids["mine"]),
                           total=len(keys), mine_only=mine_only, show_all=show_all,
                           overdue_count=sum(k[2] for k in keys), group=group, page=page, pages=pages,
                           args=_kept_args(show_all, mine_only))


class Card:
    """One task card: the hazard and its texts, each label translated once per page (not per card)."""

    __slots__ = ("hazard", "days", "step", "category", "status", "level", "overdue", "deadline", "originally",
                 "responsible", "word")

    def __init__(self, **values):
        for name, value in values.items():
            setattr(self, name, value)


def _cards(hazards):
    """{hazard id: Card}; the overdue wording is that of ``hazards/_macros.html`` ``overdue_tag``."""
    on = today()
    memo = {}

    def once(kind, key, make):
        if (kind, key) not in memo:
            memo[kind, key] = make(key)
        return memo[kind, key]

    # The formats translated once; filled per card (plain text, escaped by the template).
    deadline, originally = _("deadline %(date)s"), _("(originally %(date)s)")
    responsible = _("Responsible: %(name)s")
    late, overdue = _("Submitted %(n)d days late"), _("Overdue %(n)d days")
    last_words = findings.last_word([h.id for h in hazards])
    cards = {}
    for h in hazards:
        days = definitions.overdue_days(h, on)
        step = next_step(h)  # one of STEPS, memoised by identity
        if step is not None and ("step", id(step)) not in memo:
            memo["step", id(step)] = str(step)
        word = last_words.get(h.id)
        cards[h.id] = Card(
            hazard=h, days=days,
            overdue=(late if h.status in ("submitted", "verified") else overdue) % {"n": days} if days else None,
            step=None if step is None else memo["step", id(step)],
            category=once("category", h.category, _category_label),
            status=once("status", h.status, lambda code: str(labels.status(code))),
            level=once("level", h.level, lambda code: str(labels.level(code))) if h.is_major else None,
            deadline=deadline % {"date": h.deadline.isoformat()},
            originally=(originally % {"date": h.original_deadline.isoformat()}
                        if h.deadline != h.original_deadline else None),
            responsible=responsible % {"name": h.responsible_person} if h.responsible_person else None,
            word=word if word and (not word.passed or h.status == "verified") else None)
    return cards


def _category_label(code):
    c = reference.category(code)
    return c.label() if c else code


def _kept_args(show_all, mine_only):
    """The filters a "show all" or page link keeps."""
    return {**({"show": "all"} if show_all else {}), **({"mine": "1"} if mine_only else {})}


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


# The hints of next_step, made once: a card's text is memoised by the hint's identity (a lazy
# string hashes by translating itself).
STEPS = {
    "plan": _l("Write the governance plan, then acknowledge"),
    "acknowledge": _l("Acknowledge"),
    "measures": _l("Add the measures"),
    "finish": _l("Finish the measures"),
    "submit": _l("Upload evidence and submit for re-inspection"),
    "accept": _l("Acceptance by another user of the enterprise (整改人 ≠ 验收人)"),
    "reinspection": _l("Waiting for re-inspection"),
    "close": _l("Waiting for close-out by the office"),
}


def next_step(hazard):
    """What the enterprise has to do next (a translatable hint), or None when it waits for others."""
    status = hazard.status
    if status == "open":
        if hazard.is_major and (hazard.plan is None or not hazard.plan.is_complete):
            return STEPS["plan"]
        return STEPS["acknowledge"]
    if status == "rectifying":
        if not hazard.measures:
            return STEPS["measures"]
        if any(not m.is_done for m in hazard.measures):
            return STEPS["finish"]
        return STEPS["submit"]
    if status == "submitted":
        if hazard.source == HazardSource.SELF_INSPECTION and hazard.level == HazardLevel.GENERAL:
            return STEPS["accept"]
        return STEPS["reinspection"]
    if status == "verified":
        return STEPS["close"]
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
