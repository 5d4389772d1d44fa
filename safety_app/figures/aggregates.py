"""Aggregates shared by the dashboard, the reports and the statistics table, as of any park day."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from ..extensions import db
from ..models import Enterprise, Hazard, Inspection
from . import definitions as d
from .history import columns_of, end_of_day_utc, enterprise_registered_by, hazards_as_of, is_current


def count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def add_months(day: date, n: int) -> date:
    """First day of the month ``n`` months after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def inspections_by(day: date, *where):
    """SQL: inspections held by ``day`` and recorded by its end (as of that day)."""
    return select(Inspection.enterprise_id).where(
        Inspection.inspected_on <= day, Inspection.created_at < end_of_day_utc(day), *where)


@dataclass
class Clearing:
    """清零 as of a day: each enterprise registered by then falls in exactly one group."""

    day: date
    cleared: list = field(default_factory=list)  # [(id, name)]: had live hazards, none open
    not_cleared: list = field(default_factory=list)  # [(id, name)]: some open
    inspected_no_hazard: list = field(default_factory=list)  # inspected, no live hazard found
    not_inspected: list = field(default_factory=list)  # 尚未检查: no inspection and no live hazard
    # Today only (else None): every hazard of the scope by status, whenever found, read by the same
    # query (the dashboard's status counts, without a second pass over the hazards).
    by_status: dict | None = None

    @property
    def with_hazards(self) -> int:
        return len(self.cleared) + len(self.not_cleared)

    def rate(self) -> d.Rate:
        return d.rate(len(self.cleared), self.with_hazards, d.RATE_CLEARED)


def _live_and_open_as_of(day: date, own) -> dict:
    """{enterprise id: (live hazards, open hazards)} at the end of ``day`` (the event history)."""
    c = columns_of(hazards_as_of(day, *own))
    # Grouped by status and enterprise (the order of the covering dashboard index), summed here.
    counts = {}
    for row in db.session.execute(
            select(c.enterprise_id, count_if(d.live(c)).label("live"), count_if(d.is_open(c)).label("open"))
            .group_by(c.status, c.enterprise_id)):
        live, open_ = counts.get(row.enterprise_id, (0, 0))
        counts[row.enterprise_id] = (live + int(row.live), open_ + int(row.open))
    return counts


def _live_and_open_today(day: date, own) -> dict:
    """The same today, from the hazards table: plain counts per (status, enterprise), read in the
    order of an index with no expression per row (d.live and d.is_open applied to each status here),
    less the hazards found after ``day`` (none, normally; a range of ix_hazards_found_on)."""
    counts, by_status = {}, {}

    def add(enterprise, status, n):
        rows, live, open_ = counts.get(enterprise, (0, 0, 0))
        counts[enterprise] = (rows + n, live + (n if status != d.WITHDRAWN else 0),
                              open_ + (n if status in d.OPEN_STATUSES else 0))

    for status, enterprise, n in db.session.execute(
            select(Hazard.status, Hazard.enterprise_id, func.count()).where(*own)
            .group_by(Hazard.status, Hazard.enterprise_id)):
        add(enterprise, status, n)
        by_status[status] = by_status.get(status, 0) + n
    for status, enterprise in db.session.execute(
            select(Hazard.status, Hazard.enterprise_id).where(Hazard.found_on > day, *own)):
        add(enterprise, status, -1)
    return {enterprise: (live, open_) for enterprise, (rows, live, open_) in counts.items() if rows}, by_status


def clearing(day: date, enterprise_id: int | None = None) -> Clearing:
    """Which enterprises are cleared to zero on ``day`` (see ``definitions``), as of that day."""
    own = () if enterprise_id is None else (Hazard.enterprise_id == enterprise_id,)
    by_status = None
    if is_current(day):
        counts, by_status = _live_and_open_today(day, own)
    else:
        counts = _live_and_open_as_of(day, own)
    inspected = set(db.session.scalars(inspections_by(
        day, *(() if enterprise_id is None else (Inspection.enterprise_id == enterprise_id,))).distinct()))
    result = Clearing(day, by_status=by_status)
    names = select(Enterprise.id, Enterprise.name).where(enterprise_registered_by(day, set(counts) | inspected))
    if enterprise_id is not None:
        names = names.where(Enterprise.id == enterprise_id)
    for ident, name in db.session.execute(names.order_by(Enterprise.name, Enterprise.id)):
        live, open_ = counts.get(ident, (0, 0))
        if open_:
            result.not_cleared.append((ident, name))
        elif live:
            result.cleared.append((ident, name))
        elif ident in inspected:
            result.inspected_no_hazard.append((ident, name))
        else:
            result.not_inspected.append((ident, name))
    return result


def trend(day: date, months: int = 12, *where) -> list[dict]:
    """Live hazards found, and closed out, in each of the ``months`` park months ending with
    ``day``'s month, as of ``day`` (withdrawn ones never count). ``where``: conditions on Hazard."""
    first = add_months(day.replace(day=1), -(months - 1))
    counts = {f"{add_months(first, i):%Y-%m}": {"found": 0, "closed": 0} for i in range(months)}
    # Found: hazards found in the window (as of the day, live); closed: closed out in the window.
    # Narrowed (one enterprise): that enterprise's index leads, not the day's, which spans the park
    # (coalesce(x, x) is x, in a form no index of x answers).
    found_on, closed_on = Hazard.found_on, Hazard.closed_on
    if where:
        found_on, closed_on = func.coalesce(found_on, found_on), func.coalesce(closed_on, closed_on)
    found_sub = hazards_as_of(day, found_on >= first, *where)
    fc = columns_of(found_sub)
    for found_on, n in db.session.execute(
            select(fc.found_on, func.count()).where(d.live(fc)).group_by(fc.found_on)):
        counts[f"{found_on:%Y-%m}"]["found"] += n
    closed_sub = hazards_as_of(day, closed_on >= first, closed_on <= day, *where)
    cc = columns_of(closed_sub)
    for closed_on, n in db.session.execute(
            select(cc.closed_on, func.count()).where(cc.closed_on.is_not(None)).group_by(cc.closed_on)):
        counts[f"{closed_on:%Y-%m}"]["closed"] += n
    return [{"month": month, **values} for month, values in counts.items()]
