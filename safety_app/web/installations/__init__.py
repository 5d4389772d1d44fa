"""Major hazard installations (重大危险源): register, installation page, 包保 duties, import/export."""
from flask import Blueprint

bp = Blueprint("installations", __name__, url_prefix="/installations")

from . import routes  # noqa: E402,F401
