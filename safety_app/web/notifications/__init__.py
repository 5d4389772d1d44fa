"""The in-app inbox: the bell's list, mark read, mark all read. A user only reaches their own."""
from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from . import routes  # noqa: E402,F401
