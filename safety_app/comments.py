"""The comment thread of a hazard between the enterprise and the office.

``post(hazard, user, body)`` is the one writer: it checks who may (``permissions.can(user,
"hazard.comment", hazard)``: staff on any hazard, an enterprise user on its own enterprise's),
checks the text (not blank, at most ``MAX_BODY`` characters, no control characters) and writes the
comment, its hash-chained event (``hazard.comment``, the text in the event's comment) and the
notifications in one transaction. Comments are append-only: no edit, no delete.

Posting is allowed in every status, closed and withdrawn included: a question after close-out is
legitimate, and the thread is part of the record. A comment changes nothing of the hazard (not its
version either), so nobody's open form becomes stale because of it.

Who is told (in-app and the e-mail outbox, key ``comment:<id>``, the link leads to the comment):

- a comment by an enterprise user: the inspector who filed the hazard and the staff member who
  last acted on it (the newest event by an inspector or an admin);
- a comment by staff: the hazard's responsible user when set and active, otherwise every active
  user of the enterprise.

The author is never told about their own comment.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from . import audit, notifications, validation
from .extensions import db
from .lifecycle_errors import Invalid, NotAllowed
from .models import Event, HazardComment, User
from .permissions import STAFF, can

MAX_BODY = 2000
ACTION = "hazard.comment"


def check_body(body):
    """The comment text, stripped; Invalid (field ``body``) when blank, too long or with control characters."""
    text = body.replace("\r\n", "\n").strip() if isinstance(body, str) else ""
    if not text:
        raise Invalid(_l("Write a comment."), field="body")
    if len(text) > MAX_BODY:
        raise Invalid(_l("A comment has at most %(n)d characters (this one has %(m)d).", n=MAX_BODY, m=len(text)),
                      field="body")
    if validation.has_control_characters(text):
        raise Invalid(validation.control_characters_message(), field="body")
    return text


def post(hazard, user, body):
    """Add ``user``'s comment to ``hazard``'s thread; commit. Returns the comment.

    Raises NotAllowed or Invalid (nothing written)."""
    if not can(user, "hazard.comment", hazard):
        raise NotAllowed(_l("You may not comment on this hazard."))
    text = check_body(body)
    try:
        event = audit.append_event(action=ACTION, actor=user, hazard_id=hazard.id, comment=text)
        db.session.flush()
        comment = HazardComment(hazard_id=hazard.id, author_id=user.id, body=text, event_id=event.id,
                                created_at=event.created_at)
        db.session.add(comment)
        db.session.flush()
        _notify(hazard, user, comment)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return comment


def recipients(hazard, author):
    """Who hears about ``author``'s comment on ``hazard`` (see the module's rules)."""
    if author.role in STAFF:
        responsible = hazard.responsible_user
        if responsible is not None and responsible.active and responsible.enterprise_id == hazard.enterprise_id:
            people = [responsible]
        else:
            people = notifications.users_of_enterprise(hazard.enterprise_id)
    else:
        people = [hazard.found_by]
        last_staff = db.session.scalar(
            select(User).join(Event, Event.actor_id == User.id)
            .where(Event.hazard_id == hazard.id, User.role.in_([r.value for r in STAFF]))
            .order_by(Event.seq.desc()).limit(1))
        if last_staff is not None:
            people.append(last_staff)
    seen, result = set(), []
    for person in people:
        if person is None or not person.active or person.id == author.id or person.id in seen:
            continue
        seen.add(person.id)
        result.append(person)
    return result


def anchor(comment_id):
    return f"comment-{comment_id}"


def _notify(hazard, author, comment):
    side = "监管部门" if author.role in STAFF else hazard.enterprise.name
    excerpt = comment.body if len(comment.body) <= 500 else comment.body[:500] + "…"
    notifications.notify(
        recipients(hazard, author), kind="comment",
        title=f"隐患留言：{hazard.code} {hazard.title}",
        body=(f"企业：{hazard.enterprise.name}\n隐患编号：{hazard.code}\n隐患：{hazard.title}\n"
              f"留言人：{author.name}（{side}）\n留言：{excerpt}"),
        hazard_id=hazard.id, link=f"{notifications.hazard_link(hazard.id)}#{anchor(comment.id)}",
        key=f"comment:{comment.id}")


def thread(hazard_id):
    """The comments of a hazard, oldest first (newest last), with their authors."""
    return db.session.execute(
        select(HazardComment).where(HazardComment.hazard_id == hazard_id)
        .options(joinedload(HazardComment.author)).order_by(HazardComment.id)
    ).scalars().all()


def count(hazard_id):
    return db.session.scalar(select(func.count(HazardComment.id)).where(HazardComment.hazard_id == hazard_id)) or 0
