"""Administration pages: users (create, edit, deactivate, reset password) and office settings."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import criteria, jobs, routes  # noqa: E402,F401
