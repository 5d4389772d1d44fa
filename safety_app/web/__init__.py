"""The server-rendered web interface: blueprints, error pages, security headers."""
from flask import g, request
from flask_login import current_user

from .. import clock, labels, reference
from ..extensions import db, login_manager
from ..i18n import locale_code
from ..models import User
from ..permissions import can
from .errors import register_error_handlers

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def register_web(app):
    from .auth import bp as auth_bp
    from .main import bp as main_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    for name in ("dashboard", "hazards", "inspections", "enterprises", "portal", "admin", "notifications",
                 "reports", "ledgers"):
        _register_optional(app, name)
    register_error_handlers(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_user(user_id):
        try:
            ident, nonce = user_id.split(":", 1)
            user = db.session.get(User, int(ident))
        except (ValueError, AttributeError):
            return None
        if user is None or not user.active or user.session_nonce != nonce:
            return None
        return user

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.endpoint and not request.endpoint.startswith("static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.context_processor
    def template_helpers():
        return {
            "can": lambda action, obj=None: can(current_user, action, obj),
            "labels": labels,
            "reference": reference,
            "current_locale": locale_code(),
            "today": clock.today(),
            "unread_count": _unread_count,
            "url_for_exists": lambda endpoint: endpoint in app.view_functions,
        }

    app.jinja_env.filters["local_dt"] = lambda v: clock.to_local(v).strftime("%Y-%m-%d %H:%M") if v else ""
    app.jinja_env.filters["status_label"] = labels.status
    app.jinja_env.filters["level_label"] = labels.level


def _unread_count():
    if "unread_count" not in g:
        from sqlalchemy import func, select

        from ..models import Notification

        if not current_user.is_authenticated:
            g.unread_count = 0
        else:
            g.unread_count = db.session.scalar(
                select(func.count(Notification.id)).where(
                    Notification.user_id == current_user.id, Notification.read_at.is_(None)
                )
            )
    return g.unread_count


def _register_optional(app, name):
    """Area blueprints register themselves here once their package exists."""
    import importlib

    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{name}":
            return
        raise
    app.register_blueprint(module.bp)
