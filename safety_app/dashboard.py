"""The dashboard's figures: "clearing to zero" at a glance.

Computed with a few aggregate queries (GROUP BY / conditional counts), never
by loading hazards; every query starts from ``permissions.scope(Hazard, user)``
so an enterprise user only ever counts their own enterprise. Each figure
carries the ledger filter that lists exactly the hazards it counts.

Definitions (park time, Asia/Shanghai):

The definitions are ``figures.definitions`` (the same for the ledgers, the portal, the
jobs and the documents), in park time (Asia/Shanghai):

- open: not closed and not withdrawn; overdue: ``definitions.overdue_clause()`` (counts
  against the enterprise); backlog (待复查超期): ``definitions.backlog_clause()`` (the office's);
- found in a month: ``found_on`` in it; closed in a month: ``closed_on`` in it;
- rectification rate of this month: of the hazards found this month (withdrawn
  ones left out), the share already closed; overall: the same over all hazards;
- cleared to zero: ``figures.aggregates.clearing`` (enterprises never inspected apart); the
  headline "已清零 X / N 家" is X cleared of the N enterprises not 尚未检查, and the enterprise table
  keeps the cleared enterprises (zero open), marked.
"""
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import case, func, select

from .clock import today as park_today
from .extensions import db
from .figures import aggregates, cache, definitions, sources
from .figures.parallel import Viewer, at_once
from .models import FINAL_STATUSES, Enterprise, Hazard, HazardLevel, HazardStatus
from .permissions import scope
from .queries import ACTIVE, Filters, conditions

OPEN_STATUSES = tuple(sorted(s.value for s in HazardStatus if s not in FINAL_STATUSES))
# IN (the open statuses) rather than NOT IN (closed, withdrawn): the same rows, but an index
# range on (status, ...) instead of a scan of every hazard.
NOT_FINAL = Hazard.status.in_(OPEN_STATUSES)
NOT_WITHDRAWN_STATUSES = tuple(s.value for s in HazardStatus if s != HazardStatus.WITHDRAWN)
ENTERPRISE_SORTS = ("open", "overdue", "major", "oldest_overdue_days", "name")
CACHE_SIZE = 256  # figures kept per process (one per scope and day: the park, each enterprise)
_CACHE = cache.VersionedCache(CACHE_SIZE)


def month_start(day):
    return day.replace(day=1)


