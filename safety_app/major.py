"""Data rules of major hazards, called by the lifecycle core (the only caller).

- major by judgment: one of the four grounds of 16号令 Art. 3 (reference data, stable codes)
  with a written reason, instead of a criterion (regulations §8.2);
- reclassification general ↔ major (the ``reclassify`` action);
- governance-plan integrity: while the plan of a major hazard is incomplete no measure can be
  marked done and nothing can be submitted; a complete plan only changes into another complete one;
- the two-step close-out: the enterprise's assessment of the governance result (治理效果评估报告)
  before submitting, and the admin's acceptance (验收销号: opinion, date, people) on ``close``.

Each check returns a ``Problem`` (message, field) or None and writes nothing; the core raises it.
"""
from datetime import date
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from . import reference
from .clock import to_local, today
from .models import AttachmentKind, GovernancePlan, HazardLevel

MAX_TEXT = 4000
MAX_ACCEPTED_BY = 300  # Hazard.accepted_by


class Problem(NamedTuple):
    message: object
    field: str | None = None


def _text(data, name):
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def plan_complete(hazard):
    return hazard.plan is not None and hazard.plan.is_complete


def has_assessment(hazard):
    return any(a.kind == AttachmentKind.ASSESSMENT for a in hazard.attachments)


# --- the basis of a major hazard -----------------------------------------------------------------

def basis_problem(ground, reason, *, has_criterion):
    """Is (ground, reason) a valid basis for a major hazard, given whether it has a criterion?"""
    if ground:
        if reference.major_ground(ground) is None:
            return Problem(_l("Choose a ground for a major hazard from the list."), "major_ground")
        if has_criterion:
            return Problem(_l("Give either a major-hazard criterion or a ground, not both."), "major_ground")
        if not reason:
            return Problem(_l("Write why the hazard is major."), "major_reason")
    elif reason and not has_criterion:
        return Problem(_l("Choose the ground for a major hazard that the reason explains."), "major_ground")
    if len(reason) > MAX_TEXT:
        return Problem(_l("This text is too long (at most %(n)d characters).", n=MAX_TEXT), "major_reason")
    return None


# --- reclassify (general ↔ major) ----------------------------------------------------------------

def reclassify_problem(hazard, data):
    level = _text(data, "level")
    if level not in (HazardLevel.GENERAL, HazardLevel.MAJOR):
        return Problem(_l("Choose the new level."), "level")
    if level == hazard.level:
        return Problem(_l("The hazard already has this level."), "level")
    if level == HazardLevel.MAJOR:
        ground = _text(data, "major_ground")
        if not ground and not hazard.criteria_set:
            return Problem(_l("A major hazard needs a basis: choose one of the grounds of 16号令 Art. 3."),
                           "major_ground")
        return basis_problem(ground, _text(data, "reason"), has_criterion=bool(hazard.criteria_set))
    return None


def _criterion_ref(hazard):
    return {"set": hazard.criteria_set, "clause": hazard.criterion_clause} if hazard.criteria_set else None


def reclassify(hazard, data):
    """Change the level (checked by ``reclassify_problem``); returns the event data."""
    level = _text(data, "level")
    event = {"from_level": str(hazard.level), "to_level": level}
    if level == HazardLevel.MAJOR:
        ground = _text(data, "major_ground") or None
        hazard.major_ground = ground
        hazard.major_reason = _text(data, "reason") if ground else ""
        event.update(major_ground=ground, criterion=_criterion_ref(hazard))
    else:
        # The basis that made it major stays readable in this event.
        event.update(previous_major_ground=hazard.major_ground, previous_major_reason=hazard.major_reason,
                     previous_criterion=_criterion_ref(hazard))
        hazard.criteria_set = None
        hazard.criterion_clause = None
        hazard.major_ground = None
        hazard.major_reason = ""
    hazard.level = level
    return event


# --- governance plan integrity -------------------------------------------------------------------

def measure_done_problem(hazard, measure, done_on):
    """Marking a measure done needs the complete plan when the hazard is major."""
    marking_done = done_on is not None and (measure is None or measure.done_on is None)
    if marking_done and hazard.level == HazardLevel.MAJOR and not plan_complete(hazard):
        return Problem(_l("While the governance plan of this major hazard is incomplete, no measure can be "
                          "marked done. Complete the plan (all six elements) first."), "done_on")
    return None


def plan_edit_problem(plan, values, was_complete):
    """A complete plan may only be changed into another complete plan."""
    if not was_complete:
        return None
    for name in GovernancePlan.ELEMENTS:
        value = values[name] if name in values else getattr(plan, name)
        if not (value or "").strip():
            return Problem(_l("The governance plan is complete; it can only be changed into another complete "
                              "plan. Fill in every one of the six elements."), name)
    return None


# --- the two-step close-out ----------------------------------------------------------------------

def verified_day(hazard):
    return to_local(hazard.verified_at).date() if hazard.verified_at else None


def acceptance_problem(hazard, data):
    opinion = _text(data, "acceptance_opinion")
    if not opinion:
        return Problem(_l("The acceptance opinion is required."), "acceptance_opinion")
    if len(opinion) > MAX_TEXT:
        return Problem(_l("This text is too long (at most %(n)d characters).", n=MAX_TEXT), "acceptance_opinion")
    accepted_on = data.get("accepted_on")
    if not isinstance(accepted_on, date):
        return Problem(_l("Give the acceptance date as a date."), "accepted_on")
    if accepted_on > today():
        return Problem(_l("The acceptance date cannot be in the future."), "accepted_on")
    verified = verified_day(hazard)
    if verified is not None and accepted_on < verified:
        return Problem(_l("The acceptance date cannot be before the verification (%(date)s).",
                          date=verified.isoformat()), "accepted_on")
    accepted_by = _text(data, "accepted_by")
    if not accepted_by:
        return Problem(_l("Name the people who accepted."), "accepted_by")
    if len(accepted_by) > MAX_ACCEPTED_BY:
        return Problem(_l("This text is too long (at most %(n)d characters).", n=MAX_ACCEPTED_BY), "accepted_by")
    return None


def accept(hazard, data):
    """Store the acceptance (checked by ``acceptance_problem``); returns the event data."""
    hazard.acceptance_opinion = _text(data, "acceptance_opinion")
    hazard.accepted_on = data["accepted_on"]
    hazard.accepted_by = _text(data, "accepted_by")
    return {"accepted_on": hazard.accepted_on.isoformat(), "accepted_by": hazard.accepted_by}


def basis_label(hazard):
    """The basis of a major hazard in words (for pages and documents), or ''."""
    ground = reference.major_ground(hazard.major_ground)
    if ground is not None:
        return ground.label()
    return ""
