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
    criteria,
    dashboard,
    enterprises,
    hazards,
    inspections,
    measures,
    notifications,
    openapi,
)


def register_api(app):
    """Register the API blueprint; it uses bearer tokens, not cookies, so CSRF does not apply."""
    from ..extensions import csrf

    app.register_blueprint(bp)
    csrf.exempt(bp)