def add_months(day, n):
    """First day of the month ``n`` months after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _count(condition):
    return func.count(case((condition, 1)))


def _rate(part, whole):
    return round(part / whole, 4) if whole else None


@dataclass
class EnterpriseRow:
    id: int
    name: str
    open: int
    overdue: int
    major: int
    oldest_overdue_days: int
    cleared: bool = False  # cleared to zero (figures.aggregates.clearing): kept in the table, marked


@dataclass
class CategoryRow:
    code: str
    open: int
    overdue: int
    major: int


@dataclass
class Figures:
    today: date
    month: str  # 'YYYY-MM', the current park month
    month_first: date
    month_last: date
    open: int
    overdue: int
    major_open: int
    supervised: int  # under listed supervision (挂牌督办) now: major_regime.current_supervision_clause()
    backlog: int  # 待复查超期: waiting on the office longer than ``backlog_days`` (definitions.office_backlog)
    backlog_days: int
    waiting_on_office: int  # submitted or verified: waiting for re-inspection or acceptance
    found_month: int
    closed_month: int
    found_month_counted: int  # found this month, withdrawn left out: the rate's denominator
    closed_of_found_month: int
    rate_month: float | None
    found_total_counted: int
    closed_total: int
    rate_overall: float | None
    cleared: int = 0  # enterprises cleared to zero (had live hazards, none open)
    with_hazards: int = 0  # enterprises with live hazards: the cleared rate's denominator
    not_inspected: int = 0  # 尚未检查: no inspection and no hazard yet (never counted as cleared)
    inspected: int = 0  # every enterprise but the 尚未检查 ones: the headline's "已清零 X / N 家" N
    inspected_no_hazard: int = 0  # inspected, no live hazard found: in N, never cleared
    enterprises: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    trend: list = field(default_factory=list)  # [{'month': 'YYYY-MM', 'found': n, 'closed': n}]
    sources: list = field(default_factory=list)  # figures.sources.SourceRow per hazard source
    cleared_enterprises: list = field(default_factory=list)  # EnterpriseRow (cleared=True) per cleared enterprise

    def enterprise_table(self, sort="-overdue", only_cleared=False):
        """The dashboard's table: the enterprises with open hazards and those cleared to zero."""
        rows = [] if only_cleared else list(self.enterprises)
        return sort_enterprises(rows + list(self.cleared_enterprises), sort)

    def links(self):
        """Ledger filters listing exactly the hazards behind each figure."""
        first, last = self.month_first, self.month_last
        return {
            "open": Filters(status=(ACTIVE,)),
            "overdue": Filters(overdue=True, sort="deadline"),
            "major_open": Filters(status=(ACTIVE,), level=HazardLevel.MAJOR.value),
            "supervised": Filters(supervised=True),
            "backlog": Filters(backlog=True, sort="deadline"),
            "waiting_on_office": Filters(status=definitions.WAITING_ON_OFFICE),
            "found_month": Filters(found_from=first, found_to=last),
            "closed_month": Filters(closed_from=first, closed_to=last),
            "found_month_counted": Filters(found_from=first, found_to=last, status=NOT_WITHDRAWN_STATUSES),
            "closed_of_found_month": Filters(found_from=first, found_to=last,
                                             status=(HazardStatus.CLOSED.value,)),
            "found_total_counted": Filters(status=NOT_WITHDRAWN_STATUSES),
            "closed_total": Filters(status=(HazardStatus.CLOSED.value,)),
        }

    def rates(self):
        """Each rate with its numerator, denominator and definition."""
        return {
            "rate_month": definitions.rate(self.closed_of_found_month, self.found_month_counted,
                                           definitions.RATE_OF_MONTH),
            "rate_overall": definitions.rate(self.closed_total, self.found_total_counted, definitions.RATE_OVERALL),
            "rate_cleared": definitions.rate(self.cleared, self.with_hazards, definitions.RATE_CLEARED),
        }

    def as_dict(self):
        data = asdict(self)
        data.pop("cleared_enterprises")  # the API's enterprises stay those with open hazards
        for row in data["enterprises"]:
            row.pop("cleared")
        for key in ("today", "month_first", "month_last"):
            data[key] = data[key].isoformat()
        return data


def enterprise_links(row):
    return {
        "open": Filters(enterprise=row.id, status=(ACTIVE,)),
        "overdue": Filters(enterprise=row.id, overdue=True, sort="deadline"),
        "major": Filters(enterprise=row.id, status=(ACTIVE,), level=HazardLevel.MAJOR.value),
    }


def source_links(row):
    """Ledger filters behind a by-source row (figures.sources: found = live, ever; open, overdue now)."""
    return {
        "found": Filters(source=row.source, status=NOT_WITHDRAWN_STATUSES),
        "open": Filters(source=row.source, status=(ACTIVE,)),
        "overdue": Filters(source=row.source, overdue=True, sort="deadline"),
        "major_open": Filters(source=row.source, status=(ACTIVE,), level=HazardLevel.MAJOR.value),
        "closed": Filters(source=row.source, status=(HazardStatus.CLOSED.value,)),
    }


def trend_links(month):
    """Ledger filters behind a month of the trend (``'YYYY-MM'``): the live hazards found in it and
    those closed out in it (``figures.aggregates.trend``)."""
    first = date.fromisoformat(f"{month}-01")
    last = add_months(first, 1) - timedelta(days=1)
    return {
        "found": Filters(found_from=first, found_to=last, status=NOT_WITHDRAWN_STATUSES),
        "closed": Filters(closed_from=first, closed_to=last),
    }


def category_links(row):
    return {
        "open": Filters(category=row.code, status=(ACTIVE,)),
        "overdue": Filters(category=row.code, overdue=True, sort="deadline"),
        "major": Filters(category=row.code, status=(ACTIVE,), level=HazardLevel.MAJOR.value),
    }


