"""Major hazard installations (重大危险源): register, installation page, 包保 duties, import/export."""
from flask import Blueprint

bp = Blueprint("installations", __name__, url_prefix="/installations")

from . import routes  # noqa: E402,F401


@bp.app_template_filter("plain")
def plain(value):
    """A quantity without trailing zeros and never in exponent form (50.000 → 50, 0.500 → 0.5)."""
    return routes._plain(value)
