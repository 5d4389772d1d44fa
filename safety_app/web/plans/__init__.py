"""Inspection plans and tasks, "my inspections due" and the coverage lists (全覆盖)."""
from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/plans")

from . import routes  # noqa: E402,F401
