"""全覆盖: which enterprises in a scope were inspected in a period, as of any park day.

- **in scope**: active enterprises registered by the period's end (or by the as-of day, if
  earlier) that match the scope: all, an industry, a zone, an installation level
  (``enterprises.major_hazard_installation``) or an explicit list;
- **inspected** (the shared contract): an inspection with status ``completed`` at the
  enterprise whose ``inspected_on`` lies in the period (up to the as-of day) and that was
  completed by the end of the as-of day; for a plan, of the plan's inspection type when it
  names one; for a campaign, tagged with the campaign;
- **not yet inspected**: in scope, not inspected in the period;
- **never inspected**: in scope, no completed inspection at all by the as-of day;
- **share**: inspected ÷ in scope, a ``definitions.Rate``.

A plan task is **fulfilled** by the same rule over its own period (``task_fulfilled``): it is
derived, never stored. The campaign figures (hazards found, closed, open, overdue, 清零 by
enterprise) are here too, from ``history.hazards_as_of`` and ``definitions``.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, exists, func, or_, select

from ..clock import today
from ..extensions import db
from ..models import Enterprise, Hazard, Inspection, ScopeKind
from ..models.enums import InspectionStatus
from . import definitions as d
from .aggregates import count_if
from .history import columns_of, end_of_day_utc, enterprise_registered_by, hazards_as_of

RATE_COVERAGE = "覆盖率＝期间内已完成检查的范围内企业数÷范围内企业数（截至统计日）"
COMPLETED = InspectionStatus.COMPLETED.value


@dataclass(frozen=True)
class Scope:
    """Which enterprises: ``kind`` (ScopeKind), ``value`` (industry, zone or level), ``ids`` (a list)."""

    kind: str = ScopeKind.ALL.value
    value: str = ""
    ids: tuple = ()

    @classmethod
    def of(cls, row):
        """The scope of a plan or campaign (``scope_kind``, ``scope_value``, ``enterprises``)."""
        ids = tuple(sorted(e.id for e in row.enterprises)) if row.scope_kind == ScopeKind.LIST.value else ()
        return cls(row.scope_kind, row.scope_value or "", ids)


def scope_clause(scope: Scope):
    """SQL over ``Enterprise``: matches the scope."""
    if scope.kind == ScopeKind.INDUSTRY.value:
        return Enterprise.industry == scope.value
    if scope.kind == ScopeKind.ZONE.value:
        return Enterprise.zone == scope.value
    if scope.kind == ScopeKind.LEVEL.value:
        if scope.value == "any":  # any major hazard installation
            return Enterprise.major_hazard_installation != "none"
        return Enterprise.major_hazard_installation == scope.value
    if scope.kind == ScopeKind.LIST.value:
        return Enterprise.id.in_(sorted(scope.ids))
    return Enterprise.id.is_not(None)


def in_scope(scope: Scope, day: date):
    """SQL: (id, name) of the active enterprises of ``scope`` registered by the end of ``day``."""
    return (select(Enterprise.id, Enterprise.name)
            .where(Enterprise.active.is_(True), enterprise_registered_by(day), scope_clause(scope))
            .order_by(Enterprise.name, Enterprise.id))


def completed_by(as_of: date):
    """SQL over ``Inspection``: completed by the end of park day ``as_of``."""
    return and_(Inspection.status == COMPLETED,
                func.coalesce(Inspection.completed_at, Inspection.created_at) < end_of_day_utc(as_of))


def inspected_conditions(start: date, end: date, as_of: date, *, inspection_type=None, campaign_id=None):
    """SQL conditions over ``Inspection``: an inspection that counts for [start, end] as of ``as_of``."""
    where = [completed_by(as_of), Inspection.inspected_on >= start, Inspection.inspected_on <= min(end, as_of)]
    if inspection_type:
        where.append(Inspection.inspection_type == inspection_type)
    if campaign_id is not None:
        where.append(Inspection.campaign_id == campaign_id)
    return where


def inspected(start: date, end: date, as_of: date, *, inspection_type=None, campaign_id=None):
    """SQL: ids of the enterprises inspected in [start, end] (see the module), as of ``as_of``."""
    return select(Inspection.enterprise_id).where(*inspected_conditions(
        start, end, as_of, inspection_type=inspection_type, campaign_id=campaign_id)).distinct()


def _having_inspection(ids, *where):
    """Those of the enterprises ``ids`` with an inspection meeting ``where``: one EXISTS per enterprise
    along its inspections (index on enterprise, status, day), which stops at the first match, instead
    of every completed inspection of the park made distinct."""
    if not ids:
        return set()
    return set(db.session.scalars(select(Enterprise.id).where(Enterprise.id.in_(ids), exists(
        select(Inspection.id).where(Inspection.enterprise_id == Enterprise.id, *where)))))


def task_fulfilled(task, plan, as_of: date | None = None):
    """SQL (correlated): the plan task (``PlanTask`` columns ``task``, ``InspectionPlan`` ``plan``)
    has a completed inspection of the plan's type at its enterprise within its period."""
    where = [Inspection.enterprise_id == task.enterprise_id, Inspection.status == COMPLETED,
             Inspection.inspected_on >= task.starts_on, Inspection.inspected_on <= task.due_on,
             or_(plan.inspection_type.is_(None), Inspection.inspection_type == plan.inspection_type)]
    if as_of is not None:
        where.append(completed_by(as_of))
    return exists(select(Inspection.id).where(*where))


