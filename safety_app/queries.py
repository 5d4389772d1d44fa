"""The ledger filters: from a query string to SQL, in one place.

The web ledgers, their CSV/XLSX exports, the dashboard's links and the API's
hazard and measure lists all parse their filters with :func:`parse_filters`
and select with :func:`hazards` / :func:`measures`, which always start from
``permissions.scope(Hazard, user)``: an enterprise user only ever reaches
rows of their own enterprise, whatever the filters say.
"""
from dataclasses import dataclass, field, fields, replace
from datetime import date
from math import ceil

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from . import major_regime, reference, search
from .extensions import db
from .figures import definitions
from .figures.cache import VersionedCache
from .models import FINAL_STATUSES, Enterprise, Hazard, HazardLevel, HazardSource, HazardStatus, Measure
from .permissions import scope

PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 100000
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL
MAX_TEXT = 100
# Pseudo status: every status that still counts (not closed, not withdrawn).
ACTIVE = "active"
STATUS_VALUES = (ACTIVE, *(s.value for s in HazardStatus))

HAZARD_SORTS = {
    "code": (Hazard.code,),
    "found_on": (Hazard.found_on,),
    "deadline": (Hazard.deadline,),
    "enterprise": (Enterprise.name,),
    "status": (Hazard.status,),
    "level": (Hazard.level,),
}
MEASURE_SORTS = {
    "code": (Hazard.code,),
    "enterprise": (Enterprise.name,),
    "deadline": (Measure.deadline,),
    "done_on": (Measure.done_on,),
    "funds": (Measure.funds,),
    "found_on": (Hazard.found_on,),
}
DEFAULT_SORT = "-found_on"


@dataclass
class Filters:
    """What a ledger view shows; every field is optional."""

    enterprise: int | None = None
    status: tuple = ()
    level: str | None = None
    category: str | None = None
    overdue: bool | None = None
    supervised: bool | None = None  # under listed supervision (挂牌督办) now
    backlog: bool | None = None  # the office's backlog (待复查超期) now: figures.definitions.office_backlog
    inspector: int | None = None
    source: str | None = None  # HazardSource: how it was found (government inspection, self-inspection, …)
    found_from: date | None = None
    found_to: date | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    closed_from: date | None = None
    closed_to: date | None = None
    q: str = ""
    done: bool | None = None  # measures ledger only
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = PER_PAGE
    errors: dict = field(default_factory=dict, compare=False)

    @property
    def active(self):
        """True when anything narrows the list (for opening the filter panel)."""
        return any(getattr(self, f.name) not in (None, "", ()) for f in fields(self)
                   if f.name in FILTER_NAMES)

    def to_args(self, **changes):
        """Query-string arguments that reproduce this view (defaults left out)."""
        f = replace(self, **changes) if changes else self
        args = {}
        for name in FILTER_NAMES:
            value = getattr(f, name)
            if value in (None, "", ()):
                continue
            if isinstance(value, bool):
                value = "1" if value else "0"
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            args[name] = value
        if f.sort != DEFAULT_SORT:
            args["sort"] = f.sort
        if f.page != 1:
            args["page"] = f.page
        if f.per_page != PER_PAGE:
            args["per_page"] = f.per_page
        return args


FILTER_NAMES = ("enterprise", "status", "level", "category", "overdue", "supervised", "backlog", "inspector",
                "source", "found_from",
                "found_to", "deadline_from", "deadline_to", "closed_from", "closed_to", "q", "done")
DATE_NAMES = ("found_from", "found_to", "deadline_from", "deadline_to", "closed_from", "closed_to")


def _int(value, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def page_number(value):
    """A page number from a query string (1 to MAX_PAGE), or None: shared by the web lists, the
    ledgers and the API."""
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_PAGE)):
        return None
    return _int(text, 1, MAX_PAGE)


def _bool(value):
    return {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}.get(
        str(value).strip().lower())


