"""Hazards by source (政府检查 / 企业自查 / 包保检查 / 监测报警), as of any park day.

``by_source(day, *where, start=None)`` gives one ``SourceRow`` per source (every source, zeros
included, in ``SOURCES`` order), with the definitions of ``figures.definitions`` (withdrawn
hazards never count):

- found: live hazards found in [start, day] (``start`` None: ever, up to the day);
- closed: live hazards closed out in [start, day];
- open / overdue / major_open: at the end of ``day`` (status, deadline and level as they were).

The source of a hazard never changes after filing, so it is read from the hazards table beside
the as-of reconstruction of ``history.hazards_as_of``. ``where``: conditions on ``Hazard`` (one
enterprise). Used by the dashboard (clickable to the ledger filtered by source), the monthly report
and the API's dashboard.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from ..extensions import db
from ..models import Hazard, HazardLevel, HazardSource
from . import definitions as d
from .aggregates import count_if
from .history import columns_of, current_columns, hazards_as_of, is_current

SOURCES = tuple(s.value for s in HazardSource)


@dataclass
class SourceRow:
    source: str
    found: int = 0
    closed: int = 0
    open: int = 0
    overdue: int = 0
    major_open: int = 0


def by_source(day: date, *where, start: date | None = None) -> list[SourceRow]:
    """The figures of each source as of the end of park ``day`` (see the module's definitions)."""
    if is_current(day) and not where and start is None:
        return _park_today(day)
    if is_current(day):
        # Today: the hazards table itself, read from the covering dashboard index (no self-join).
        c, source = current_columns(), Hazard.source
        base = select().select_from(Hazard).where(func.coalesce(Hazard.found_on, Hazard.found_on) <= day, *where)
    else:
        sub = hazards_as_of(day, *where, name="hazards_by_source")
        c, source = columns_of(sub), Hazard.source
        base = select().select_from(sub.join(Hazard, Hazard.id == sub.c.id))
    live = d.live(c)
    found = and_(live, c.found_on >= start) if start is not None else live
    closed = and_(live, c.closed_on.is_not(None), *(() if start is None else (c.closed_on >= start,)))
    stmt = base.add_columns(source, count_if(found), count_if(closed), count_if(d.is_open(c)),
                            count_if(and_(d.is_open(c), d.overdue(c, day))),
                            count_if(and_(d.is_open(c), c.level == HazardLevel.MAJOR.value))).group_by(source)
    rows = {s: SourceRow(s) for s in SOURCES}
    for source, *n in db.session.execute(stmt):
        rows.setdefault(source, SourceRow(source))
        row = rows[source]
        row.found, row.closed, row.open, row.overdue, row.major_open = (int(x) for x in n)
    return list(rows.values())


def _park_today(day: date) -> list[SourceRow]:
    """``by_source`` of the whole park today, read from ``ix_hazards_source`` (source, status, level,
    deadline, submitted_at, found_on, closed_on): found and closed are plain counts per (source, status)
    in index order, with no expression per row; open, overdue and major only visit the open statuses
    (an index range per source); hazards found after ``day`` (none, normally) are taken off again. The
    same figures as the general query, which evaluates every condition on all 200,000 rows."""
    c, source = current_columns(), Hazard.source
    rows = {s: SourceRow(s) for s in SOURCES}

    def row(name):
        return rows.setdefault(name, SourceRow(name))

    def add(name, status, n, with_closed_on, sign=1):
        if status != d.WITHDRAWN:  # d.live
            row(name).found += sign * n
            row(name).closed += sign * with_closed_on

    for name, status, n, with_closed_on in db.session.execute(
            select(source, Hazard.status, func.count(), func.count(Hazard.closed_on)).group_by(source, Hazard.status)):
        add(name, status, n, with_closed_on)
    for name, status, closed_on in db.session.execute(  # a range of ix_hazards_found_on
            select(source, Hazard.status, Hazard.closed_on).where(Hazard.found_on > day)):
        add(name, status, 1, int(closed_on is not None), sign=-1)
    stmt = (select(source, func.count(), count_if(d.overdue(c, day)), count_if(c.level == HazardLevel.MAJOR.value))
            .where(d.is_open(c), func.coalesce(Hazard.found_on, Hazard.found_on) <= day)  # not the found_on index
            .group_by(source, Hazard.status))
    for name, n, overdue, major in db.session.execute(stmt):
        row(name).open += n
        row(name).overdue += int(overdue)
        row(name).major_open += int(major)
    return list(rows.values())
