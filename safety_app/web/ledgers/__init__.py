"""The two ledgers (hazards = list 1, measures = list 2), filtered, sorted, paged and exported."""
from flask import Blueprint

bp = Blueprint("ledgers", __name__, url_prefix="/ledgers")

from . import routes  # noqa: E402,F401
