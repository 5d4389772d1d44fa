"""The lifecycle of a hazard: the transition table and the one function that applies it.

Web views, the JSON API and the scheduled jobs all change hazards through this
module; nothing else assigns ``Hazard.status``. Every change writes a
hash-chained event and the notifications in the same transaction.
"""
import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from . import (
    audit,
    criteria,
    findings,
    inspections,
    major,
    major_regime,
    notifications,
    reference,
    selfinspection,
    sequences,
    validation,
)
from .clock import today, utcnow
from .extensions import db
from .lifecycle_errors import Invalid, LifecycleError, NotAllowed, StaleVersion, WrongState
from .models import (
    FINAL_STATUSES,
    AttachmentKind,
    ExtensionRequest,
    ExtensionStatus,
    GovernancePlan,
    Hazard,
    HazardLevel,
    HazardSource,
    HazardStatus,
    Inspection,
    Measure,
    ReportSource,
    Role,
)
from .models.enums import InspectionStatus
from .permissions import owns

S = HazardStatus
MAX_TEXT = 4000  # free-text comments, reasons and descriptions
NOT_FINAL = frozenset(set(S) - set(FINAL_STATUSES))


@dataclass(frozen=True)
class Transition:
    roles: frozenset
    from_states: frozenset
    to_state: object = None  # None: status unchanged (extension requests)
    requires: tuple = field(default_factory=tuple)  # names of data items the actor must give
    levels: frozenset | None = None  # only hazards of these levels (None: any)
    sources: frozenset | None = None  # only hazards from these sources (None: any)
    not_by_rectifier: bool = False  # refused to who rectified the hazard (整改人 ≠ 验收人)


ENTERPRISE = frozenset({Role.ENTERPRISE})
STAFF = frozenset({Role.INSPECTOR, Role.ADMIN})
ADMIN = frozenset({Role.ADMIN})

TRANSITIONS = {
    "acknowledge": Transition(ENTERPRISE, frozenset({S.OPEN}), S.RECTIFYING),
    "submit": Transition(ENTERPRISE, frozenset({S.RECTIFYING}), S.SUBMITTED, ("note",)),
    # A re-inspection records a finding (findings.py): reject a 不合格 one whose opinion is the
    # reason, verify a 合格 one with its opinion; both also take the date of the re-inspection
    # (``reinspected_on``, default today) and the inspectors present (``inspectors``, default the actor).
    "reject": Transition(STAFF, frozenset({S.SUBMITTED}), S.RECTIFYING, ("reason",)),
    # A general hazard is closed on verification; a major one waits for the admin.
    "verify": Transition(STAFF, frozenset({S.SUBMITTED}), S.CLOSED, ("opinion",)),
    # 验收销号: the admin's acceptance of a verified major hazard.
    "close": Transition(ADMIN, frozenset({S.VERIFIED}), S.CLOSED,
                        ("acceptance_opinion", "accepted_on", "accepted_by")),
    # 企业验收: a GENERAL hazard the enterprise found itself is accepted inside the enterprise, by
    # another user than the one who rectified it (selfinspection.rectifiers), with an opinion and
    # a date (a SelfAcceptance). A major one closes only through the office (verify, close).
    "accept": Transition(ENTERPRISE, frozenset({S.SUBMITTED}), S.CLOSED, ("opinion", "accepted_on"),
                         levels=frozenset({HazardLevel.GENERAL}),
                         sources=frozenset({HazardSource.SELF_INSPECTION}), not_by_rectifier=True),
    "withdraw": Transition(ADMIN, NOT_FINAL, S.WITHDRAWN, ("reason",)),
    "request_extension": Transition(
        ENTERPRISE, frozenset({S.OPEN, S.RECTIFYING}), None, ("new_deadline", "reason")
    ),
    "approve_extension": Transition(ADMIN, NOT_FINAL, None),
    "refuse_extension": Transition(ADMIN, NOT_FINAL, None),
    # general ↔ major, while the rectification is not yet under review (see major.py).
    "reclassify": Transition(STAFF, frozenset({S.OPEN, S.RECTIFYING}), None, ("level", "reason")),
    # The major-hazard regime (rules in major_regime): no status change.
    "list_supervision": Transition(ADMIN, NOT_FINAL, None),
    "lift_supervision": Transition(ADMIN, frozenset({S.CLOSED}), None),  # 摘牌 only after close-out
    "record_suspension": Transition(STAFF, NOT_FINAL, None),
    "end_suspension": Transition(STAFF, NOT_FINAL | {S.CLOSED}, None),
}
MAJOR_REGIME_ACTIONS = frozenset({"list_supervision", "lift_supervision", "record_suspension", "end_suspension"})