@dataclass
class Coverage:
    start: date
    end: date
    as_of: date
    in_scope: list = field(default_factory=list)          # [(id, name)]
    inspected: list = field(default_factory=list)
    not_inspected: list = field(default_factory=list)
    never_inspected: list = field(default_factory=list)

    @property
    def share(self) -> d.Rate:
        return d.rate(len(self.inspected), len(self.in_scope), RATE_COVERAGE)

    def group(self, name):
        return {"in_scope": self.in_scope, "inspected": self.inspected, "not_inspected": self.not_inspected,
                "never_inspected": self.never_inspected}[name]


GROUPS = ("in_scope", "inspected", "not_inspected", "never_inspected")


def coverage(start: date, end: date, scope: Scope = Scope(), *, as_of: date | None = None, inspection_type=None,
             campaign_id=None, enterprise_ids=None) -> Coverage:
    """Coverage of ``scope`` (or exactly ``enterprise_ids``: a plan's drawn tasks) in [start, end] as of ``as_of``
    (default today)."""
    as_of = as_of or today()
    day = min(end, as_of)
    if enterprise_ids is not None:
        rows = db.session.execute(select(Enterprise.id, Enterprise.name).where(
            Enterprise.id.in_(sorted(enterprise_ids))).order_by(Enterprise.name, Enterprise.id)).all()
    else:
        rows = db.session.execute(in_scope(scope, day)).all()
    ids = [r.id for r in rows]
    done = _having_inspection(ids, *inspected_conditions(start, end, as_of, inspection_type=inspection_type,
                                                          campaign_id=campaign_id))
    ever = _having_inspection(ids, completed_by(as_of), Inspection.inspected_on <= as_of)
    result = Coverage(start, end, as_of, in_scope=[(r.id, r.name) for r in rows])
    for ident, name in result.in_scope:
        (result.inspected if ident in done else result.not_inspected).append((ident, name))
        if ident not in ever:
            result.never_inspected.append((ident, name))
    return result


def plan_coverage(plan, period, as_of: date | None = None) -> Coverage:
    """A plan's coverage in ``period`` (``plans.Period``): its tasks' enterprises when the period has tasks
    (a draw covers only the drawn ones), else its scope; of the plan's inspection type."""
    from ..models import PlanTask

    ids = set(db.session.scalars(select(PlanTask.enterprise_id).where(
        PlanTask.plan_id == plan.id, PlanTask.period_key == period.key)))
    return coverage(period.starts_on, period.due_on, Scope.of(plan), as_of=as_of,
                    inspection_type=plan.inspection_type, enterprise_ids=ids or None)


# --------------------------------------------------------------------------- campaigns


@dataclass
class CampaignFigures:
    coverage: Coverage
    found: int = 0
    closed: int = 0
    open: int = 0
    overdue: int = 0
    by_enterprise: list = field(default_factory=list)  # [dict(id, name, inspected, found, open, closed, state)]

    @property
    def cleared(self):
        return [row for row in self.by_enterprise if row["state"] == "cleared"]


def campaign_hazards(campaign, as_of: date):
    """The campaign's hazards as of ``as_of`` (an as-of subquery; withdrawn ones filtered by the caller)."""
    return hazards_as_of(as_of, Hazard.campaign_id == campaign.id, name="campaign_hazards")


HAZARD_GROUPS = ("found", "closed", "open", "overdue")


def hazard_condition(c, which: str, as_of: date):
    return {"found": d.live(c), "closed": c.status == d.CLOSED, "open": d.is_open(c),
            "overdue": d.overdue(c, as_of)}[which]


def campaign_figures(campaign, as_of: date | None = None) -> CampaignFigures:
    """Coverage (tagged completed inspections in the campaign's period) and the tagged hazards' figures."""
    as_of = as_of or today()
    cov = coverage(campaign.starts_on, campaign.ends_on, Scope.of(campaign), as_of=as_of, campaign_id=campaign.id)
    h = campaign_hazards(campaign, as_of)
    c = columns_of(h)
    totals = db.session.execute(select(
        count_if(d.live(c)), count_if(c.status == d.CLOSED), count_if(d.is_open(c)),
        count_if(d.overdue(c, as_of)))).one()
    per = {row.enterprise_id: row for row in db.session.execute(
        select(c.enterprise_id, count_if(d.live(c)).label("found"), count_if(d.is_open(c)).label("open"),
               count_if(c.status == d.CLOSED).label("closed")).group_by(c.enterprise_id))}
    inspected_ids = {i for i, _ in cov.inspected}
    names = dict(cov.in_scope)
    extra = set(per) - set(names)  # tagged hazards of an enterprise outside the scope still count
    if extra:
        names.update(db.session.execute(select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(extra))).all())
    rows = []
    for ident, name in sorted(names.items(), key=lambda kv: (kv[1], kv[0])):
        p = per.get(ident)
        found, open_, closed = (int(p.found), int(p.open), int(p.closed)) if p else (0, 0, 0)
        state = ("not_cleared" if open_ else "cleared" if found else
                 "inspected_no_hazard" if ident in inspected_ids else "not_inspected")
        rows.append({"id": ident, "name": name, "inspected": ident in inspected_ids, "found": found,
                     "open": open_, "closed": closed, "state": state})
    return CampaignFigures(cov, *(int(v) for v in totals), by_enterprise=rows)


def campaign_hazard_ids(campaign, which: str, as_of: date | None = None, enterprise_id=None):
    """Ids of the campaign's hazards in group ``which`` (found, closed, open, overdue) as of ``as_of``."""
    as_of = as_of or today()
    h = campaign_hazards(campaign, as_of)
    c = columns_of(h)
    stmt = select(c.id).where(hazard_condition(c, which, as_of))
    if enterprise_id is not None:
        stmt = stmt.where(c.enterprise_id == enterprise_id)
    return list(db.session.scalars(stmt.order_by(c.id)))
