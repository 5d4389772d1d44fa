"""Bearer tokens: issued for a username and password (with the web login's throttling),
stored only as a SHA-256 hash, revocable, expiring (``safety_app.devices``)."""
from flask import g, make_response, request
from flask_babel import gettext as _

from .. import accounts, devices, throttle
from ..clock import utcnow
from ..extensions import db
from . import serialize
from .common import ApiError, error_response, user
from .spec import PUBLIC_ENDPOINTS, operation


def token_hash(token):
    return devices.key_hash(token)


def _bearer():
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate():
    """Every operation but the public ones needs a valid, unrevoked, unexpired token of a user who
    may log in (active, of an active enterprise).

    Called for every API request by the route-policy hook (``safety_app.web``), which then
    checks the role declared in ``permissions.ROUTE_POLICIES``."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    account, row = devices.token_user(_bearer(), throttle.client_address())
    if account is None:
        message = (_("The token has expired. Request a new one (POST /api/v1/tokens).") if row == "expired"
                   else _("Send a valid bearer token (POST /api/v1/tokens)."))
        return error_response(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})
    g.api_user = account
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
    result = accounts.attempt_login(username, data["password"])
    if result.retry_after:
        return error_response(429, "too_many_requests",
                              _("Too many failed attempts. Try again in %(seconds)d s.", seconds=result.retry_after),
                              headers={"Retry-After": str(result.retry_after)})
    if result.user is None:
        raise ApiError(401, "unauthorized", _("Wrong username or password."))
    token = devices.issue_token(result.user, data.get("name", ""), throttle.client_address())
    db.session.commit()
    response = make_response({"token": token, "token_type": "Bearer", "user": serialize.user(result.user)}, 201)
    return throttle.remember_device(response, result.user.username, result.device)


@operation("/tokens/current", "DELETE", summary="Revoke the token used for this request", tag="tokens", ok=204)
def revoke_token():
    g.api_token.revoked_at = utcnow()
    db.session.commit()
    return "", 204


@operation("/me", "GET", summary="The user of the token", tag="tokens", response="User")
def me():
    return serialize.user(user())