ACTION_LABELS = {
    "file": _l("Filed"),
    "acknowledge": _l("Acknowledge"),
    "submit": _l("Submit for re-inspection"),
    "reject": _l("Reject"),
    "verify": _l("Verify"),
    "close": _l("Close out"),
    "accept": _l("Accept inside the enterprise"),
    "withdraw": _l("Withdraw"),
    "request_extension": _l("Request extension"),
    "approve_extension": _l("Approve extension"),
    "refuse_extension": _l("Refuse extension"),
    "reclassify": _l("Change the level"),
    "list_supervision": _l("List for supervision"),
    "lift_supervision": _l("Lift the listing"),
    "record_suspension": _l("Record a suspension"),
    "end_suspension": _l("End a suspension"),
    "edit": _l("Edited"),
    "plan": _l("Governance plan saved"),
    "measure_add": _l("Measure added"),
    "measure_edit": _l("Measure updated"),
    "attachment": _l("File uploaded"),
    "notice_deadline": _l("Deadline set on the rectification notice"),
    "hazard.comment": _l("Comment"),
    "hazard.remind": _l("Reminder sent"),
}


def pending_extension(hazard):
    return next((r for r in hazard.extension_requests if r.status == ExtensionStatus.PENDING), None)


def target_state(hazard, action):
    t = TRANSITIONS[action]
    if action == "verify" and hazard.level == HazardLevel.MAJOR:
        return S.VERIFIED
    return t.to_state


def _check_actor(hazard, action, actor):
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise Invalid(_l("Unknown action."))
    if actor is None or not owns(actor, hazard.enterprise_id):
        raise NotAllowed(_l("You may not change this hazard."))
    if actor.role not in transition.roles:
        raise NotAllowed(_l("Your role may not do this."))
    if transition.not_by_rectifier and actor.id in selfinspection.rectifiers(hazard):
        raise NotAllowed(_l("The acceptance must be made by another user of the enterprise than the one "
                            "who rectified the hazard (整改人 ≠ 验收人)."))
    return transition


def _check_state(hazard, action, transition):
    if transition.sources is not None and hazard.source not in transition.sources:
        raise WrongState(_l("Only a hazard the enterprise found itself is accepted inside the enterprise; "
                            "this one is re-inspected by the office."))
    if transition.levels is not None and hazard.level not in transition.levels:
        raise WrongState(_l("A major hazard is closed only through the office (re-inspection and "
                            "acceptance by the office)."))
    if hazard.status not in transition.from_states:
        raise WrongState(_l("Not possible while the hazard is in this state."))
    has_pending = pending_extension(hazard) is not None
    if action == "request_extension" and has_pending:
        raise WrongState(_l("An extension request is already waiting for a decision."))
    if action in ("approve_extension", "refuse_extension") and not has_pending:
        raise WrongState(_l("There is no pending extension request."))
    if action in MAJOR_REGIME_ACTIONS:
        major_regime.check_state(hazard, action)
    if action == "acknowledge" and hazard.level == HazardLevel.MAJOR:
        if hazard.plan is None or not hazard.plan.is_complete:
            raise Invalid(_l("A major hazard needs its complete governance plan (all six elements) "
                             "before it can be acknowledged."), field="plan")


def check(hazard, action, actor):
    """Raise a LifecycleError when ``actor`` may not do ``action`` on ``hazard`` now (data aside)."""
    _check_state(hazard, action, _check_actor(hazard, action, actor))


def check_version(hazard, version):
    """Raise StaleVersion unless ``version`` is the hazard's current version."""
    try:
        seen = int(version)
    except (TypeError, ValueError):
        raise StaleVersion() from None
    if seen != hazard.version:
        raise StaleVersion()


def is_allowed(hazard, action, actor):
    """For showing buttons: would ``check`` pass (ignoring data the actor has not given yet)?"""
    try:
        check(hazard, action, actor)
    except LifecycleError:
        return False
    return True


def allowed_actions(hazard, actor):
    return [a for a in TRANSITIONS if is_allowed(hazard, a, actor)]


def _check_date(value, name):
    """Refuse a date outside the accepted window (``validation.date_window``): nothing is written."""
    message = validation.date_out_of_window(value)
    if message is not None:
        raise Invalid(message, field=name)


def _text(data, name):
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _check_data(hazard, action, data):
    for name in TRANSITIONS[action].requires:
        if name not in ("note", "reason") or action in findings.ACTIONS:  # checked below / by findings
            continue
        if not _text(data, name):
            label = {"note": _l("A description of the rectification is required."),
                     "reason": _l("A reason is required.")}[name]
            raise Invalid(label, field=name)
    problem = None  # the major-hazard rules (major.py)
    if action == "submit":
        unmet = next((p for p in submit_prerequisites(hazard) if not p.done), None)
        if unmet is not None:
            raise Invalid(unmet.message, field=unmet.field)
    elif action == "close":
        problem = major.acceptance_problem(hazard, data)
    elif action == "reclassify":
        problem = major.reclassify_problem(hazard, data)
    if problem is not None:
        raise Invalid(problem.message, field=problem.field)
    if action == "request_extension":
        new_deadline = data.get("new_deadline")
        if not isinstance(new_deadline, date):
            raise Invalid(_l("Give the new deadline as a date."), field="new_deadline")
        if new_deadline <= hazard.deadline:
            raise Invalid(_l("The new deadline must be after the current deadline."), field="new_deadline")
        if new_deadline < today():
            raise Invalid(_l("The new deadline cannot be in the past."), field="new_deadline")
        _check_date(new_deadline, "new_deadline")
    if action == "approve_extension":
        # A request filed before the window existed may ask for any date: it cannot become the deadline.
        _check_date(pending_extension(hazard).requested_deadline, "new_deadline")
    for name in ("note", "reason", "comment"):
        if len(_text(data, name)) > MAX_TEXT:
            raise Invalid(_l("This text is too long (at most %(n)d characters).", n=MAX_TEXT), field=name)


