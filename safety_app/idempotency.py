"""Client idempotency keys: a request that creates something, sent again with the same key (an
offline outbox replayed after a lost answer, a double tap), creates nothing the second time and
answers with what the first one made.

A key is chosen by the client (the hidden ``client_key`` of the filing forms, the measure form and
the evidence upload, the ``Idempotency-Key`` header of the API), is unique per user, and is written
in the same transaction as the object it made, so either both exist or neither does. A checklist
result (idempotent by inspection and item in itself) is remembered after it is saved
(``remember``), so that an older tap replayed later does not overwrite a newer one.
"""
import re
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .lifecycle_errors import Invalid
from .models import IdempotencyKey

KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,64}\Z")


def new_key():
    """A fresh key (the forms carry one even without JavaScript: a double submit files once)."""
    return secrets.token_urlsafe(18)


def clean_key(raw, field="client_key"):
    """``raw`` as a key, or None when none was given; a malformed key is refused."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not KEY_PATTERN.match(raw):
        raise Invalid(_l("The request key is not valid (8–64 letters, digits, - or _)."), field=field)
    return raw


def replayed(user, key, object_type, field="client_key"):
    """The id of the object ``user`` made earlier with ``key``, or None when the key is new."""
    if key is None:
        return None
    row = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user.id,
                                                         IdempotencyKey.key == key))
    if row is None:
        return None
    if row.object_type != object_type or row.object_id is None:
        raise Invalid(_l("This request key was already used for another request."), field=field)
    return row.object_id


def create_once(user, key, endpoint, object_type, create, field="client_key"):
    """Run ``create()`` — it writes without committing and returns the new object — once per
    (user, key), record the key beside the object and commit both together.

    Returns ``(object_id, created)``: ``created`` is False when the key had been used before (the
    object is the one made then and nothing was written now). A concurrent request with the same
    key waits on the unique key and then answers as a replay. Without a key, ``create()`` is
    simply run and committed.
    """
    earlier = replayed(user, key, object_type, field)
    if earlier is not None:
        return earlier, False
    try:
        row = None
        if key is not None:
            row = IdempotencyKey(key=key, user_id=user.id, endpoint=endpoint[:80], object_type=object_type)
            db.session.add(row)
            db.session.flush()  # claims the key now: a second request with it waits here
        made = create()
        if row is not None:
            row.object_id = made.id
        db.session.commit()
        return made.id, True
    except IntegrityError:
        db.session.rollback()
        earlier = replayed(user, key, object_type, field)
        if earlier is None:
            raise
        return earlier, False
    except BaseException:
        db.session.rollback()
        raise


def remember(user, key, endpoint, object_type, object_id):
    """Record ``key`` for an object already committed by an operation that is idempotent in itself
    (a checklist result: one row per inspection and item). A replay of the key then answers with
    this object and writes nothing. A key taken meanwhile by the same user is left as it is."""
    if key is None:
        return
    try:
        db.session.add(IdempotencyKey(key=key, user_id=user.id, endpoint=endpoint[:80], object_type=object_type,
                                      object_id=object_id))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
