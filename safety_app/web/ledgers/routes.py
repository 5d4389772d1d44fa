import functools
import itertools
from urllib.parse import quote

from flask import Response, abort, render_template, request, stream_with_context, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy import select

from ... import exports, labels, queries, reference
from ...clock import today
from ...extensions import db
from ...figures import definitions
from ...figures.cache import VersionedCache
from ...i18n import locale_code
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
    enterprises = tuple(tuple(row) for row in db.session.execute(
        scope(Enterprise, current_user, select(Enterprise.id, Enterprise.name)).order_by(Enterprise.name)))
    inspectors = db.session.execute(
        select(User.id, User.display_name, User.username).where(User.role.in_([Role.INSPECTOR, Role.ADMIN]))
        .order_by(User.display_name, User.username)
    ).all()
    return enterprises, inspectors


@functools.lru_cache(maxsize=4)
def _options(enterprises):
    return "".join(f'<option value="{ident}">{escape(name)}</option>' for ident, name in enterprises)


def enterprise_options(enterprises, selected):
    """The enterprise filter's ``<option>`` elements, the chosen one marked: written once per list of
    (id, name) (hundreds of options were a sixth of a ledger page's time), then only marked."""
    html = _options(enterprises)
    if selected is not None:
        html = html.replace(f'<option value="{selected}">', f'<option value="{selected}" selected>', 1)
    return Markup(html)


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


SHOW_ALL = "all"  # ?all=1: every hazard, not the default view of the open ones


def _ledger_url(kind, f, **changes):
    """The ledger URL of ``f`` with ``changes`` (first page); an empty view asks for every hazard,
    so that removing the last filter does not bring back the default one."""
    args = f.to_args(page=1, **changes)
    if not any(name in args for name in queries.FILTER_NAMES):
        args[SHOW_ALL] = "1"
    return url_for(f"ledgers.{kind}", **args)


def _quick_filters(kind, f):
    """The quick filters above the list (未销号 / 逾期 / 重大 / 待复查 / 今日到期): (key, label, on, url);
    a quick filter that is on turns off when pressed."""
    day = today()
    due_today = f.deadline_from == day and f.deadline_to == day
    quick = [
        ("open", _l("Not closed out"), queries.ACTIVE in f.status,
         {"status": tuple(s for s in f.status if s != queries.ACTIVE) if queries.ACTIVE in f.status
          else (queries.ACTIVE,)}),
        ("overdue", _l("Overdue"), f.overdue is True, {"overdue": None if f.overdue is True else True}),
        ("major", _l("Major"), f.level == "major", {"level": None if f.level == "major" else "major"}),
        # statuses are alternatives (OR): 待复查 replaces 未销号, which includes it
        ("submitted", _l("Awaiting re-inspection"), f.status == ("submitted",),
         {"status": () if f.status == ("submitted",) else ("submitted",)}),
        ("due_today", _l("Due today"), due_today,
         {"deadline_from": None, "deadline_to": None} if due_today else {"deadline_from": day, "deadline_to": day}),
    ]
    return [(key, label, on, _ledger_url(kind, f, **changes)) for key, label, on, changes in quick]


def _chips(kind, f, enterprises, inspectors):
    """The active filters as removable chips: (label, url without it)."""
    chips = []
    for s in f.status:
        label = _l("Not closed out") if s == queries.ACTIVE else labels.status(s)
        chips.append((label, _ledger_url(kind, f, status=tuple(x for x in f.status if x != s))))
    skip = set()
    if f.deadline_from is not None and f.deadline_from == f.deadline_to:  # one day: one chip
        skip = {"deadline_from", "deadline_to"}
        text = _l("Due today") if f.deadline_from == today() else f"{_l('Deadline')}: {f.deadline_from.isoformat()}"
        chips.append((text, _ledger_url(kind, f, deadline_from=None, deadline_to=None)))
    names = {"enterprise": dict(enterprises), "inspector": {u.id: u.display_name or u.username for u in inspectors}}
    for name in queries.FILTER_NAMES:
        value = getattr(f, name)
        if name == "status" or name in skip or value in (None, "", ()):
            continue
        if name == "level":
            text = labels.level(value)
        elif name == "category":
            item = reference.category(value)
            text = item.label() if item else value
        elif name in names:
            text = names[name].get(value, value)
        elif name == "source":
            text = labels.source(value)
        elif isinstance(value, bool):
            text = _l("yes") if value else _l("no")
        elif hasattr(value, "isoformat"):
            text = value.isoformat()
        else:
            text = value
        chips.append((f"{CHIP_NAMES.get(name, name)}: {text}", _ledger_url(kind, f, **{name: None if name != "q" else ""})))
    return chips


CHIP_NAMES = {"enterprise": _l("Enterprise"), "level": _l("Level"), "category": _l("Category"),
              "overdue": _l("Overdue"), "supervised": _l("Listed supervision"), "backlog": _l("Waiting on the office"),
              "inspector": _l("Found by"), "source": _l("Source"), "found_from": _l("Found from"),
              "found_to": _l("Found until"), "deadline_from": _l("Deadline from"), "deadline_to": _l("Deadline until"),
              "closed_from": _l("Closed out from"), "closed_to": _l("Closed out until"), "q": _l("Search"),
              "done": _l("Measure done")}


def _ledger(kind):
    """A ledger page. Its content (filters, count, rows, pager) depends only on the filters, the day,
    the language, what the user may see and do, and the data: it is kept under the hazards' data
    version (``figures.cache``), which every write of a hazard, measure, enterprise, user or listed
    supervision changes, so the same view asked again (the default ledger, a shared link) is not
    queried and rendered again until something changes."""
    if not can(current_user, "ledger.view"):
        abort(403)
    measures = kind == "measures"
    filters = queries.parse_filters(request.args, measures=measures)
    if not measures and request.args.get(SHOW_ALL) != "1" and not any(
            name in request.args for name in queries.FILTER_NAMES):
        filters.status = (queries.ACTIVE,)  # the ledger opens on the hazards not yet closed out (未销号)

    def body():
        page = (queries.measure_page if measures else queries.hazard_page)(current_user, filters)
        enterprises, inspectors = _choices()
        return Markup(render_template(
            f"ledgers/_{kind}_body.html", kind=kind, f=filters, page=page, enterprises=enterprises,
            inspectors=inspectors, enterprise_options=enterprise_options,
            overdue_days=definitions.overdue_days, statuses=queries.STATUS_VALUES, row_labels=_Labels(),
            sort_options=_sort_options(queries.MEASURE_SORTS if measures else queries.HAZARD_SORTS),
            quick_filters=[] if measures else _quick_filters(kind, filters),
            chips=_chips(kind, filters, enterprises, inspectors),
        ))

    if filters.errors:  # the messages beside the fields: not kept
        return render_template(f"ledgers/{kind}.html", body=body()), 400
    user = current_user
    key = ("ledger", kind, locale_code(), str(user.role), user.enterprise_role, user.enterprise_id, today(),
           request.script_root, tuple(sorted(request.args.items(multi=True))))
    return render_template(f"ledgers/{kind}.html", body=_BODIES.get(key, body))


_BODIES = VersionedCache(256)


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
