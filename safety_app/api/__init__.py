"""The JSON API (/api/v1) for mobile clients and integration.

One module per resource; each route is declared with :func:`spec.operation`,
which registers the Flask view and records its OpenAPI description, so
``/api/v1/openapi.json`` is generated from the code and never drifts.
Authentication is a bearer token (``POST /api/v1/tokens``); every lookup goes
through ``permissions`` and every change through ``lifecycle``, like the web.
"""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import (  # noqa: E402,F401  (the routes register themselves on bp)
    attachments,
    auth,
    comments,
    criteria,
    dashboard,
    enterprises,
    hazards,
    inspections,
    installations,
    measures,
    monitoring,
    notifications,
    openapi,
)


def register_api(app):
    """Register the API blueprint; it uses bearer tokens, not cookies, so CSRF does not apply."""
    from ..extensions import csrf

    app.register_blueprint(bp)
    csrf.exempt(bp)
    # First of all before-request hooks: before the login/role check and any database work.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_long_urls)


def _refuse_long_urls():
    """414 (JSON under /api/) for a request target longer than MAX_URL_LENGTH, before any routing
    or database work. gunicorn.conf.py lets such lines reach the app instead of answering HTML."""
    from flask import current_app, request
    from werkzeug.exceptions import RequestURITooLarge

    target = len(request.environ.get("RAW_URI") or request.full_path)
    if target > current_app.config.get("MAX_URL_LENGTH", 4094):
        raise RequestURITooLarge()
