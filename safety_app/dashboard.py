"""The dashboard's figures: "clearing to zero" at a glance.

Computed with a few aggregate queries (GROUP BY / conditional counts), never
by loading hazards; every query starts from ``permissions.scope(Hazard, user)``
so an enterprise user only ever counts their own enterprise. Each figure
carries the ledger filter that lists exactly the hazards it counts.

Definitions (park time, Asia/Shanghai):

- open: not closed and not withdrawn; overdue: ``lifecycle.overdue_clause()``;
- found in a month: ``found_on`` in it; closed in a month: ``closed_on`` in it;
- rectification rate of this month: of the hazards found this month (withdrawn
  ones left out), the share already closed; overall: the same over all hazards.
"""
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, select

from . import lifecycle
from .clock import today as park_today
from .extensions import db
from .models import FINAL_STATUSES, Enterprise, Hazard, HazardLevel, HazardStatus
from .permissions import scope
from .queries import ACTIVE, Filters

NOT_FINAL = Hazard.status.not_in([s.value for s in FINAL_STATUSES])
NOT_WITHDRAWN_STATUSES = tuple(s.value for s in HazardStatus if s != HazardStatus.WITHDRAWN)
ENTERPRISE_SORTS = ("open", "overdue", "major", "oldest_overdue_days", "name")


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
    found_month: int
    closed_month: int
    found_month_counted: int  # found this month, withdrawn left out: the rate's denominator
    closed_of_found_month: int
    rate_month: float | None
    found_total_counted: int
    closed_total: int
    rate_overall: float | None
    enterprises: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    trend: list = field(default_factory=list)  # [{'month': 'YYYY-MM', 'found': n, 'closed': n}]

    def links(self):
        """Ledger filters listing exactly the hazards behind each figure."""
        first, last = self.month_first, self.month_last
        return {
            "open": Filters(status=(ACTIVE,)),
            "overdue": Filters(overdue=True, sort="deadline"),
            "major_open": Filters(status=(ACTIVE,), level=HazardLevel.MAJOR.value),
            "found_month": Filters(found_from=first, found_to=last),
            "closed_month": Filters(closed_from=first, closed_to=last),
            "found_month_counted": Filters(found_from=first, found_to=last, status=NOT_WITHDRAWN_STATUSES),
            "closed_of_found_month": Filters(found_from=first, found_to=last,
                                             status=(HazardStatus.CLOSED.value,)),
            "found_total_counted": Filters(status=NOT_WITHDRAWN_STATUSES),
            "closed_total": Filters(status=(HazardStatus.CLOSED.value,)),
        }

    def as_dict(self):
        data = asdict(self)
        for key in ("today", "month_first", "month_last"):
            data[key] = data[key].isoformat()
        return data


def enterprise_links(row):
    return {
        "open": Filters(enterprise=row.id, status=(ACTIVE,)),
        "overdue": Filters(enterprise=row.id, overdue=True, sort="deadline"),
        "major": Filters(enterprise=row.id, status=(ACTIVE,), level=HazardLevel.MAJOR.value),
    }


def category_links(row):
    return {
        "open": Filters(category=row.code, status=(ACTIVE,)),
        "overdue": Filters(category=row.code, overdue=True, sort="deadline"),
        "major": Filters(category=row.code, status=(ACTIVE,), level=HazardLevel.MAJOR.value),
    }


def figures(user, on=None, enterprise_sort="-overdue"):
    """All the dashboard's figures for ``user`` on the park day ``on`` (default today)."""
    on = on or park_today()
    first = month_start(on)
    next_first = add_months(first, 1)
    overdue = lifecycle.overdue_clause(on)
    in_month = Hazard.found_on.between(first, next_first - timedelta(days=1))
    totals = db.session.execute(scope(Hazard, user, select(
        _count(NOT_FINAL).label("open"),
        _count(overdue).label("overdue"),
        _count(NOT_FINAL & (Hazard.level == HazardLevel.MAJOR.value)).label("major_open"),
        _count(in_month).label("found_month"),
        _count(Hazard.closed_on.between(first, next_first - timedelta(days=1))).label("closed_month"),
        _count(in_month & (Hazard.status != HazardStatus.WITHDRAWN.value)).label("found_month_counted"),
        _count(in_month & (Hazard.status == HazardStatus.CLOSED.value)).label("closed_of_found_month"),
        _count(Hazard.status != HazardStatus.WITHDRAWN.value).label("found_total_counted"),
        _count(Hazard.status == HazardStatus.CLOSED.value).label("closed_total"),
    ).select_from(Hazard))).one()._asdict()
    result = Figures(
        today=on, month=f"{first:%Y-%m}", month_first=first, month_last=next_first - timedelta(days=1),
        rate_month=_rate(totals["closed_of_found_month"], totals["found_month_counted"]),
        rate_overall=_rate(totals["closed_total"], totals["found_total_counted"]),
        **totals,
    )
    result.enterprises = by_enterprise(user, on, enterprise_sort)
    result.categories = by_category(user, on)
    result.trend = trend(user, on)
    return result


def by_enterprise(user, on, sort="-overdue"):
    """Enterprises with open hazards: open / overdue / major open / oldest overdue days."""
    overdue = lifecycle.overdue_clause(on)
    stmt = scope(Hazard, user, select(
        Hazard.enterprise_id, Enterprise.name,
        _count(NOT_FINAL).label("open"),
        _count(overdue).label("overdue"),
        _count(NOT_FINAL & (Hazard.level == HazardLevel.MAJOR.value)).label("major"),
        func.min(case((overdue, Hazard.deadline))).label("oldest_deadline"),
    ).select_from(Hazard).join(Enterprise, Enterprise.id == Hazard.enterprise_id)).where(NOT_FINAL).group_by(
        Hazard.enterprise_id, Enterprise.name)
    rows = [EnterpriseRow(id=r.enterprise_id, name=r.name, open=r.open, overdue=r.overdue, major=r.major,
                          oldest_overdue_days=(on - r.oldest_deadline).days if r.oldest_deadline else 0)
            for r in db.session.execute(stmt)]
    return sort_enterprises(rows, sort)


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
    """Categories with open hazards, the biggest first."""
    overdue = lifecycle.overdue_clause(on)
    stmt = scope(Hazard, user, select(
        Hazard.category,
        _count(NOT_FINAL).label("open"),
        _count(overdue).label("overdue"),
        _count(NOT_FINAL & (Hazard.level == HazardLevel.MAJOR.value)).label("major"),
    ).select_from(Hazard)).where(NOT_FINAL).group_by(Hazard.category)
    rows = [CategoryRow(code=r.category, open=r.open, overdue=r.overdue, major=r.major)
            for r in db.session.execute(stmt)]
    return sorted(rows, key=lambda r: (-r.open, r.code))


def trend(user, on, months=12):
    """Hazards found and closed in each of the last ``months`` park months (this one included).

    Two GROUP BY queries by day over the date indexes (a month expression is not
    portable between SQLite and PostgreSQL); the at most ~366 day rows are summed per month.
    """
    first = add_months(month_start(on), -(months - 1))
    end = add_months(month_start(on), 1)
    counts = {f"{add_months(first, i):%Y-%m}": {"found": 0, "closed": 0} for i in range(months)}
    for key, column in (("found", Hazard.found_on), ("closed", Hazard.closed_on)):
        stmt = scope(Hazard, user, select(column, func.count(Hazard.id)).select_from(Hazard)).where(
            column >= first, column < end).group_by(column)
        for day, n in db.session.execute(stmt):
            counts[f"{day:%Y-%m}"][key] += n
    return [{"month": month, **values} for month, values in counts.items()]