def figures(user, on=None, enterprise_sort="-overdue"):
    """All the dashboard's figures for ``user`` on the park day ``on`` (default today).

    Cached in the process under (what ``user`` may see, the day) and the park's data version
    (``figures.cache``): any write of the data means a new key, so a cached figure is never stale.
    """
    on = on or park_today()
    visible = scope(Hazard, user, select(Hazard.id)).compile()
    # (The backlog's number of days is a setting: saving it gives a new data version.)
    found = _CACHE.get(("figures", str(visible), tuple(sorted(visible.params.items())), on),
                       lambda: _figures(user, on))
    return replace(found, enterprises=sort_enterprises(list(found.enterprises), enterprise_sort),
                   categories=list(found.categories), trend=[dict(t) for t in found.trend],
                   cleared_enterprises=list(found.cleared_enterprises),
                   sources=[replace(s) for s in found.sources])


def clear_cache():
    """Forget every cached figure (tests that count the queries of a computation)."""
    cache.clear_all()


def _figures(user, on):
    """The figures computed (not cached); the enterprises unsorted.

    Narrow queries, each on an index: hazards by status (every hazard, but a count per
    status off the (status, deadline) index), hazards found this month by status (the
    found_on range), closed this month (the closed_on range), and the open hazards by
    category and by enterprise (the open statuses' range of the covering dashboard
    index); the park totals of open / overdue / major are the sums of the categories.
    They run in four groups at once, each on its own connection (``figures.parallel``).
    """
    viewer = Viewer.of(user)
    first = month_start(on)
    last = add_months(first, 1) - timedelta(days=1)
    backlog_days = definitions.backlog_days()
    own = () if viewer.is_staff else (Hazard.enterprise_id == viewer.enterprise_id,)
    # Four groups of about the same work (at 200,000 hazards on SQLite: about 16, 44, 30 and 27 ms alone).
    (found, closed_month, supervised, backlog, categories), (enterprises, zero), source_rows, trend_rows = \
        at_once(lambda: _counts(viewer, on, first, last, backlog_days),
                lambda: (by_enterprise(viewer, on, sort=None),
                         aggregates.clearing(on, None if viewer.is_staff else viewer.enterprise_id)),
                lambda: sources.by_source(on, *own),
                lambda: trend(viewer, on))
    # Every hazard by status: read with the clearing's counts today (the same scope), else on its own.
    every = zero.by_status if zero.by_status is not None else _by_status(viewer)
    withdrawn, closed = HazardStatus.WITHDRAWN.value, HazardStatus.CLOSED.value
    totals = {
        "open": sum(n for s, n in every.items() if s in OPEN_STATUSES),
        "overdue": sum(c.overdue for c in categories),
        "major_open": sum(c.major for c in categories),
        "supervised": supervised,
        "backlog": backlog,
        "backlog_days": backlog_days,
        "waiting_on_office": sum(n for s, n in every.items() if s in definitions.WAITING_ON_OFFICE),
        "found_month": sum(found.values()),
        "closed_month": closed_month,
        "found_month_counted": sum(n for s, n in found.items() if s != withdrawn),
        "closed_of_found_month": found.get(closed, 0),
        "found_total_counted": sum(n for s, n in every.items() if s != withdrawn),
        "closed_total": every.get(closed, 0),
    }
    result = Figures(
        today=on, month=f"{first:%Y-%m}", month_first=first, month_last=last,
        rate_month=_rate(totals["closed_of_found_month"], totals["found_month_counted"]),
        rate_overall=_rate(totals["closed_total"], totals["found_total_counted"]),
        **totals,
    )
    result.enterprises = enterprises
    result.categories = categories
    result.trend = trend_rows
    result.sources = source_rows
    result.cleared, result.with_hazards, result.not_inspected = (
        len(zero.cleared), zero.with_hazards, len(zero.not_inspected))
    # The headline's N: the enterprises the definition does not call 尚未检查 (each registered
    # enterprise falls in exactly one of the four groups of ``Clearing``).
    result.inspected_no_hazard = len(zero.inspected_no_hazard)
    result.inspected = len(zero.cleared) + len(zero.not_cleared) + len(zero.inspected_no_hazard)
    listed = {row.id for row in result.enterprises}
    result.cleared_enterprises = [EnterpriseRow(id=ident, name=name, open=0, overdue=0, major=0,
                                                oldest_overdue_days=0, cleared=True)
                                  for ident, name in zero.cleared if ident not in listed]
    return result


def _by_status(viewer, *where):
    stmt = scope(Hazard, viewer, select(Hazard.status, func.count()).select_from(Hazard))
    return dict(db.session.execute(stmt.where(*where).group_by(Hazard.status)).all())


