"""The server-rendered web interface: blueprints, error pages, security headers, and
the one hook that enforces every route's declared policy (``permissions.ROUTE_POLICIES``)."""
import logging

from flask import abort, g, request, session
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock, criteria, devices, labels, reference
from ..extensions import db, login_manager
from ..i18n import locale_code
from ..permissions import can, route_policy, undeclared_endpoints
from ..validation import CONTROL_CHARACTERS, control_characters_message
from . import navigation
from .errors import error_response, register_error_handlers

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def register_web(app):
    from . import paging
    from .auth import bp as auth_bp
    from .main import bp as main_bp

    paging.install(app)  # bounded <int:...> ids, before any route is added
    app.register_blueprint(auth_bp)
    app.register_blueprint(main_bp)
    for name in ("dashboard", "hazards", "inspections", "enterprises", "portal", "admin", "notifications",
                 "reports", "ledgers", "installations", "monitoring", "plans", "campaigns"):
        _register_optional(app, name)
    register_error_handlers(app)
    from . import assets

    assets.install(app)  # compression, and static files under content-hashed names
    from .auth.cookie import RememberingSessionInterface

    app.session_interface = RememberingSessionInterface()  # persistent cookie of a remembered login
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_user(user_id):
        """The user of a live session: its row (``user_sessions``) unrevoked, the user's nonce unchanged
        (password change, deactivation), the user and their enterprise active."""
        try:
            ident, nonce = user_id.split(":", 1)
            ident = int(ident)
        except (ValueError, AttributeError):
            return None
        from .auth.routes import SESSION_KEY

        return devices.session_user(ident, nonce, session.get(SESSION_KEY), request.remote_addr)

    @app.before_request
    def enforce_route_policy():
        """Login and role for every endpoint, from its declared policy; objects stay the views' (404)."""
        endpoint = request.endpoint
        if endpoint is None:  # no rule matched: the 404/405 follows
            return None
        policy = route_policy(endpoint)
        if policy is None:
            log.error("endpoint %s has no policy in safety_app.permissions.ROUTE_POLICIES: refused", endpoint)
            abort(500)
        if policy.public:
            return None
        if request.blueprint == "api":
            from ..api.auth import authenticate
            from ..api.common import error_response as api_error

            refused = authenticate()
            if refused is not None:
                return refused
            if not policy.allows(g.api_user):
                return api_error(403, "forbidden", _("You may not do this."))
            return None
        # The app context (and so ``g``) can outlive one request (tests, streamed
        # responses): authenticate each request from its own cookie.
        g.pop("_login_user", None)
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not policy.allows(current_user):
            abort(403)
        return None

    @app.before_request
    def refuse_control_characters():
        """Text fields and query values with control characters (other than tab and line breaks) are
        refused with a message: nothing is stored or searched (JSON bodies: ``api.common.json_body``)."""
        for name, value in (*request.args.items(multi=True), *request.form.items(multi=True)):
            if CONTROL_CHARACTERS.search(name) or CONTROL_CHARACTERS.search(value):
                status = 400 if request.method == "GET" else 422
                return error_response(status, "invalid", control_characters_message())
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if app.config.get("HSTS_SECONDS"):
            response.headers["Strict-Transport-Security"] = f"max-age={app.config['HSTS_SECONDS']}"
        if request.endpoint and not request.endpoint.startswith("static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.context_processor
    def template_helpers():
        return {
            "can": lambda action, obj=None: can(current_user, action, obj),
            "labels": labels,
            "reference": reference,
            "describe_criterion": criteria.describe_hazard,
            "criteria_missing": lambda: criteria.missing_in_force(clock.today()),
            "current_locale": locale_code(),
            "today": clock.today(),
            "unread_count": _unread_count,
            "url_for_exists": lambda endpoint: endpoint in app.view_functions,
            "layout": lambda: navigation.layout(current_user),
        }

    app.jinja_env.filters["local_dt"] = lambda v: clock.to_local(v).strftime("%Y-%m-%d %H:%M") if v else ""
    app.jinja_env.filters["status_label"] = labels.status
    app.jinja_env.filters["level_label"] = labels.level
    app.jinja_env.filters["source_label"] = labels.source
    app.jinja_env.globals["source_labels"] = labels.SOURCE


def check_route_policies(app):
    """Every endpoint must have a declared policy: in tests and development a missing one stops the
    app at start; in production it is logged and the hook refuses the endpoint (500)."""
    missing = undeclared_endpoints(app)
    if not missing:
        return
    message = ("These endpoints have no policy in safety_app.permissions.ROUTE_POLICIES "
               f"(declare roles and scoping): {', '.join(missing)}")
    if app.config.get("TESTING") or app.debug:
        raise RuntimeError(message)
    log.error(message)


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