@dataclass(frozen=True)
class Prerequisite:
    """One condition of 提交复查: ``key`` names it, ``label`` says it, ``message`` is the refusal
    while it is unmet, ``field`` the form field the refusal concerns, ``fix`` where to meet it
    (a fragment of the hazard page, or an endpoint name of the hazards blueprint)."""
    key: str
    done: bool
    label: object
    message: object
    field: str
    fix: str


def submit_prerequisites(hazard):
    """What 提交复查 requires, in the order it is checked (the first unmet one is the refusal
    of ``apply(hazard, "submit", …)``): for a major hazard the complete governance plan and the
    assessment, then at least one measure, every measure done, at least one evidence file.
    The hazard page lists the same items, so page and rule cannot disagree."""
    items = []
    if hazard.level == HazardLevel.MAJOR:
        items.append(Prerequisite(
            "plan", major.plan_complete(hazard), _l("The governance plan is complete (six elements)"),
            _l("A major hazard can be submitted only with its complete governance plan (all six elements)."),
            "plan", "hazards.plan"))
        items.append(Prerequisite(
            "assessment", major.has_assessment(hazard), _l("The assessment of the governance result is uploaded"),
            _l("Upload the assessment of the governance result (a PDF or image) before submitting a major hazard."),
            "assessment", "#assessment"))
    measures = list(hazard.measures)
    items.append(Prerequisite("measures", bool(measures), _l("At least one measure is recorded"),
                              _l("Add at least one measure before submitting."), "measures", "hazards.measure_new"))
    items.append(Prerequisite("measures_done", bool(measures) and all(m.is_done for m in measures),
                              _l("Every measure is marked done"),
                              _l("Every measure must be marked done before submitting."), "measures", "#measures"))
    items.append(Prerequisite("evidence", any(a.kind == AttachmentKind.EVIDENCE for a in hazard.attachments),
                              _l("Rectification evidence is uploaded"),
                              _l("Upload at least one evidence photo or file before submitting."), "evidence",
                              "#files"))
    return items


def _check_regime_data(hazard, action, data):
    if action not in MAJOR_REGIME_ACTIONS:
        return None
    return major_regime.check_data(hazard, action, data)


def _became_major(hazard, actor):
    """What follows when ``hazard`` becomes major (filed as major, or reclassified): its
    major-hazard report record and, on a reclassification, word to who must act (filing
    notifies on its own). In the caller's transaction."""
    db.session.flush()
    # Filing calls this before the hazard's first event; a reclassification, later.
    filed = hazard.events.count() == 0
    report = major_regime.record_report(hazard, actor, ReportSource.FILED if filed else ReportSource.RECLASSIFIED)
    if not filed:
        notifications.on_became_major(hazard, actor)
    return report


def apply(hazard, action, actor, *, version, commit=True, **data):
    """Apply ``action`` to ``hazard`` for ``actor``, who saw ``version``; commit (with
    ``commit=False`` the caller commits: several hazards in one transaction, all or nothing —
    a refusal still rolls the whole transaction back).

    Checks role, enterprise ownership, current status, the version and the
    data; then writes the change, the event and the notifications in one
    transaction. Returns the event. Raises LifecycleError (nothing written).
    """
    try:
        # Order matters: who may act, then "did they see the current hazard?" (so a
        # stale page says "changed by someone else", not "wrong state"), then state, then data.
        transition = _check_actor(hazard, action, actor)
        check_version(hazard, version)
        _check_state(hazard, action, transition)
        _check_data(hazard, action, data)
        regime_values = _check_regime_data(hazard, action, data)
        finding = findings.check(hazard, action, actor, data) if action in findings.ACTIONS else None
        acceptance = selfinspection.check(hazard, actor, data) if action == "accept" else None
        from_status = hazard.status
        event_data = {}
        comment = _text(data, "reason") or _text(data, "comment")
        if finding is not None:
            comment, event_data = finding.opinion, {"finding": finding.event_data()}
        if acceptance is not None:
            comment, event_data = acceptance.opinion, {"acceptance": acceptance.event_data()}
        if action in MAJOR_REGIME_ACTIONS:
            comment, event_data = major_regime.apply(hazard, action, actor, regime_values)
        elif action == "submit":
            hazard.rectification_note = _text(data, "note")
            hazard.submitted_at = utcnow()
            comment = hazard.rectification_note
        elif action == "verify":
            hazard.verified_at = utcnow()
        elif action == "close":
            event_data = major.accept(hazard, data)
            comment = hazard.acceptance_opinion
        elif action == "reclassify":
            event_data = major.reclassify(hazard, data)
        elif action == "request_extension":
            db.session.add(ExtensionRequest(
                hazard=hazard, requested_by_id=actor.id, current_deadline=hazard.deadline,
                requested_deadline=data["new_deadline"], reason=_text(data, "reason"),
                status=ExtensionStatus.PENDING,
            ))
            event_data = {"requested_deadline": data["new_deadline"].isoformat()}
        elif action in ("approve_extension", "refuse_extension"):
            request = pending_extension(hazard)
            request.status = (ExtensionStatus.APPROVED if action == "approve_extension"
                              else ExtensionStatus.REFUSED)
            request.decided_by_id = actor.id
            request.decided_at = utcnow()
            request.decision_comment = comment
            event_data = {"requested_deadline": request.requested_deadline.isoformat(),
                          "previous_deadline": hazard.deadline.isoformat()}
            if action == "approve_extension":
                hazard.deadline = request.requested_deadline
        to_status = target_state(hazard, action) or hazard.status
        hazard.status = to_status
        if to_status == S.CLOSED:
            hazard.closed_at = utcnow()
            hazard.closed_on = today()
        hazard.updated_at = utcnow()  # always bumps the version, even when nothing else changed
        db.session.flush()
        event = audit.append_event(
            action=action, actor=actor, hazard_id=hazard.id, from_status=from_status,
            to_status=to_status, comment=comment, data=event_data,
        )
        if finding is not None:
            findings.record(hazard, actor, finding, event)
        if acceptance is not None:
            selfinspection.record(hazard, actor, acceptance, event)
        if action == "reclassify" and hazard.level == HazardLevel.MAJOR:
            _became_major(hazard, actor)
        else:
            notifications.on_transition(hazard, action, actor, comment)
        if commit:
            db.session.commit()
        else:
            db.session.flush()
        return event
    except StaleDataError:
        db.session.rollback()
        raise StaleVersion() from None
    except Exception:
        db.session.rollback()
        raise


