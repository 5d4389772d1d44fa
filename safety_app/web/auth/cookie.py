"""The session cookie of a remembered login ("remember this phone").

An ordinary login keeps Flask's browser-session cookie (no expiry: it ends with the browser).
A remembered one is a *permanent* session carrying ``keep`` (the Unix time its server row ends,
``UserSession.remembered_until``): its cookie gets ``Max-Age`` and ``Expires`` of that moment
(absolute: refreshing the cookie never pushes it later), and stays HttpOnly, SameSite=Lax and
Secure like every session cookie. WeChat's web view discards cookies without an expiry.

The cookie's signature is accepted up to ``devices.REMEMBER_MAX_DAYS`` old for a remembered
session, and as before (``PERMANENT_SESSION_LIFETIME``) for any other.
"""
import time
from datetime import UTC, datetime

from flask import request
from itsdangerous import BadSignature

from ... import devices
from ..assets import SessionInterface

KEEP = "keep"  # session key: Unix time at which the remembered session ends


def remember(session, until):
    """Make ``session`` (just started) a remembered one ending at ``until`` (naive UTC)."""
    session.permanent = True
    session[KEEP] = int(until.replace(tzinfo=UTC).timestamp())


def _keep_until(session):
    value = session.get(KEEP) if session.permanent else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class RememberingSessionInterface(SessionInterface):
    def open_session(self, app, request):
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        try:
            data, signed_at = serializer.loads(value, max_age=devices.REMEMBER_MAX_DAYS * 86400,
                                               return_timestamp=True)
        except BadSignature:
            return self.session_class()
        age = datetime.now(UTC) - signed_at
        if not (data.get("_permanent") and KEEP in data) and age > app.permanent_session_lifetime:
            return self.session_class()
        return self.session_class(data)

    def get_expiration_time(self, app, session):
        until = _keep_until(session)
        if until is not None:
            return datetime.fromtimestamp(until, UTC)
        return super().get_expiration_time(app, session)

    def save_session(self, app, session, response):
        until = _keep_until(session)
        if until is None or request.endpoint == "static" or not self.should_set_cookie(app, session):
            return super().save_session(app, session, response)
        if session.accessed:
            response.vary.add("Cookie")
        response.set_cookie(
            self.get_cookie_name(app),
            self.get_signing_serializer(app).dumps(dict(session)),
            max_age=max(0, until - int(time.time())),
            expires=datetime.fromtimestamp(until, UTC),
            httponly=self.get_cookie_httponly(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            partitioned=self.get_cookie_partitioned(app),
            samesite=self.get_cookie_samesite(app),
        )
        response.vary.add("Cookie")
