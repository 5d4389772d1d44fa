"""A user's web sessions and API tokens: start, check, list, revoke, expire.

Every web login is a ``UserSession`` row (the cookie carries a random key, the row
its SHA-256 hash); every API token an ``ApiToken`` row. A password change or reset,
a deactivation, or the deactivation of the user's enterprise ends them; the user
(and the admin, for any user) can list them and revoke any one.

A login may ask to be remembered on this phone (``start_session(remember=True)``): its row
gets ``remembered_until`` (now + setting ``remember_days``, absolute, whatever the use) and
its cookie is persistent (the web view of WeChat discards session cookies). Such a session
ends at that moment, or earlier like any other (revoked, password, deactivation).

Tokens expire after ``token_idle_days`` without use and ``token_max_days`` after
issue (office settings); both are read at each check, so a changed setting applies
to tokens already issued.
"""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from . import settings
from .clock import utcnow
from .extensions import db
from .models import ApiToken, Enterprise, User, UserSession

TOUCH_EVERY = timedelta(minutes=5)  # last use is recorded with this precision (one write per period)
REMEMBER_MAX_DAYS = 90  # the most the setting ``remember_days`` allows (the session cookie's signature age, too)


def key_hash(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def may_log_in(user):
    """An active user whose enterprise (for enterprise users) is active."""
    if user is None or not user.active:
        return False
    return user.enterprise_id is None or bool(user.enterprise and user.enterprise.active)


# -- web sessions -----------------------------------------------------------------------------------------

def remember_days():
    """How long a remembered login lives (setting ``remember_days``, kept within 1–90)."""
    return min(max(int(settings.get("remember_days")), 1), REMEMBER_MAX_DAYS)


def start_session(user, user_agent="", address="", remember=False):
    """A new session row; returns ``(key, remembered_until)``: the key for the session cookie (not
    stored) and, for a remembered login, the moment it ends (``None`` otherwise)."""
    key = secrets.token_urlsafe(32)
    now = utcnow()
    until = now + timedelta(days=remember_days()) if remember else None
    db.session.add(UserSession(user_id=user.id, key_hash=key_hash(key), user_agent=(user_agent or "")[:200],
                               address=(address or "")[:64], last_seen_at=now, remembered_until=until))
    return key, until


def session_user(user_id, nonce, key, address=""):
    """The user of a live session (one query), or ``None``: unknown or revoked session, changed nonce,
    deactivated user or enterprise. Records the last use every few minutes."""
    if not key or len(key) > 100:
        return None
    row = db.session.execute(
        select(User, UserSession, Enterprise.active)
        .join(UserSession, UserSession.user_id == User.id)
        .outerjoin(Enterprise, Enterprise.id == User.enterprise_id)
        .where(User.id == user_id, UserSession.key_hash == key_hash(key), UserSession.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    user, web_session, enterprise_active = row
    if not user.active or user.session_nonce != nonce or (user.enterprise_id is not None and not enterprise_active):
        return None
    now = utcnow()
    if web_session.remembered_until is not None and now >= web_session.remembered_until:
        return None
    if web_session.last_seen_at is None or now - web_session.last_seen_at > TOUCH_EVERY:
        web_session.last_seen_at = now
        web_session.address = (address or "")[:64]
        db.session.commit()
    return user


def end_session(key):
    """Revoke the session of this cookie key (logout)."""
    if key:
        db.session.execute(update(UserSession).where(UserSession.key_hash == key_hash(key),
                                                     UserSession.revoked_at.is_(None)).values(revoked_at=utcnow()))


def end_all(user, keep_session_key=None):
    """Revoke every API token and every web session of ``user`` but the one of ``keep_session_key``
    (the caller's own, on a self-service password change). Does not commit."""
    now = utcnow()
    sessions = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if keep_session_key:
        sessions = sessions.where(UserSession.key_hash != key_hash(keep_session_key))
    db.session.execute(sessions.values(revoked_at=now))
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=now))


def end_enterprise(enterprise):
    """Revoke every session and token of the users of ``enterprise`` (deactivation). Does not commit."""
    for user in db.session.scalars(select(User).where(User.enterprise_id == enterprise.id)):
        user.rotate_session()
        end_all(user)


# -- API tokens -------------------------------------------------------------------------------------------

def token_limits():
    values = settings.get_many("token_idle_days", "token_max_days")
    return timedelta(days=int(values["token_idle_days"])), timedelta(days=int(values["token_max_days"]))


def token_expires_at(token, limits=None):
    """When ``token`` expires unless used before (the earlier of the idle and the absolute limit)."""
    idle, absolute = limits or token_limits()
    return min((token.last_used_at or token.created_at) + idle, token.created_at + absolute)


def issue_token(user, name="", address=""):
    """A new token for ``user``; returns the secret (only its hash is stored). Does not commit."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=key_hash(token), name=(name or "").strip()[:100],
                            last_address=(address or "")[:64]))
    return token


def token_user(token, address=""):
    """(user, token row) for a live token, or ``(None, reason)`` with reason ``"invalid"`` or ``"expired"``."""
    if not token or len(token) > 200:
        return None, "invalid"
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == key_hash(token),
                                                   ApiToken.revoked_at.is_(None)))
    if row is None or not may_log_in(row.user):
        return None, "invalid"
    now = utcnow()
    if now >= token_expires_at(row):
        row.revoked_at = now
        db.session.commit()
        return None, "expired"
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        row.last_used_at = now
        row.last_address = (address or "")[:64]
        db.session.commit()
    return row.user, row


# -- the "my sessions and devices" list -------------------------------------------------------------------

def live_sessions(user):
    now = utcnow()
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                        UserSession.revoked_at.is_(None),
                                                        (UserSession.remembered_until.is_(None))
                                                        | (UserSession.remembered_until > now))
                              .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())).all()


def remembered_sessions(user):
    """The user's live remembered sessions ("remembered phones"), newest first."""
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                        UserSession.revoked_at.is_(None),
                                                        UserSession.remembered_until > utcnow())
                              .order_by(UserSession.remembered_until.desc(), UserSession.id.desc())).all()


def forget_all(user):
    """Revoke every live remembered session of ``user``; returns how many. Does not commit."""
    result = db.session.execute(update(UserSession).where(UserSession.user_id == user.id,
                                                          UserSession.revoked_at.is_(None),
                                                          UserSession.remembered_until.is_not(None))
                                .values(revoked_at=utcnow()))
    return result.rowcount


def live_tokens(user):
    """Unrevoked, unexpired tokens of ``user`` with their expiry: [(token, expires_at)]."""
    limits = token_limits()
    now = utcnow()
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                              .order_by(ApiToken.id.desc())).all()
    return [(row, token_expires_at(row, limits)) for row in rows if token_expires_at(row, limits) > now]


def revoke(user, kind, item_id):
    """Revoke the user's session or token ``item_id``; ``False`` when the user has no such live item
    (the caller answers 404). Does not commit."""
    model = {"session": UserSession, "token": ApiToken}.get(kind)
    if model is None:
        return False
    result = db.session.execute(update(model).where(model.id == item_id, model.user_id == user.id,
                                                    model.revoked_at.is_(None)).values(revoked_at=utcnow()))
    return result.rowcount == 1