def _counts(viewer, on, first, last, backlog_days):
    """Hazards found this month by status, closed this month, under listed supervision, in the office's
    backlog, and the open ones by category."""
    def count(*where):
        return db.session.scalar(scope(Hazard, viewer, select(func.count()).select_from(Hazard)).where(*where))

    return (_by_status(viewer, Hazard.found_on.between(first, last)), count(Hazard.closed_on.between(first, last)),
            count(*conditions(Filters(supervised=True))), count(definitions.backlog_clause(on, backlog_days)),
            by_category(viewer, on))


def by_enterprise(user, on, sort="-overdue"):
    """Enterprises with open hazards: open / overdue / major open / oldest overdue days (the
    dashboard adds the enterprises cleared to zero, see ``_figures``)."""
    overdue = definitions.overdue_clause(on)
    # The oldest overdue still running: hazards waiting on the enterprise (a late submission's days stop).
    running = overdue & definitions.waits_on_enterprise(Hazard)
    # Grouped by status and id, the order of the covering dashboard index (read alone, nothing
    # sorted), the statuses summed here; the names read after.
    stmt = scope(Hazard, user, select(
        Hazard.enterprise_id,
        func.count().label("open"),
        _count(overdue).label("overdue"),
        _count(Hazard.level == HazardLevel.MAJOR.value).label("major"),
        func.min(case((running, Hazard.deadline))).label("oldest_deadline"),
    ).select_from(Hazard)).where(NOT_FINAL).group_by(Hazard.status, Hazard.enterprise_id)
    totals = {}
    for r in db.session.execute(stmt):
        row = totals.get(r.enterprise_id)
        if row is None:
            totals[r.enterprise_id] = [r.open, r.overdue, r.major, r.oldest_deadline]
        else:
            row[0] += r.open
            row[1] += r.overdue
            row[2] += r.major
            if r.oldest_deadline is not None and (row[3] is None or r.oldest_deadline < row[3]):
                row[3] = r.oldest_deadline
    names = dict(db.session.execute(select(Enterprise.id, Enterprise.name).where(
        Enterprise.id.in_(sorted(totals)))).all()) if totals else {}
    rows = [EnterpriseRow(id=ident, name=names[ident], open=n_open, overdue=n_overdue, major=n_major,
                          oldest_overdue_days=(on - oldest).days if oldest else 0)
            for ident, (n_open, n_overdue, n_major, oldest) in totals.items() if ident in names]
    return sort_enterprises(rows, sort) if sort else rows


def sort_enterprises(rows, sort):
    key = sort.lstrip("-")
    if key not in ENTERPRISE_SORTS:
        key, sort = "overdue", "-overdue"
    descending = sort.startswith("-")
    if key == "name":
        return sorted(rows, key=lambda r: (r.name, r.id), reverse=descending)
    # Ties: the bigger backlog first, then by name, whatever the direction.
    rows = sorted(rows, key=lambda r: (r.name, r.id))
    return sorted(rows, key=lambda r: (getattr(r, key), r.open), reverse=descending)


def by_category(user, on):
    """Categories with open hazards, the biggest first: counted per (status, category) in the order of
    ``ix_hazards_status_category`` (nothing sorted by the database), the statuses summed here."""
    overdue = definitions.overdue_clause(on)
    stmt = scope(Hazard, user, select(
        Hazard.category,
        func.count().label("open"),
        _count(overdue).label("overdue"),
        _count(Hazard.level == HazardLevel.MAJOR.value).label("major"),
    ).select_from(Hazard)).where(NOT_FINAL).group_by(Hazard.status, Hazard.category)
    rows = {}
    for r in db.session.execute(stmt):
        row = rows.get(r.category)
        if row is None:
            rows[r.category] = CategoryRow(code=r.category, open=r.open, overdue=r.overdue, major=r.major)
        else:
            row.open += r.open
            row.overdue += r.overdue
            row.major += r.major
    return sorted(rows.values(), key=lambda r: (-r.open, r.code))


def trend(user, on, months=12):
    """Live hazards found and closed out in each of the last ``months`` park months (this one
    included): ``figures.aggregates.trend``, the same as the monthly report's (withdrawn never count)."""
    where = () if user.is_staff else (Hazard.enterprise_id == user.enterprise_id,)
    return aggregates.trend(on, months, *where)
