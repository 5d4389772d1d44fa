"""User accounts: creating users, password rules, checking a login (with throttling)."""
import secrets
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from . import throttle
from .devices import may_log_in
from .extensions import db
from .models import Enterprise, Role, User

MIN_PASSWORD_LENGTH = 10
# zxcvbn score (0-4) a password needs: 2 means more than about a million guesses, enough
# against online guessing with the throttle; 0 and 1 are common passwords, sequences
# (1234567890, qwertyuiop), repeats and dictionary words with a digit.
MIN_PASSWORD_SCORE = 2
STRENGTH_CHECKED_CHARACTERS = 72  # zxcvbn refuses longer input (its time grows with the length)


class AccountError(ValueError):
    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def password_problem(username, password, *hints):
    """The message saying why ``password`` is refused, or ``None``."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return _l("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if password.strip().lower() == (username or "").strip().lower():
        return _l("The password must not be the username.")
    inputs = [value for value in (username, *hints) if value]
    if zxcvbn(password[:STRENGTH_CHECKED_CHARACTERS], user_inputs=inputs)["score"] < MIN_PASSWORD_SCORE:
        return _l("This password is too common or too easy to guess (a sequence, a keyboard row, a repeated "
                  "or common word). Choose a longer, less predictable one, e.g. several unrelated words.")
    return None


def check_password_rules(username, password, *hints):
    problem = password_problem(username, password, *hints)
    if problem is not None:
        raise AccountError(problem, "password")


def create_user(username, password, role, *, enterprise=None, display_name="", email="", phone="",
                certificate_no="", commit=True):
    """Create a user after checking the role/enterprise rule and the password rules."""
    username = (username or "").strip()
    if not username:
        raise AccountError(_l("A username is required."), "username")
    if role not in set(Role):
        raise AccountError(_l("Unknown role."), "role")
    if (role == Role.ENTERPRISE) != (enterprise is not None):
        raise AccountError(_l("An enterprise user needs exactly one enterprise; staff have none."), "enterprise")
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(_l("This username is taken."), "username")
    check_password_rules(username, password, display_name, email)
    user = User(username=username, role=str(role), enterprise=enterprise, display_name=display_name,
                email=email, phone=phone, certificate_no=certificate_no)
    user.set_password(password)
    db.session.add(user)
    if commit:
        db.session.commit()
    return user


def enterprise_by_code(code):
    return db.session.scalar(select(Enterprise).where(Enterprise.credit_code == code))


@lru_cache(maxsize=1)
def _dummy_hash():
    """A hash made like the users' (scrypt), of a password nobody knows."""
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def authenticate(username, password):
    """The user if the password is right and they may log in, else ``None``.

    Exactly one password hash is checked whether or not the username exists (an
    unknown one against a dummy hash), so the answer time does not tell which
    usernames exist."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not may_log_in(user):
        return None
    return user


@dataclass
class LoginResult:
    user: User | None = None
    retry_after: int = 0  # seconds; > 0 when the attempt was not checked (throttled)
    device: str | None = None  # the trusted device id of this client for the username


def attempt_login(username, password):
    """A login attempt of the web or the API, throttled (``safety_app.throttle``). Commits."""
    address = throttle.client_address()
    device = throttle.trusted_device(username)
    wait = throttle.retry_after(username, address, device)
    if wait:
        return LoginResult(retry_after=wait, device=device)
    user = authenticate(username, password)
    if user is None:
        throttle.record_failure(username, address, device)
        return LoginResult(device=device)
    throttle.clear_failures(username, address, device)
    db.session.commit()
    return LoginResult(user=user, device=device)