def _limit(value, name, size):
    value = (value or "").strip()
    if len(value) > size:
        raise Invalid(_l("This text is too long (at most %(n)d characters).", n=size), field=name)
    return value


def file_hazard(actor, *, enterprise, title, category, deadline, inspection=None, description="",
                location="", criterion=None, legal_basis="", found_on=None, responsible_person="",
                major_ground=None, major_reason="", source="government_inspection", installation=None,
                responsible_user=None, latitude=None, longitude=None, location_accuracy_m=None, commit=True):
    """Create a hazard (status open) with its code and 'file' event.

    Ticking a major-hazard criterion, ``criterion`` = (set code, clause) or
    ``{"set": ..., "clause": ...}``, makes the hazard major; it must be a clause
    of the set in force on ``found_on`` (criteria.set_in_force). So does a ground
    of 16号令 Art. 3 with a written reason (``major_ground``, ``major_reason``). With
    ``commit=False`` the caller commits (e.g. together with the photos).

    ``source`` says how it was found (``HazardSource``); an enterprise user files only what the
    enterprise found itself (own inspection, 包保 duty check) for their own enterprise.
    ``installation``: the major hazard installation concerned, one of the hazard's enterprise.
    ``responsible_user``: the enterprise user responsible (a User or an id; an active user of the
    enterprise); ``responsible_person`` defaults to their name. They are notified.
    """
    if source not in {s.value for s in HazardSource}:
        raise Invalid(_l("Unknown source of the hazard."), field="source")
    self_found = source in (HazardSource.SELF_INSPECTION, HazardSource.DUTY_CHECK)
    if actor is None or not (actor.role in STAFF or (
            actor.role == Role.ENTERPRISE and self_found and actor.enterprise_id == enterprise.id)):
        raise NotAllowed(_l("Only inspectors and administrators file hazards."))
    if installation is not None and installation.enterprise_id != enterprise.id:
        raise Invalid(_l("The installation belongs to another enterprise."), field="installation")
    title = _limit(title, "title", 200)
    if not title:
        raise Invalid(_l("A title is required."), field="title")
    location = _limit(location, "location", 200)
    responsible_person = _limit(responsible_person, "responsible_person", 100)
    latitude, longitude, location_accuracy_m = coordinates(latitude, longitude, location_accuracy_m)
    responsible_user = selfinspection.responsible_user(enterprise.id, responsible_user)
    if responsible_user is not None and not responsible_person:
        responsible_person = responsible_user.name[:100]
    description = _limit(description, "description", MAX_TEXT)
    legal_basis = _limit(legal_basis, "legal_basis", MAX_TEXT)
    if reference.category(category) is None:
        raise Invalid(_l("Choose a category from the list."), field="category")
    found_on = found_on or today()
    _check_date(found_on, "found_on")
    criterion = _criterion_in_force(criterion, found_on)
    if not isinstance(deadline, date):
        raise Invalid(_l("Give the deadline as a date."), field="deadline")
    _check_date(deadline, "deadline")
    if deadline < found_on:
        raise Invalid(_l("The deadline cannot be before the day the hazard was found."), field="deadline")
    if inspection is not None and inspection.enterprise_id != enterprise.id:
        raise Invalid(_l("The inspection belongs to another enterprise."), field="inspection")
    inspections.check_accepts_hazards(inspection)  # only an inspection in progress takes new hazards
    major_ground = (major_ground or "").strip() or None
    major_reason = (major_reason or "").strip()
    problem = major.basis_problem(major_ground, major_reason, has_criterion=criterion is not None)
    if problem is not None:
        raise Invalid(problem.message, field=problem.field)
    is_major = criterion is not None or major_ground is not None
    try:
        hazard = Hazard(
            code=sequences.hazard_code(today().year), enterprise=enterprise, inspection=inspection,
            title=title, description=description, location=location,
            category=category, level=HazardLevel.MAJOR if is_major else HazardLevel.GENERAL,
            criteria_set=criterion.set_code if criterion else None,
            criterion_clause=criterion.clause if criterion else None, major_ground=major_ground,
            major_reason=major_reason if major_ground else "", legal_basis=legal_basis, found_on=found_on,
            found_by_id=actor.id, original_deadline=deadline, deadline=deadline, status=S.OPEN,
            responsible_person=responsible_person, source=source,
            responsible_user_id=responsible_user.id if responsible_user is not None else None,
            installation_id=installation.id if installation is not None else None,
            campaign_id=inspection.campaign_id if inspection is not None else None,  # inherits the campaign tag
            latitude=latitude, longitude=longitude, location_accuracy_m=location_accuracy_m,
        )
        db.session.add(hazard)
        db.session.flush()
        if hazard.level == HazardLevel.MAJOR:
            _became_major(hazard, actor)
        if inspection is not None:
            inspections.mark_failed_for_hazard(inspection, hazard, actor)  # its checklist item: 不合格
        audit.append_event(action="file", actor=actor, hazard_id=hazard.id, to_status=S.OPEN,
                           comment=hazard.major_reason,
                           data={"level": hazard.level, "deadline": deadline.isoformat(),
                                 **({"major_ground": major_ground} if major_ground else {}),
                                 **({"source": source} if source != HazardSource.GOVERNMENT_INSPECTION else {}),
                                 **({"installation_id": installation.id} if installation is not None else {}),
                                 **({"position": [latitude, longitude, location_accuracy_m]}
                                    if latitude is not None else {})})
        notifications.on_filed(hazard, actor)
        if responsible_user is not None:
            notifications.on_assigned(hazard, responsible_user, actor)
        if commit:
            db.session.commit()
        return hazard
    except Exception:
        db.session.rollback()
        raise