def parse_filters(args, *, measures=False):
    """Read filters from a MultiDict (``request.args``); bad values are dropped and
    explained in ``errors`` (field → translatable message)."""
    f = Filters()
    errors = f.errors

    def one(name):
        value = args.get(name, "")
        return value.strip() if isinstance(value, str) else value

    if one("enterprise"):
        f.enterprise = _int(one("enterprise"), 1, MAX_ID)
        if f.enterprise is None:
            errors["enterprise"] = _l("Choose an enterprise from the list.")
    statuses = [s.strip() for s in args.getlist("status") if s.strip()]
    if any(s not in STATUS_VALUES for s in statuses):
        errors["status"] = _l("Choose a status from the list.")
    f.status = tuple(dict.fromkeys(s for s in statuses if s in STATUS_VALUES))
    if one("level"):
        if one("level") in {lv.value for lv in HazardLevel}:
            f.level = one("level")
        else:
            errors["level"] = _l("Choose a level from the list.")
    if one("category"):
        if reference.category(one("category")) is not None:
            f.category = one("category")
        else:
            errors["category"] = _l("Choose a category from the list.")
    for name in ("overdue", "supervised", "backlog", "done") if measures else ("overdue", "supervised", "backlog"):
        if one(name):
            setattr(f, name, _bool(one(name)))
            if getattr(f, name) is None:
                errors[name] = _l("Choose yes or no.")
    if one("inspector"):
        f.inspector = _int(one("inspector"), 1, MAX_ID)
        if f.inspector is None:
            errors["inspector"] = _l("Choose an inspector from the list.")
    if one("source"):
        if one("source") in {s.value for s in HazardSource}:
            f.source = one("source")
        else:
            errors["source"] = _l("Choose a source from the list.")
    for name in DATE_NAMES:
        if one(name):
            try:
                setattr(f, name, date.fromisoformat(one(name)))
            except ValueError:
                errors[name] = _l("Give the date as YYYY-MM-DD.")
    for low, high in (("found_from", "found_to"), ("deadline_from", "deadline_to"),
                      ("closed_from", "closed_to")):
        if getattr(f, low) and getattr(f, high) and getattr(f, low) > getattr(f, high):
            errors[high] = _l("The end date is before the start date.")
    f.q = (one("q") or "")[:MAX_TEXT]
    if "\x00" in f.q:
        f.q = f.q.replace("\x00", "")
    sorts = MEASURE_SORTS if measures else HAZARD_SORTS
    if one("sort"):
        if one("sort").lstrip("-") in sorts:
            f.sort = one("sort")
        else:
            errors["sort"] = _l("Unknown sort order.")
    if one("page"):
        f.page = page_number(one("page")) or 1
        if str(f.page) != str(one("page")):
            errors["page"] = _l("Unknown page.")
    if one("per_page"):
        f.per_page = _int(one("per_page"), 1, MAX_PER_PAGE) or PER_PAGE
        if str(f.per_page) != str(one("per_page")):
            errors["per_page"] = _l("Between 1 and %(n)d rows per page.", n=MAX_PER_PAGE)
    return f


