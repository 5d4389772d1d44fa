"""Documents on the web: the reports page, downloads, and issuing notices and opinions."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.record_once
def _start_document_service(state):
    # Register the PDF font now, not in the first inspector's request (~125 ms).
    from ...documents import service

    service.warm_up(state.app)


from . import majors, panels, records, routes  # noqa: E402,F401
