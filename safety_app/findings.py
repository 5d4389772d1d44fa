"""Re-inspection findings (复查结论), called by the lifecycle core (the only writer).

``verify`` records a 合格 (passed) finding and ``reject`` a 不合格 (failed) one: the date
of the on-site re-inspection (default today; not before the hazard was submitted, not in
the future, inside ``validation.date_window``), the inspectors present (active staff, at
least one) and the opinion (required; for ``reject`` its ``reason`` is the opinion). The
finding is written in the transaction of the event, and the event's data carries it.

``check`` returns the checked values or raises ``Invalid`` (nothing written); ``record``
writes the finding once the event exists. Documents print findings, never a guess.
"""
from datetime import date
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from . import validation
from .clock import to_local, today
from .extensions import db
from .lifecycle_errors import Invalid
from .models import Event, FindingResult, ReinspectionFinding, Role, User, finding_inspectors

MAX_TEXT = 4000
MAX_INSPECTORS = 20
ACTIONS = {"verify": FindingResult.PASSED, "reject": FindingResult.FAILED}
RESULT_LABELS = {FindingResult.PASSED.value: _l("Passed"), FindingResult.FAILED.value: _l("Failed")}
RESULT_ZH = {FindingResult.PASSED.value: "合格", FindingResult.FAILED.value: "不合格"}


class Values(NamedTuple):
    result: FindingResult
    reinspected_on: date
    inspectors: list
    opinion: str

    def event_data(self):
        return {"result": self.result.value, "reinspected_on": self.reinspected_on.isoformat(),
                "inspectors": [u.id for u in self.inspectors], "opinion": self.opinion}


def _text(data, name):
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def opinion_of(action, data):
    """The opinion text: ``opinion``; for reject its ``reason``; for verify the older ``comment``."""
    fallback = "reason" if action == "reject" else "comment"
    return _text(data, "opinion") or _text(data, fallback)


def submitted_day(hazard):
    return to_local(hazard.submitted_at).date() if hazard.submitted_at else None


def _inspectors(data, actor):
    raw = data.get("inspectors")
    if raw is None or raw == "":
        return [actor]  # a client that names nobody: the one who records it was there
    if not isinstance(raw, list | tuple):
        raise Invalid(_l("Choose the inspectors present from the list."), field="inspectors")
    chosen = []
    for item in raw:
        user = item if isinstance(item, User) else None
        if user is None:
            try:
                ident = int(item)
            except (TypeError, ValueError):
                raise Invalid(_l("Choose the inspectors present from the list."), field="inspectors") from None
            user = db.session.get(User, ident) if 0 < ident < 2**31 else None
        if user is None or not user.active or user.role not in (Role.INSPECTOR, Role.ADMIN):
            raise Invalid(_l("Only active inspectors and administrators can be named as present."),
                          field="inspectors")
        if user not in chosen:
            chosen.append(user)
    if not chosen:
        raise Invalid(_l("Name at least one inspector who was present."), field="inspectors")
    if len(chosen) > MAX_INSPECTORS:
        raise Invalid(_l("Name at most %(n)d inspectors.", n=MAX_INSPECTORS), field="inspectors")
    return chosen


def check(hazard, action, actor, data):
    """The finding of ``action`` (verify / reject) from ``data``, checked; Invalid otherwise."""
    opinion = opinion_of(action, data)
    field = "reason" if action == "reject" and not _text(data, "opinion") else "opinion"
    if not opinion:
        raise Invalid(_l("The re-inspection opinion is required."), field=field)
    if len(opinion) > MAX_TEXT:
        raise Invalid(_l("This text is too long (at most %(n)d characters).", n=MAX_TEXT), field=field)
    day = data.get("reinspected_on")
    if day is None or day == "":
        day = today()
    if not isinstance(day, date):
        raise Invalid(_l("Give the re-inspection date as a date."), field="reinspected_on")
    message = validation.date_out_of_window(day)
    if message is not None:
        raise Invalid(message, field="reinspected_on")
    if day > today():
        raise Invalid(_l("The re-inspection date cannot be in the future."), field="reinspected_on")
    submitted = submitted_day(hazard)
    if submitted is not None and day < submitted:
        raise Invalid(_l("The re-inspection date cannot be before the submission (%(date)s).",
                         date=submitted.isoformat()), field="reinspected_on")
    return Values(ACTIONS[action], day, _inspectors(data, actor), opinion)


def record(hazard, actor, values, event):
    """Write the finding carried by ``event`` (in the caller's transaction)."""
    db.session.flush()  # the event's id
    finding = ReinspectionFinding(hazard_id=hazard.id, result=values.result.value,
                                  reinspected_on=values.reinspected_on, opinion=values.opinion,
                                  recorded_by_id=actor.id, event_id=event.id)
    db.session.add(finding)
    db.session.flush()
    db.session.execute(insert(finding_inspectors), [
        {"finding_id": finding.id, "user_id": u.id, "position": i} for i, u in enumerate(values.inspectors, 1)])
    return finding


def latest_since(hazard_ids, since):
    """The newest finding recorded at or after ``since`` (naive UTC) per hazard: {hazard_id: finding}."""
    if not hazard_ids:
        return {}
    rows = db.session.scalars(
        select(ReinspectionFinding).where(ReinspectionFinding.hazard_id.in_(list(hazard_ids)),
                                          ReinspectionFinding.created_at >= since)
        .order_by(ReinspectionFinding.hazard_id, ReinspectionFinding.id.desc()))
    newest = {}
    for finding in rows:
        newest.setdefault(finding.hazard_id, finding)
    return newest


class LastWord(NamedTuple):
    """The office's newest word on a hazard: the newest finding, or a rejection recorded
    before findings existed (its event's reason)."""
    passed: bool
    day: date
    text: str
    by: str


def last_word(hazard_ids):
    """{hazard_id: LastWord} for the hazards that have been re-inspected: two queries for any
    number of hazards (the hazard page and the enterprise's task cards)."""
    ids = list(hazard_ids)
    if not ids:
        return {}
    newest = {}  # hazard_id: (event id, LastWord)
    rows = db.session.execute(
        select(ReinspectionFinding, User.display_name, User.username)
        .join(User, User.id == ReinspectionFinding.recorded_by_id)
        .where(ReinspectionFinding.hazard_id.in_(ids))
        .order_by(ReinspectionFinding.hazard_id, ReinspectionFinding.id.desc()))
    for finding, display_name, username in rows:
        if finding.hazard_id not in newest:
            newest[finding.hazard_id] = (finding.event_id, LastWord(
                finding.passed, finding.reinspected_on, finding.opinion, display_name or username))
    bare = db.session.execute(  # rejections older than the findings (migration 0011)
        select(Event.id, Event.hazard_id, Event.created_at, Event.comment, User.display_name, User.username)
        .outerjoin(User, User.id == Event.actor_id)
        .where(Event.hazard_id.in_(ids), Event.action == "reject",
               Event.id.not_in(select(ReinspectionFinding.event_id)))
        .order_by(Event.hazard_id, Event.id.desc()))
    for event_id, hazard_id, created_at, comment, display_name, username in bare:
        if hazard_id not in newest or newest[hazard_id][0] < event_id:
            newest[hazard_id] = (event_id, LastWord(False, to_local(created_at).date(), comment or "",
                                                    display_name or username or ""))
    return {hazard_id: word for hazard_id, (_event_id, word) in newest.items()}
