"""Bulk actions of the office's queues (staff only).

- **Bulk 复查合格** in the re-inspection queue: the ticked submitted hazards get one shared
  finding (date of the re-inspection, inspectors present, opinion — the fields of a single
  verify), applied hazard by hazard through ``lifecycle.apply(hazard, "verify", …)`` in one
  transaction: all or nothing. If one hazard is refused (changed meanwhile, no longer
  submitted, a bad date), nothing is written and the page names the hazard and the reason.
- **催办 (bulk remind)** on the page 逾期催办 (``/hazards/reminders``): the hazards waiting on
  the enterprise that are overdue, or due within ``due_soon_days``; the ticked ones are sent
  to their enterprises by ``reminders.send`` (one notification per enterprise).

At most ``MAX_BATCH`` (200) hazards per submit, with a clear message beyond.
"""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ... import lifecycle, reminders
from ...clock import today
from ...extensions import db
from ...lifecycle import MAX_TEXT
from ...models import Enterprise, Hazard
from ...permissions import can, get_visible
from . import bp
from .forms import FindingForm, staff_choices
from .routes import queue, require

MAX_BATCH = reminders.MAX_BATCH


class BulkVerifyForm(FindingForm):
    """One finding (合格) shared by every ticked hazard; each keeps the version the user saw."""

    summary = _l("Verify the selected hazards: passed (合格)")
    opinion = TextAreaField(_l("Opinion of the re-inspection"), validators=[DataRequired(), Length(max=MAX_TEXT)],
                            description=_l("The same opinion is recorded for every selected hazard; printed on "
                                           "each re-inspection opinion."))


def fresh_bulk_form(choices=None):
    form = BulkVerifyForm(prefix="bulk", formdata=None)
    form.reinspected_on.data = today()
    form.inspectors.load_choices(True, choices)
    return form


@bp.app_template_global()
def bulk_verify_state():
    """The bulk form of the queue page: the user's refused one (errors, ticked rows) or a fresh one."""
    state = g.get("bulk_verify")
    if state is None:
        state = {"form": fresh_bulk_form() if can(current_user, "hazard.bulk_verify") else None,
                 "selected": set(), "error": None, "failed": None}
    return state


def _selected_ids():
    try:
        return reminders.check_batch(request.form.getlist("hazards"))
    except lifecycle.LifecycleError as error:
        return error


@bp.route("/hazards/queue/verify", methods=["POST"])
@login_required
def bulk_verify():
    require("hazard.bulk_verify")
    form = BulkVerifyForm(prefix="bulk")
    form.inspectors.load_choices(False, staff_choices())
    ids = _selected_ids()
    state = {"form": form, "selected": set(ids) if isinstance(ids, list) else set(), "error": None, "failed": None}
    g.bulk_verify = state
    valid = form.validate()
    if isinstance(ids, lifecycle.LifecycleError):
        state["error"] = str(ids.message)
        return queue(), 422
    if not valid:
        return queue(), 422
    data = {name: form[name].data for name in ("reinspected_on", "inspectors", "opinion")}
    done = []
    try:
        for ident in ids:
            hazard = get_visible(Hazard, ident, current_user)
            if hazard is None:
                raise _Missing()
            state["failed"] = hazard.id
            failed_code = hazard.code
            lifecycle.apply(hazard, "verify", current_user, version=request.form.get(f"version-{ident}"),
                            commit=False, **data)
            done.append(hazard.code)
        db.session.commit()
    except _Missing:
        db.session.rollback()
        state["error"] = _("A selected hazard no longer exists. Nothing was recorded; reload the queue.")
        state["failed"] = None
        return queue(), 422
    except lifecycle.LifecycleError as error:
        db.session.rollback()
        db.session.expire_all()
        if error.field in form._fields and not isinstance(error, lifecycle.StaleVersion):
            form[error.field].errors = list(form[error.field].errors) + [str(error.message)]
        state["error"] = _("Nothing was recorded: %(code)s was refused — %(reason)s",
                           code=failed_code, reason=str(error.message))
        return queue(), error.status
    state["failed"] = None
    flash(_("Verified (合格): %(n)d hazards — %(codes)s.", n=len(done), codes="、".join(done)), "success")
    return redirect(url_for("hazards.queue") + "#submitted")


class _Missing(Exception):
    pass


def _reminder_list(which):
    enterprise = request.args.get("enterprise", type=int)
    enterprise = get_visible(Enterprise, enterprise, current_user) if enterprise else None
    hazards, more = reminders.listed(current_user, which, enterprise_id=enterprise.id if enterprise else None)
    groups = []
    for h in hazards:
        if not groups or groups[-1][0].id != h.enterprise_id:
            groups.append((h.enterprise, []))
        groups[-1][1].append(h)
    return groups, more, enterprise


def _render_reminders(which, status=200, *, error=None, selected=()):
    groups, more, enterprise = _reminder_list(which)
    return render_template("hazards/reminders.html", which=which, groups=groups, more=more, enterprise=enterprise,
                           error=error, selected=set(selected), max_batch=MAX_BATCH, today=today(),
                           due_soon_days=reminders.due_soon_days(), max_listed=reminders.MAX_LISTED), status


@bp.route("/hazards/reminders", endpoint="reminders")
@login_required
def reminders_page():
    require("hazard.remind")
    which = request.args.get("list", "overdue")
    if which not in reminders.LISTS:
        abort(404)
    return _render_reminders(which)


@bp.route("/hazards/reminders", methods=["POST"])
@login_required
def send_reminders():
    require("hazard.remind")
    which = request.form.get("list", "overdue")
    if which not in reminders.LISTS:
        which = "overdue"
    raw = request.form.getlist("hazards")
    try:
        result = reminders.send(current_user, raw)
    except lifecycle.LifecycleError as error:
        db.session.rollback()
        selected = [int(x) for x in raw if x.isdigit()][:MAX_BATCH * 5]
        return _render_reminders(which, error.status, error=str(error.message), selected=selected)
    for enterprise, items in result.sent:
        flash(_("Reminder sent to %(name)s (%(n)d hazards).", name=enterprise.name, n=len(items)), "success")
    for enterprise, items in result.already:
        flash(_("%(name)s was already reminded of these %(n)d hazards today: not sent again.",
                name=enterprise.name, n=len(items)), "warning")
    return redirect(url_for("hazards.reminders", list=which))