def _contains(column, pattern):
    """``column`` contains ``pattern`` (a LIKE pattern), ignoring case.

    SQLite's LIKE already ignores ASCII case, which is all its lower() folds: a plain
    LIKE finds the same rows as ILIKE (rendered there as lower(x) LIKE lower(y)) at
    half the cost. PostgreSQL keeps ILIKE, which the trigram index (pg_trgm) serves.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def _like(text):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Hazard sorts an index delivers in order (the search walks it: search.Matches.condition).
INDEXED_SORTS = ("found_on", "code")


def conditions(f, *, measures=False):
    """The WHERE conditions of ``f`` (visibility is added by the callers, via scope)."""
    conds = []
    if f.enterprise is not None:
        conds.append(Hazard.enterprise_id == f.enterprise)
    if f.status:
        values = set()
        for s in f.status:
            values |= {x.value for x in HazardStatus if x not in FINAL_STATUSES} if s == ACTIVE else {s}
        conds.append(Hazard.status.in_(sorted(values)))
    if f.level:
        conds.append(Hazard.level == f.level)
    if f.category:
        conds.append(Hazard.category == f.category)
    if f.overdue is True:
        conds.append(definitions.overdue_clause())
    elif f.overdue is False:
        conds.append(~definitions.overdue_clause())
    if f.backlog is True:
        conds.append(definitions.backlog_clause())
    elif f.backlog is False:
        conds.append(~definitions.backlog_clause())
    if f.supervised is not None:
        listed = major_regime.current_supervision_clause()
        conds.append(listed if f.supervised else ~listed)
    if f.inspector is not None:
        conds.append(Hazard.found_by_id == f.inspector)
    if f.source is not None:
        conds.append(Hazard.source == f.source)
    for name, column, op in (("found_from", Hazard.found_on, "ge"), ("found_to", Hazard.found_on, "le"),
                             ("deadline_from", Hazard.deadline, "ge"), ("deadline_to", Hazard.deadline, "le"),
                             ("closed_from", Hazard.closed_on, "ge"), ("closed_to", Hazard.closed_on, "le")):
        value = getattr(f, name)
        if value is not None:
            conds.append(column >= value if op == "ge" else column <= value)
    if f.q:
        pattern = _like(f.q)
        columns = [Hazard.code, Hazard.title, Hazard.location]
        if measures:
            columns.append(Measure.description)
        found = None if measures else search.matches(f.q)  # SQLite's trigram index, same meaning
        if found is not None:
            conds.append(found.condition(Hazard.id, ordered=f.sort.lstrip("-") in INDEXED_SORTS))
        else:
            conds.append(or_(*(_contains(c, pattern) for c in columns)))
    if measures and f.done is not None:
        conds.append(Measure.done_on.is_not(None) if f.done else Measure.done_on.is_(None))
    return conds


def _order(f, sorts, tiebreak):
    key = f.sort.lstrip("-")
    columns = sorts.get(key) or sorts[DEFAULT_SORT.lstrip("-")]
    desc = f.sort.startswith("-")
    # NULLS LAST only where NULLs can occur: on a NOT NULL column the plain order is the
    # same and matches the indexes (PostgreSQL cannot read "x DESC NULLS LAST" from one).
    order = []
    for column in columns:
        term = column.desc() if desc else column.asc()
        order.append(term.nulls_last() if column.expression.nullable else term)
    return [*order, tiebreak.desc() if desc else tiebreak.asc()]


def hazards(user, f, *columns):
    """SELECT of the hazards ``user`` may see that match ``f``, in ``f``'s order.

    With ``columns`` it selects those (exports); otherwise Hazard objects
    with their enterprise and finder loaded in the same query.
    """
    stmt = select(*columns) if columns else select(Hazard)
    stmt = stmt.select_from(Hazard).join(Enterprise, Enterprise.id == Hazard.enterprise_id)
    if not columns:
        stmt = stmt.options(contains_eager(Hazard.enterprise), joinedload(Hazard.found_by),
                            joinedload(Hazard.responsible_user))
    return scope(Hazard, user, stmt).where(*conditions(f)).order_by(*_order(f, HAZARD_SORTS, Hazard.id))


def hazard_count(user, f):
    """How many hazards ``user`` sees that match ``f``: kept per filter under the hazards' data
    version (``figures.cache``; a filter reads only the hazards, their enterprise and listed
    supervision, and the day), so paging through a ledger, or opening the same view again,
    counts once."""
    # count(*), not count(hazards.id): the id is in no filter index, so counting it made
    # PostgreSQL visit the rows; count(*) is answered from the index alone.
    base = select(func.count()).select_from(Hazard)
    stmt = scope(Hazard, user, base)
    if f.q and stmt is base and not replace(f, q="").active:
        # Only the search narrows (a staff user sees every hazard): the index counts its matches.
        found = search.matches(f.q)
        if found is not None:
            return _COUNTS.get(("search", f.q), found.count)
    stmt = stmt.where(*conditions(f))
    compiled = stmt.compile(db.engine)
    return _COUNTS.get(("hazards", str(compiled), repr(sorted(compiled.params.items()))),
                       lambda: db.session.scalar(stmt))


_COUNTS = VersionedCache(512)


def measures(user, f, *columns):
    """SELECT of the measures (list 2) of the hazards ``user`` may see that match ``f``."""
    stmt = select(*columns) if columns else select(Measure)
    stmt = (stmt.select_from(Measure).join(Hazard, Hazard.id == Measure.hazard_id)
            .join(Enterprise, Enterprise.id == Hazard.enterprise_id))
    if not columns:
        stmt = stmt.options(contains_eager(Measure.hazard).contains_eager(Hazard.enterprise),
                            joinedload(Measure.responsible_user))
    return scope(Hazard, user, stmt).where(*conditions(f, measures=True)).order_by(
        *_order(f, MEASURE_SORTS, Measure.id))


def measure_count(user, f):
    stmt = select(func.count()).select_from(Measure).join(Hazard, Hazard.id == Measure.hazard_id)
    return db.session.scalar(scope(Hazard, user, stmt).where(*conditions(f, measures=True)))


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self):
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages


def _page(stmt, count, f):
    """The page's rows first; the exact total is counted only when the rows cannot tell it:
    a first page with room to spare holds every match (the usual case of a narrow filter,
    an enterprise's own list), so its length is the total and no COUNT runs."""
    items = db.session.execute(
        stmt.limit(f.per_page).offset((f.page - 1) * f.per_page)
    ).unique().scalars().all()
    if f.page == 1 and len(items) < f.per_page:
        total = len(items)
    else:
        total = count()
    return Page(items=items, total=total, page=f.page, per_page=f.per_page)


def hazard_page(user, f):
    """One page of the hazard ledger: one or two queries whatever the page size."""
    return _page(hazards(user, f), lambda: hazard_count(user, f), f)


def measure_page(user, f):
    """One page of the measures ledger: one or two queries whatever the page size."""
    return _page(measures(user, f), lambda: measure_count(user, f), f)