COORDINATE_FIELDS = ("latitude", "longitude", "location_accuracy_m")


def coordinates(latitude, longitude, accuracy):
    """Where a hazard was found: (latitude, longitude, accuracy in metres) as floats, all three or none.

    WGS-84 degrees as the browser's geolocation gives them (stored unchanged, no conversion to the
    GCJ-02 of Chinese maps). Numbers or numeric text ("" and None are "not given"); refused with the
    field named: latitude outside -90..90, longitude outside -180..180, a negative accuracy, NaN or
    infinity, or only some of the three."""
    given = [None if v is None or (isinstance(v, str) and not v.strip()) else v
             for v in (latitude, longitude, accuracy)]
    if all(v is None for v in given):
        return None, None, None
    if any(v is None for v in given):
        missing = COORDINATE_FIELDS[[v is None for v in given].index(True)]
        raise Invalid(_l("Latitude, longitude and accuracy go together: record the location again or remove it."),
                      field=missing)
    limits = {"latitude": (-90.0, 90.0, _l("The latitude must be a number from -90 to 90.")),
              "longitude": (-180.0, 180.0, _l("The longitude must be a number from -180 to 180.")),
              "location_accuracy_m": (0.0, math.inf, _l("The accuracy must be a number of metres, 0 or more."))}
    values = []
    for name, value in zip(COORDINATE_FIELDS, given, strict=True):
        low, high, message = limits[name]
        try:
            if isinstance(value, bool):
                raise TypeError
            number = float(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError):
            raise Invalid(message, field=name) from None
        if not math.isfinite(number) or not low <= number <= high:
            raise Invalid(message, field=name)
        values.append(number)
    return tuple(values)


def _criterion_in_force(ref, found_on):
    """The Criterion ``ref`` = (set, clause) names, checked against the set in force on ``found_on``."""
    if ref in (None, "", ()):
        return None
    try:
        set_code, clause = (ref.get("set"), ref.get("clause")) if isinstance(ref, dict) else tuple(ref)
    except (TypeError, ValueError):
        raise Invalid(_l("Choose a major-hazard criterion from the list."), field="criterion") from None
    in_force = criteria.set_in_force(found_on)
    if in_force is None:
        raise Invalid(_l("No list of major-hazard criteria applies on %(day)s.", day=found_on.isoformat()),
                      field="criterion")
    if str(set_code or "") != in_force.code:
        raise Invalid(_l("A hazard found on %(day)s is judged against %(set)s; choose one of its clauses.",
                         day=found_on.isoformat(), set=in_force.label), field="criterion")
    found = criteria.find(in_force.code, clause)
    if found is None:
        raise Invalid(_l("Choose a major-hazard criterion from the list."), field="criterion")
    return found


