"""The enterprise portal: my rectification tasks."""
from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")

from . import routes  # noqa: E402,F401
