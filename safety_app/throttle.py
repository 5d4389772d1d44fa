"""Login throttling that slows guessing down without letting anyone lock the owner out.

Failed logins are rows of ``login_attempts`` (shared by all workers). Within a
sliding WINDOW, after a free allowance of failures, each further attempt must
wait a delay that doubles with every failure (``retry_after``), capped at CAP;
nothing is ever locked for good. Three counters:

- per client address, across usernames (one password sprayed over every account);
- per username, across addresses (one account guessed from many machines);
- per trusted device: a browser or client that logged in successfully as this
  username holds a signed device cookie (OWASP, "Slow down online guessing attacks
  with device cookies"). Its attempts are counted only against that device, so
  other people's failures on the username (or from the same proxy/NAT address)
  never slow the owner down.

The client address is ``request.remote_addr``: behind a reverse proxy it is the
proxy's unless ``PROXY_COUNT`` is set (``werkzeug.middleware.proxy_fix``).
"""
import secrets
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, or_, select

from .clock import utcnow
from .extensions import db
from .models import LoginAttempt

WINDOW = timedelta(minutes=15)
FREE_PER_USERNAME = 5
FREE_PER_ADDRESS = 20
FREE_PER_DEVICE = 5
FIRST_DELAY = timedelta(seconds=4)
CAP = timedelta(minutes=15)

DEVICE_COOKIE = "device"
DEVICE_COOKIE_AGE = timedelta(days=365)
DEVICES_PER_COOKIE = 5  # users sharing one browser (a shift's PC)


def client_address():
    return (request.remote_addr or "unknown")[:64]


def _delay(failures, last, free):
    if failures < free or last is None:
        return 0
    wait = min(FIRST_DELAY * (2 ** min(failures - free, 20)), CAP)
    remaining = (last + wait - utcnow()).total_seconds()
    return max(0, int(remaining + 0.999))


def _count(*conditions):
    since = utcnow() - WINDOW
    return db.session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.created_at))
        .where(LoginAttempt.created_at >= since, *conditions)
    ).one()


def retry_after(username, address, device=None):
    """Seconds the caller must wait before this attempt is checked (0: go ahead)."""
    username = username[:64]
    if device:
        return _delay(*_count(LoginAttempt.device == device), FREE_PER_DEVICE)
    untrusted = LoginAttempt.device == ""
    return max(_delay(*_count(LoginAttempt.username == username, untrusted), FREE_PER_USERNAME),
               _delay(*_count(LoginAttempt.address == address, untrusted), FREE_PER_ADDRESS))


PRUNE_ONE_IN = 100  # failures older than a day are deleted now and then (they no longer count)


def record_failure(username, address, device=None):
    db.session.add(LoginAttempt(username=username[:64], address=address[:64], device=device or ""))
    if secrets.randbelow(PRUNE_ONE_IN) == 0:
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < utcnow() - timedelta(days=1)))
    db.session.commit()


def clear_failures(username, address, device=None):
    """After a successful login: this client's failures on the username no longer count. Does not commit."""
    mine = (LoginAttempt.username == username[:64]) & (LoginAttempt.address == address[:64])
    condition = or_(mine, LoginAttempt.device == device) if device else mine
    db.session.execute(delete(LoginAttempt).where(condition))


# -- device cookies ---------------------------------------------------------------------------------------

def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def _devices(raw):
    """{username: device id} from a device cookie (or header value); ``{}`` if missing or forged."""
    if not raw or len(raw) > 2000:
        return {}
    try:
        value = _serializer().loads(raw, max_age=int(DEVICE_COOKIE_AGE.total_seconds()))
    except BadSignature:
        return {}
    return value if isinstance(value, dict) else {}


def trusted_device(username):
    """The device id of this client for ``username`` if it logged in as them before, else ``None``."""
    device = _devices(request.cookies.get(DEVICE_COOKIE)).get(username[:64])
    return device if isinstance(device, str) and len(device) <= 32 else None


def remember_device(response, username, device=None):
    """Set (or refresh) the signed device cookie after a successful login as ``username``."""
    devices = _devices(request.cookies.get(DEVICE_COOKIE))
    devices.pop(username[:64], None)
    devices[username[:64]] = device or secrets.token_hex(16)
    while len(devices) > DEVICES_PER_COOKIE:
        devices.pop(next(iter(devices)))
    config = current_app.config
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps(devices),
                        max_age=int(DEVICE_COOKIE_AGE.total_seconds()), httponly=True,
                        secure=bool(config.get("SESSION_COOKIE_SECURE")), samesite="Lax")
    return response