def _known_checklist_criterion(item):
    ref = criteria.parse_checklist_code(item)
    return ref is not None and criteria.find(*ref) is not None


def _checklist(items):
    items = list(dict.fromkeys(items or []))
    unknown = [i for i in items if i not in reference.category_codes() and not _known_checklist_criterion(i)]
    if unknown:
        raise Invalid(_l("Unknown checklist item."), field="checklist")
    return items


def start_inspection(actor, *, enterprise, inspection_type, inspected_on=None, inspectors=(), checklist=(),
                     summary="", campaign=None):
    """Start an inspection (a visit to one enterprise); the actor is always one of its inspectors."""
    if actor is None or actor.role not in STAFF:
        raise NotAllowed(_l("Only inspectors and administrators run inspections."))
    if enterprise is None or not enterprise.active:
        raise Invalid(_l("Choose an active enterprise."), field="enterprise_id")
    if reference.inspection_type(inspection_type) is None:
        raise Invalid(_l("Choose a type of inspection from the list."), field="inspection_type")
    inspected_on = inspected_on or today()
    _check_date(inspected_on, "inspected_on")
    if inspected_on > today():
        raise Invalid(_l("The inspection date cannot be in the future."), field="inspected_on")
    people = [actor] + [u for u in inspectors if u.id != actor.id]
    if any(u.role not in STAFF or not u.active for u in people):
        raise Invalid(_l("Only active inspectors and administrators can be inspectors."), field="inspectors")
    inspection = Inspection(
        enterprise=enterprise, inspection_type=inspection_type, inspected_on=inspected_on,
        checklist=_checklist(checklist), summary=_limit(summary, "summary", MAX_TEXT), created_by_id=actor.id,
        inspectors=people, status=InspectionStatus.IN_PROGRESS.value,
    )
    if campaign is not None:  # 专项整治行动: only within the campaign's period
        from .campaigns import check_for_inspection

        inspection.campaign_id = check_for_inspection(campaign, inspected_on).id
    try:
        db.session.add(inspection)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return inspection


def update_inspection(inspection, actor, *, checklist=None, summary=None):
    """Record the checklist items looked at and the summary while walking the plant (in progress only)."""
    if actor is None or actor.role not in STAFF:
        raise NotAllowed(_l("Only inspectors and administrators run inspections."))
    if inspection.status != InspectionStatus.IN_PROGRESS.value:
        raise WrongState(_l("This inspection is completed; its results can no longer be changed."))
    if checklist is not None:
        inspection.checklist = _checklist(checklist)
    if summary is not None:
        inspection.summary = _limit(summary, "summary", MAX_TEXT)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return inspection


EDITABLE_STATES = frozenset({S.OPEN, S.RECTIFYING})


def _check_rectification_edit(hazard, actor, permission, version=None):
    from .permissions import can

    if not can(actor, permission, hazard):
        raise NotAllowed(_l("You may not change this hazard."))
    if version is not None:
        check_version(hazard, version)
    if hazard.status not in EDITABLE_STATES:
        raise WrongState(_l("Measures, the plan and evidence can only be changed while the hazard is open "
                            "or being rectified."))


def may_edit(hazard, actor, what):
    """For showing forms: may ``actor`` now change the hazard's ``what``
    ('measure', 'plan', 'evidence', 'assessment', 'photo')?"""
    try:
        if what == "photo":
            _check_photo(hazard, actor)
        else:
            _check_rectification_edit(hazard, actor, {"measure": "measure.edit", "plan": "plan.edit",
                                                      "evidence": "evidence.upload",
                                                      "assessment": "evidence.upload"}[what])
            if what in ("plan", "assessment") and hazard.level != HazardLevel.MAJOR:
                return False
    except LifecycleError:
        return False
    return True


SELF_FOUND = frozenset({HazardSource.SELF_INSPECTION, HazardSource.DUTY_CHECK})


def _check_photo(hazard, actor, version=None):
    """Photos ("before"): staff; an enterprise user on a hazard the enterprise found itself."""
    may = actor is not None and (actor.role in STAFF or (actor.role == Role.ENTERPRISE
                                                         and hazard.source in SELF_FOUND))
    if not may or not owns(actor, hazard.enterprise_id):
        raise NotAllowed(_l("You may not change this hazard."))
    if version is not None:
        check_version(hazard, version)
    if hazard.status in FINAL_STATUSES:
        raise WrongState(_l("Not possible while the hazard is in this state."))


def _commit_with_event(hazard, actor, action, measure_id=None, data=None, commit=True):
    try:
        hazard.updated_at = utcnow()  # bumps the version: the page the others see is now stale
        db.session.flush()
        audit.append_event(action=action, actor=actor, hazard_id=hazard.id, measure_id=measure_id,
                           data=data or {})
        if commit:
            db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleVersion() from None
    except Exception:
        db.session.rollback()
        raise


