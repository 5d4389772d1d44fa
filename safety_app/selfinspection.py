"""Enterprise self-inspection (企业自查) and people, not names: rules called by the lifecycle core.

- ``responsible_user``: the responsible person of a hazard or a measure is an active user of the
  hazard's enterprise (another enterprise's user, a staff member or an unknown id is refused).
- ``rectifiers``: who rectified a hazard — the user who submitted the rectification (the last
  ``submit`` event) and the hazard's responsible user. The enterprise's own acceptance
  (action ``accept``) is refused to them: 整改人 ≠ 验收人.
- ``check`` / ``record``: the acceptance (opinion, date) of a general hazard the enterprise found
  itself, written as a ``SelfAcceptance`` in the transaction of the ``accept`` event.

Nothing here commits or changes a status: ``lifecycle.apply`` does.
"""
from datetime import date
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import validation
from .clock import today
from .extensions import db
from .lifecycle_errors import Invalid
from .models import Event, Role, SelfAcceptance, User

MAX_TEXT = 4000


class Values(NamedTuple):
    accepted_on: date
    opinion: str
    rectified_by_id: int | None

    def event_data(self):
        return {"accepted_on": self.accepted_on.isoformat(), "opinion": self.opinion,
                "rectified_by": self.rectified_by_id}


def _text(data, name):
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def responsible_user(enterprise_id, value, field="responsible_user_id"):
    """The active user of ``enterprise_id`` that ``value`` (a User or an id) names; None for none."""
    if value is None or value == "":
        return None
    user = value if isinstance(value, User) else None
    if user is None:
        try:
            ident = int(value)
        except (TypeError, ValueError):
            raise Invalid(_l("Choose the responsible person from the enterprise's users."), field=field) from None
        user = db.session.get(User, ident) if 0 < ident < 2**31 else None
    if (user is None or not user.active or user.role != Role.ENTERPRISE
            or user.enterprise_id != enterprise_id):
        raise Invalid(_l("Choose the responsible person from the enterprise's users."), field=field)
    return user


def submitter_id(hazard):
    """The user who submitted the current rectification (the last ``submit`` event), or None."""
    return db.session.scalar(select(Event.actor_id).where(Event.hazard_id == hazard.id, Event.action == "submit")
                             .order_by(Event.seq.desc()).limit(1))


def rectifiers(hazard):
    """Ids of the users who count as having rectified ``hazard`` (整改人)."""
    return {i for i in (submitter_id(hazard), hazard.responsible_user_id) if i is not None}


def check(hazard, actor, data):
    """The acceptance from ``data`` (``opinion``, ``accepted_on`` default today), checked."""
    opinion = _text(data, "opinion") or _text(data, "comment")
    if not opinion:
        raise Invalid(_l("The acceptance opinion is required."), field="opinion")
    if len(opinion) > MAX_TEXT:
        raise Invalid(_l("This text is too long (at most %(n)d characters).", n=MAX_TEXT), field="opinion")
    day = data.get("accepted_on")
    if day is None or day == "":
        day = today()
    if not isinstance(day, date):
        raise Invalid(_l("Give the acceptance date as a date."), field="accepted_on")
    message = validation.date_out_of_window(day)
    if message is not None:
        raise Invalid(message, field="accepted_on")
    if day > today():
        raise Invalid(_l("The acceptance date cannot be in the future."), field="accepted_on")
    if hazard.submitted_at is not None:
        from .clock import to_local

        submitted = to_local(hazard.submitted_at).date()
        if day < submitted:
            raise Invalid(_l("The acceptance date cannot be before the submission (%(date)s).",
                             date=submitted.isoformat()), field="accepted_on")
    return Values(day, opinion, submitter_id(hazard))


def record(hazard, actor, values, event):
    """Write the acceptance carried by ``event`` (in the caller's transaction)."""
    db.session.flush()
    acceptance = SelfAcceptance(hazard_id=hazard.id, accepted_on=values.accepted_on, opinion=values.opinion,
                                accepted_by_id=actor.id, rectified_by_id=values.rectified_by_id,
                                event_id=event.id)
    db.session.add(acceptance)
    return acceptance
