import itertools
from urllib.parse import quote

from flask import Response, abort, render_template, request, stream_with_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from ... import exports, labels, queries, reference
from ...extensions import db
from ...figures import definitions
from ...models import Enterprise, Role, User
from ...permissions import can, scope
from . import bp

SORT_LABELS = {"code": _l("Code"), "found_on": _l("Found on"), "deadline": _l("Deadline"),
               "enterprise": _l("Enterprise"), "status": _l("Status"), "level": _l("Level"),
               "done_on": _l("Done on"), "funds": _l("Funds (yuan)")}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _choices():
    """Options of the enterprise and inspector filters (staff only: an enterprise user has one)."""
    if current_user.role == Role.ENTERPRISE:
        return [], []
    enterprises = db.session.execute(
        scope(Enterprise, current_user, select(Enterprise.id, Enterprise.name)).order_by(Enterprise.name)
    ).all()
    inspectors = db.session.execute(
        select(User.id, User.display_name, User.username).where(User.role.in_([Role.INSPECTOR, Role.ADMIN]))
        .order_by(User.display_name, User.username)
    ).all()
    return enterprises, inspectors


class _Labels:
    """The rows' labels, each translated once per page (a ledger page has hundreds of them)."""

    def __init__(self):
        self._seen = {}

    def _once(self, kind, value, make):
        key = (kind, value)
        if key not in self._seen:
            self._seen[key] = make(value)
        return self._seen[key]

    def level(self, value):
        return self._once("level", value, lambda v: str(labels.level(v)))

    def status(self, value):
        return self._once("status", value, lambda v: str(labels.status(v)))

    def category(self, code):
        def make(code):
            item = reference.category(code)
            return item.label() if item else code

        return self._once("category", code, make)


def _ledger(kind):
    if not can(current_user, "ledger.view"):
        abort(403)
    measures = kind == "measures"
    filters = queries.parse_filters(request.args, measures=measures)
    page = (queries.measure_page if measures else queries.hazard_page)(current_user, filters)
    enterprises, inspectors = _choices()
    status = 400 if filters.errors else 200
    return render_template(
        f"ledgers/{kind}.html", kind=kind, f=filters, page=page, enterprises=enterprises, inspectors=inspectors,
        overdue_days=definitions.overdue_days, statuses=queries.STATUS_VALUES, row_labels=_Labels(),
        sort_options=_sort_options(queries.MEASURE_SORTS if measures else queries.HAZARD_SORTS),
    ), status


def _sort_options(sorts):
    """Every sort key in both directions (↑ ascending, ↓ descending), for the phone's sort menu."""
    return [(f"{sign}{key}", f"{SORT_LABELS[key]} {arrow}") for key in sorts
            for sign, arrow in (("-", "↓"), ("", "↑"))]


@bp.route("/hazards")
@login_required
def hazards():
    return _ledger("hazards")


@bp.route("/measures")
@login_required
def measures():
    return _ledger("measures")


@bp.route("/<any(hazards, measures):kind>/export.<any(csv, xlsx):fmt>")
@login_required
def export(kind, fmt):
    if not can(current_user, "ledger.export"):
        abort(403)
    filters = queries.parse_filters(request.args, measures=kind == "measures")
    user = current_user._get_current_object()
    stem, chunks = exports.export(kind, fmt, user, filters)
    # The first chunk (the query and its first rows) is made here, inside the request: a database that
    # is down answers the clean 503 page. Once streaming has begun, the server could only send a bare 500.
    chunks = iter(chunks)
    first = next(chunks, b"")
    response = Response(stream_with_context(itertools.chain([first], chunks)), content_type=CONTENT_TYPES[fmt])
    filename = f"{stem}.{fmt}"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{kind}.{fmt}\"; filename*=UTF-8''{quote(filename)}")
    return response
