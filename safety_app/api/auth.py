"""Bearer tokens: issued for a username and password (with the web login's throttling),
stored only as a SHA-256 hash, revocable."""
import hashlib
import secrets
from datetime import timedelta

from flask import g, request
from flask_babel import gettext as _
from sqlalchemy import select

from .. import accounts
from ..clock import utcnow
from ..extensions import db
from ..models import ApiToken
from . import serialize
from .common import ApiError, error_response, user
from .spec import PUBLIC_ENDPOINTS, operation

TOUCH_EVERY = timedelta(minutes=5)


def token_hash(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _bearer():
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate():
    """Every operation but the public ones needs a valid, unrevoked token of an active user.

    Called for every API request by the route-policy hook (``safety_app.web``), which then
    checks the role declared in ``permissions.ROUTE_POLICIES``."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    token = _bearer()
    row = None
    if token and len(token) <= 200:
        row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token),
                                                       ApiToken.revoked_at.is_(None)))
    if row is None or not row.user.active:
        return error_response(401, "unauthorized", _("Send a valid bearer token (POST /api/v1/tokens)."),
                              headers={"WWW-Authenticate": "Bearer"})
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        row.last_used_at = now
        db.session.commit()
    g.api_user = row.user
    g.api_token = row
    return None


TOKEN_REQUEST = {
    "type": "object", "additionalProperties": False, "required": ["username", "password"],
    "properties": {
        "username": {"type": "string", "minLength": 1, "maxLength": 64},
        "password": {"type": "string", "minLength": 1, "maxLength": 200},
        "name": {"type": "string", "maxLength": 100, "description": "A label for the token, e.g. the device."},
    },
}


@operation("/tokens", "POST", summary="Issue a bearer token for a username and password", tag="tokens",
           ok=201, response="Token", body=TOKEN_REQUEST, public=True, errors=(429,))
def issue_token(data):
    username = data["username"].strip()
    address = request.remote_addr or "unknown"
    if accounts.is_throttled(username, address):
        raise ApiError(429, "too_many_requests",
                       _("Too many failed attempts. Login for this user is blocked for 15 minutes."))
    account = accounts.authenticate(username, data["password"])
    if account is None:
        accounts.record_failure(username, address)
        raise ApiError(401, "unauthorized", _("Wrong username or password."))
    accounts.clear_failures(username, address)
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=account.id, token_hash=token_hash(token), name=data.get("name", "").strip()))
    db.session.commit()
    return {"token": token, "token_type": "Bearer", "user": serialize.user(account)}, 201


@operation("/tokens/current", "DELETE", summary="Revoke the token used for this request", tag="tokens", ok=204)
def revoke_token():
    g.api_token.revoked_at = utcnow()
    db.session.commit()
    return "", 204


@operation("/me", "GET", summary="The user of the token", tag="tokens", response="User")
def me():
    return serialize.user(user())