def save_plan(hazard, actor, *, version=None, **elements):
    """Create or update the six-element governance plan of a major hazard.

    ``version``: the hazard version the actor saw (checked when given).
    """
    _check_rectification_edit(hazard, actor, "plan.edit", version)
    if hazard.level != HazardLevel.MAJOR:
        raise Invalid(_l("Only a major hazard has a governance plan."))
    values = {name: _limit(elements[name], name, MAX_TEXT)
              for name in GovernancePlan.ELEMENTS if name in elements}
    problem = major.plan_edit_problem(hazard.plan, values, major.plan_complete(hazard))
    if problem is not None:
        raise Invalid(problem.message, field=problem.field)
    plan = hazard.plan or GovernancePlan(hazard=hazard)
    for name, value in values.items():
        setattr(plan, name, value)
    plan.updated_by_id = actor.id
    db.session.add(plan)
    # Which elements were filled in is kept in the event: the statistics table counts the
    # 五落实 of a plan as it was at a period's end (figures/statistics.py).
    filled = [name for name in GovernancePlan.ELEMENTS if (getattr(plan, name) or "").strip()]
    _commit_with_event(hazard, actor, "plan", data={"complete": plan.is_complete, "filled": filled})
    return plan


MEASURE_FIELDS = ("description", "responsible_person", "responsible_user_id", "funds", "deadline",
                  "interim_precautions", "done_on", "evidence_note")
MAX_FUNDS = Decimal("999999999999.99")  # Numeric(14, 2)


def save_measure(hazard, actor, measure=None, *, version=None, commit=True, **fields):
    """Add a measure to the hazard, or update ``measure``; marks done via ``done_on``.

    ``version``: the hazard version the actor saw (checked when given). ``commit=False`` leaves
    the commit to the caller (``idempotency.create_once``).
    """
    _check_rectification_edit(hazard, actor, "measure.edit", version)
    if measure is not None and measure.hazard_id != hazard.id:
        raise NotAllowed(_l("This measure belongs to another hazard."))
    description = fields.get("description", measure.description if measure else "")
    if not (description or "").strip():
        raise Invalid(_l("Describe what will be done."), field="description")
    for name, size in (("description", MAX_TEXT), ("responsible_person", 100),
                       ("interim_precautions", MAX_TEXT), ("evidence_note", MAX_TEXT)):
        if name in fields:  # None (an empty form field, JSON null) means empty text
            fields[name] = _limit(fields[name] or "", name, size)
    assignee = None
    if "responsible_user_id" in fields:  # an active user of the hazard's enterprise, or None
        assignee = selfinspection.responsible_user(hazard.enterprise_id, fields["responsible_user_id"])
        fields["responsible_user_id"] = assignee.id if assignee is not None else None
        if assignee is not None and not fields.get("responsible_person"):
            fields["responsible_person"] = assignee.name[:100]
    funds = fields.get("funds")
    if funds is not None and funds < 0:
        raise Invalid(_l("Funds cannot be negative."), field="funds")
    if funds is not None and funds > MAX_FUNDS:
        raise Invalid(_l("This amount is too large."), field="funds")
    if "funds" in fields and funds is None:
        fields["funds"] = Decimal(0)
    for name in ("deadline", "done_on"):
        _check_date(fields.get(name), name)
    done_on = fields.get("done_on")
    if done_on is not None and done_on > today():
        raise Invalid(_l("The completion date cannot be in the future."), field="done_on")
    problem = major.measure_done_problem(hazard, measure, done_on)
    if problem is not None:
        raise Invalid(problem.message, field=problem.field)
    is_new = measure is None
    newly_assigned = assignee is not None and (is_new or measure.responsible_user_id != assignee.id)
    measure = measure or Measure(hazard=hazard, created_by_id=actor.id)
    for name in MEASURE_FIELDS:
        if name in fields:
            setattr(measure, name, fields[name])
    db.session.add(measure)
    try:
        db.session.flush()
    except Exception:
        db.session.rollback()
        raise
    if newly_assigned:
        notifications.on_assigned(hazard, assignee, actor, measure=measure)
    _commit_with_event(hazard, actor, "measure_add" if is_new else "measure_edit", measure_id=measure.id,
                       data={"done": measure.done_on is not None,
                             **({"responsible_user": assignee.id} if newly_assigned else {})}, commit=commit)
    return measure


def record_attachment(hazard, actor, attachment, *, version=None, commit=True):
    """Record an uploaded file (already checked and stored by ``uploads``) with its event.

    An annotated copy of a photo (``attachment.annotates`` set, 标注图) is a photo like any other,
    of an original photo (not itself an annotation) of the same hazard.

    Evidence ("after") comes from the enterprise while the hazard is open or
    being rectified; photos ("before") from staff while it is not final.
    """
    if attachment.kind in (AttachmentKind.EVIDENCE, AttachmentKind.ASSESSMENT):
        _check_rectification_edit(hazard, actor, "evidence.upload", version)
        if attachment.kind == AttachmentKind.ASSESSMENT and hazard.level != HazardLevel.MAJOR:
            raise Invalid(_l("Only a major hazard has an assessment of the governance result."), field="kind")
    else:
        _check_photo(hazard, actor, version)
    original = attachment.annotates
    if original is not None and (original.hazard_id != hazard.id or original.kind != AttachmentKind.PHOTO
                                 or original.annotates_id is not None):
        raise Invalid(_l("Only an original photo of this hazard can be annotated."), field="annotates")
    attachment.hazard = hazard
    attachment.uploaded_by_id = actor.id
    db.session.add(attachment)
    try:
        db.session.flush()
    except Exception:
        db.session.rollback()
        raise
    _commit_with_event(hazard, actor, "attachment",
                       data={"attachment_id": attachment.id, "kind": attachment.kind,
                             "name": attachment.original_name,
                             **({"annotates_id": original.id} if original is not None else {})}, commit=commit)
    return attachment


