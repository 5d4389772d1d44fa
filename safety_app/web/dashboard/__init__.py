"""The dashboard: "clearing to zero" at a glance (figures from ``safety_app.dashboard``)."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from . import routes  # noqa: E402,F401
