"""User accounts: creating users, password rules, login throttling."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from .clock import utcnow
from .extensions import db
from .models import Enterprise, LoginAttempt, Role, User

MIN_PASSWORD_LENGTH = 10
MAX_FAILURES = 5
THROTTLE_WINDOW = timedelta(minutes=15)


class AccountError(ValueError):
    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def check_password_rules(username, password):
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(_l("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH),
                           "password")
    if password.strip().lower() == (username or "").strip().lower():
        raise AccountError(_l("The password must not be the username."), "password")


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
    check_password_rules(username, password)
    user = User(username=username, role=str(role), enterprise=enterprise, display_name=display_name,
                email=email, phone=phone, certificate_no=certificate_no)
    user.set_password(password)
    db.session.add(user)
    if commit:
        db.session.commit()
    return user


def enterprise_by_code(code):
    return db.session.scalar(select(Enterprise).where(Enterprise.credit_code == code))


def is_throttled(username, address):
    since = utcnow() - THROTTLE_WINDOW
    failures = db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.username == username[:64], LoginAttempt.address == address[:64],
            LoginAttempt.created_at >= since,
        )
    )
    return failures >= MAX_FAILURES


def record_failure(username, address):
    db.session.add(LoginAttempt(username=username[:64], address=address[:64]))
    db.session.commit()


def clear_failures(username, address):
    db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.username == username[:64], LoginAttempt.address == address[:64])
    )


def authenticate(username, password):
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not user.check_password(password):
        return None
    return user