# Fields staff may correct after filing (the API's PATCH); status, level and deadline
# change only through the transitions (extension requests for the deadline).
EDITABLE_FIELDS = {"title": 200, "description": MAX_TEXT, "location": 200, "legal_basis": MAX_TEXT,
                   "responsible_person": 100, "category": None}


def set_notice_deadline(hazard, actor, new_deadline, *, issued_on):
    """Set the deadline a rectification notice orders (staff, on the notice's issue form).

    The new deadline is not before the notice's issue date and lies in the date window. Writes
    the change and a 'notice_deadline' event in the caller's transaction (the notice commits
    both with the document, or neither). Raises LifecycleError, nothing written.
    """
    if actor is None or actor.role not in STAFF or not owns(actor, hazard.enterprise_id):
        raise NotAllowed(_l("Only an inspector or an admin may set the deadline of a notice."))
    if hazard.status in FINAL_STATUSES:
        raise WrongState(_l("Not possible while the hazard is in this state."))
    if not isinstance(new_deadline, date):
        raise Invalid(_l("Give the new deadline as a date."), field="deadline")
    _check_date(new_deadline, "deadline")
    if new_deadline < issued_on:
        raise Invalid(_l("The deadline of %(code)s cannot be before the issue date.", code=hazard.code),
                      field="deadline")
    if new_deadline == hazard.deadline:
        return None
    previous = hazard.deadline
    hazard.deadline = new_deadline
    hazard.updated_at = utcnow()
    db.session.flush()
    return audit.append_event(
        action="notice_deadline", actor=actor, hazard_id=hazard.id,
        comment=f"{previous.isoformat()} → {new_deadline.isoformat()}",
        data={"previous_deadline": previous.isoformat(), "new_deadline": new_deadline.isoformat()})


def may_correct(hazard, actor):
    """For showing the correction form: may ``actor`` now correct the hazard (``edit_hazard``)?"""
    from .permissions import can

    return hazard.status not in FINAL_STATUSES and can(actor, "hazard.edit", hazard)


def edit_hazard(hazard, actor, *, version, reason="", **fields):
    """Correct the descriptive fields of a hazard that is not final: the inspector who filed it, or
    an admin (``permissions.can(…, "hazard.edit", hazard)``); writes an 'edit' event.

    ``deadline`` may be corrected too (a date in the window, not before the hazard was found);
    once the enterprise has acknowledged the hazard a changed deadline needs a ``reason``. The
    event records the deadline it replaces (``previous_deadline``, for ``figures.history``).
    """
    from .permissions import can

    if not can(actor, "hazard.edit", hazard):
        raise NotAllowed(_l("You may not change this hazard."))
    check_version(hazard, version)
    if hazard.status in FINAL_STATUSES:
        raise WrongState(_l("Not possible while the hazard is in this state."))
    values = {}
    for name, value in fields.items():
        if name == "deadline":
            if not isinstance(value, date):
                raise Invalid(_l("Give the new deadline as a date."), field="deadline")
            _check_date(value, "deadline")
            if value < hazard.found_on:
                raise Invalid(_l("The deadline cannot be before the day the hazard was found."), field="deadline")
        elif name not in EDITABLE_FIELDS:  # a programming error: forms and the API offer only these
            raise TypeError(f"{name} is not an editable field of a hazard")
        elif name == "category":
            if reference.category(value) is None:
                raise Invalid(_l("Choose a category from the list."), field="category")
        else:
            value = _limit(value, name, EDITABLE_FIELDS[name])
        values[name] = value
    if "title" in values and not values["title"]:
        raise Invalid(_l("A title is required."), field="title")
    reason = (reason or "").strip()
    if len(reason) > MAX_TEXT:
        raise Invalid(_l("This text is too long (at most %(n)d characters).", n=MAX_TEXT), field="reason")
    changed = sorted(name for name, value in values.items() if getattr(hazard, name) != value)
    data = {"fields": changed}
    if "deadline" in changed:
        if hazard.status != S.OPEN and not reason:
            raise Invalid(_l("The enterprise has acknowledged this hazard: give a reason for the new deadline."),
                          field="reason")
        data.update(previous_deadline=hazard.deadline.isoformat(), new_deadline=values["deadline"].isoformat())
    if not changed:
        return hazard
    for name in changed:
        setattr(hazard, name, values[name])
    try:
        hazard.updated_at = utcnow()
        db.session.flush()
        audit.append_event(action="edit", actor=actor, hazard_id=hazard.id, comment=reason, data=data)
        if "deadline" in changed:
            notifications.on_transition(hazard, "edit", actor, reason)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleVersion() from None
    except Exception:
        db.session.rollback()
        raise
    return hazard
