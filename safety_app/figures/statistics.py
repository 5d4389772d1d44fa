"""The data of the 隐患排查治理情况统计表 (quarterly and annual, regulations §8.3).

``statistics_table(kind, period, enterprise=None, as_of=None)`` fills the dataclasses of
``documents/statistics_data.py``: one row per enterprise (or the enterprise's own row)
and the totals, each for the period and for the year to date, all as of the period's
end (or ``as_of``, today while the period runs) from the event history, with the
definitions of ``figures.definitions`` (withdrawn hazards never count).

For a span [start, end] (the period, or 1 January to the period's end):

- carried over: hazards found before ``start``, live and open at the end of the day
  before it (their level then); found: ``found_on`` in the span (level at the end);
- rectified (general) / closed (major, 验收销号): of carried + found, closed out by the end;
- major open: majors (level at the end) not closed at the end; "in a plan": with a
  governance plan recorded by then; 五落实: how many of those have each of the five
  elements filled (目标任务 goal, 经费物资 funds_materials, 机构人员 organisation,
  治理时间 timeline, 安全措施和应急预案 safety_emergency — ``methods`` is not one of them),
  read from the last plan event by then (its ``filled`` list; older events that only say
  ``complete`` count all five when complete; without one, the plan as it is now);
- 挂牌督办: majors listed (record made by the end, ``listed_on`` by the end) and not
  lifted before the span began; lifted: 摘牌 by the end (its event recorded by then);
- money: the funds of the measures done in the span (``done_on``), live hazards,
  yuan → 万元 (exact);
- 排查单位数: enterprises with an inspection or a hazard found in the span (as of the end).
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import fields
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from .. import settings
from ..clock import today
from ..documents.errors import DocumentError
from ..documents.statistics_data import Counts, Row, StatisticsTable
from ..documents.text import parse_quarter
from ..extensions import db
from ..labels import SOURCE_ZH
from ..models import Enterprise, Event, GovernancePlan, Hazard, HazardLevel, Inspection, Measure, Supervision
from . import definitions as d
from .aggregates import count_if
from .history import columns_of, end_of_day_utc, enterprise_registered_by, hazards_as_of
from .sources import by_source

KINDS = ("quarterly", "annual")
GENERAL, MAJOR = HazardLevel.GENERAL.value, HazardLevel.MAJOR.value
# The five 落实 columns and the plan element behind each (GovernancePlan.ELEMENTS minus ``methods``).
FIVE = (("plan_targets", "goal"), ("plan_funds", "funds_materials"), ("plan_people", "organisation"),
        ("plan_time", "timeline"), ("plan_measures", "safety_emergency"))
WAN = Decimal(10000)
TOTAL_NAME = "合计"


def period_span(kind: str, period: str) -> tuple[date, date]:
    """(first day, last day) of ``period``: '2026Q4' (quarterly) or '2026' (annual)."""
    if kind == "quarterly":
        try:
            year, quarter = parse_quarter(period)
        except ValueError:
            raise DocumentError(_l("Give the quarter as YYYYQn, e.g. 2026Q3.")) from None
        start = date(year, quarter * 3 - 2, 1)
        return start, date(year, quarter * 3, calendar.monthrange(year, quarter * 3)[1])
    if kind == "annual":
        if not (isinstance(period, str) and period.isascii() and period.isdigit() and len(period) == 4):
            raise DocumentError(_l("Give the year as YYYY, e.g. 2026."))
        year = int(period)
        return date(year, 1, 1), date(year, 12, 31)
    raise DocumentError(_l("Unknown kind of statistics table."))


def statistics_table(kind: str, period: str, enterprise: Enterprise | None = None, *,
                     as_of: date | None = None) -> StatisticsTable:
    """The statistics table of ``period`` for the park (``enterprise`` None) or one enterprise."""
    start, end = period_span(kind, period)
    now = today()
    if start > now:
        raise DocumentError(_l("This period has not begun yet."))
    as_of = min(end, as_of or now, now)
    if as_of < start:
        raise DocumentError(_l("This period has not begun yet."))
    own = None if enterprise is None else enterprise.id
    period_counts, period_inspected = _span(start, as_of, own)
    if kind == "annual" or start.month == 1:
        ytd_counts, ytd_inspected = period_counts, period_inspected
    else:
        ytd_counts, ytd_inspected = _span(date(end.year, 1, 1), as_of, own)
    known = set(period_counts) | set(ytd_counts) | ytd_inspected
    names = select(Enterprise.id, Enterprise.name, Enterprise.credit_code).where(
        enterprise_registered_by(as_of, known))
    if own is not None:
        names = names.where(Enterprise.id == own)
    rows = [Row(name=name, credit_code=code, inspected=ident in period_inspected,
                period=period_counts.get(ident, Counts()), year_to_date=ytd_counts.get(ident, Counts()))
            for ident, name, code in db.session.execute(names.order_by(Enterprise.name, Enterprise.id))]
    totals = Row(name=TOTAL_NAME, credit_code="", inspected=bool(period_inspected),
                 period=_sum(r.period for r in rows), year_to_date=_sum(r.year_to_date for r in rows))
    return StatisticsTable(
        kind=kind, period=period, start=start, end=end, as_of=as_of, closed=end < now,
        office_name=settings.get("office_name"), enterprise_name=enterprise.name if enterprise else None,
        enterprises_in_scope=len(rows), enterprises_inspected=sum(1 for r in rows if r.inspected),
        enterprises_inspected_ytd=sum(1 for ident, *_ in db.session.execute(names) if ident in ytd_inspected),
        rows=rows, totals=totals,
        signed_by=(enterprise.legal_representative or "") if enterprise is not None else "",
        by_source=[(SOURCE_ZH.get(r.source, r.source), r.found)
                   for r in by_source(as_of, *(() if own is None else (Hazard.enterprise_id == own,)), start=start)],
    )


def _sum(counts) -> Counts:
    total = {f.name: 0 for f in fields(Counts)}
    total["money_wan"] = Decimal("0")
    for c in counts:
        for f in fields(Counts):
            total[f.name] += getattr(c, f.name)
    return Counts(**total)


def _span(start: date, as_of: date, own: int | None) -> tuple[dict[int, Counts], set[int]]:
    """Per enterprise, the Counts of the span [start, as_of]; and the enterprises inspected in it."""
    where = () if own is None else (Hazard.enterprise_id == own,)
    end_h = hazards_as_of(as_of, *where)
    start_h = hazards_as_of(start - timedelta(days=1), *where, name="hazards_at_start")
    e, s = columns_of(end_h), columns_of(start_h)
    live = d.live(e)
    carried = and_(s.id.is_not(None), d.is_open(s), live)
    found = and_(e.found_on >= start, live)
    carried_g, carried_m = and_(carried, s.level == GENERAL), and_(carried, s.level == MAJOR)
    found_g, found_m = and_(found, e.level == GENERAL), and_(found, e.level == MAJOR)
    closed = e.closed_on.is_not(None)
    stmt = (select(e.enterprise_id, count_if(carried_g), count_if(found_g), count_if((carried_g | found_g) & closed),
                   count_if(carried_m), count_if(found_m), count_if((carried_m | found_m) & closed),
                   count_if(and_(live, d.is_open(e), e.level == MAJOR)))
            .select_from(end_h.outerjoin(start_h, start_h.c.id == end_h.c.id))
            .group_by(e.enterprise_id))
    values = defaultdict(dict)
    for ident, *n in db.session.execute(stmt):
        values[ident].update(zip(("carried_over_general", "general_found", "general_rectified",
                                  "carried_over_major", "major_found", "major_closed", "major_open"),
                                 (int(x) for x in n), strict=True))
    open_majors = dict(db.session.execute(
        select(e.id, e.enterprise_id).where(live, d.is_open(e), e.level == MAJOR)).all())
    for hazard_id, filled in _plans_as_of(list(open_majors), as_of).items():
        row = values[open_majors[hazard_id]]
        row["major_open_in_plan"] = row.get("major_open_in_plan", 0) + 1
        for column, element in FIVE:
            row[column] = row.get(column, 0) + (element in filled)
    live_majors = dict(db.session.execute(select(e.id, e.enterprise_id).where(live, e.level == MAJOR)).all())
    for hazard_id, lifted in _supervision_as_of(list(live_majors), start, as_of):
        row = values[live_majors[hazard_id]]
        row["listed_supervision"] = row.get("listed_supervision", 0) + 1
        row["listed_lifted"] = row.get("listed_lifted", 0) + lifted
    cut = end_of_day_utc(as_of)
    money = select(e.enterprise_id, func.coalesce(func.sum(Measure.funds), 0)).select_from(
        end_h.join(Measure, Measure.hazard_id == e.id)).where(
        live, Measure.done_on.between(start, as_of), Measure.created_at < cut).group_by(e.enterprise_id)
    for ident, yuan in db.session.execute(money):
        values[ident]["money_wan"] = Decimal(yuan or 0) / WAN
    inspected = set(db.session.scalars(select(Inspection.enterprise_id).where(
        Inspection.inspected_on.between(start, as_of), Inspection.created_at < cut,
        *(() if own is None else (Inspection.enterprise_id == own,))).distinct()))
    inspected |= set(db.session.scalars(select(e.enterprise_id).where(found).distinct()))
    return {ident: Counts(**v) for ident, v in values.items()}, inspected


def _plans_as_of(hazard_ids: list[int], as_of: date) -> dict[int, set[str]]:
    """For each hazard with a governance plan recorded by ``as_of``: the elements filled then."""
    if not hazard_ids:
        return {}
    cut = end_of_day_utc(as_of)
    plans = {p.hazard_id: p for p in db.session.scalars(select(GovernancePlan).where(
        GovernancePlan.hazard_id.in_(hazard_ids), GovernancePlan.created_at < cut))}
    last = {}
    for hazard_id, data in db.session.execute(
            select(Event.hazard_id, Event.data).where(Event.hazard_id.in_(list(plans)), Event.action == "plan",
                                                      Event.created_at < cut).order_by(Event.seq)):
        last[hazard_id] = data or {}
    out = {}
    for hazard_id, plan in plans.items():
        data = last.get(hazard_id)
        if data and "filled" in data:
            out[hazard_id] = set(data["filled"])
        elif data and data.get("complete"):
            out[hazard_id] = set(GovernancePlan.ELEMENTS)
        else:  # no event says (older data): the plan as it is now
            out[hazard_id] = {name for name in GovernancePlan.ELEMENTS if (getattr(plan, name) or "").strip()}
    return out


def _supervision_as_of(hazard_ids: list[int], start: date, as_of: date):
    """(hazard id, lifted by ``as_of``) for the hazards under 挂牌督办 at some time in [start, as_of]."""
    if not hazard_ids:
        return []
    cut = end_of_day_utc(as_of)
    lifted_events = set(db.session.scalars(select(Event.hazard_id).where(
        Event.hazard_id.in_(hazard_ids), Event.action == "lift_supervision", Event.created_at < cut)))
    out = []
    for hazard_id, lifted_on in db.session.execute(
            select(Supervision.hazard_id, Supervision.lifted_on).where(
                Supervision.hazard_id.in_(hazard_ids), Supervision.created_at < cut, Supervision.listed_on <= as_of)):
        lifted = lifted_on if (lifted_on is not None and lifted_on <= as_of and hazard_id in lifted_events) else None
        if lifted is None or lifted >= start:
            out.append((hazard_id, lifted is not None))
    return out
