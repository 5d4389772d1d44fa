"""Data of the major-hazard regime for the documents: the month's new major hazards (with
their basis), the suspensions counted in a month, and the major-hazard report records
exported for upward reporting. Reads only; the builders take the plain rows."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from .. import labels
from ..basis import describe_basis
from ..extensions import db
from ..major_regime import SUPERVISION_LEVEL_ZH, SUSPENSION_KIND_ZH
from ..models import Enterprise, Hazard, HazardStatus, MajorHazardReport, Suspension
from .major_report import MajorReportItem
from .monthly import NewMajorRow
from .text import cn_date

WITHDRAWN = HazardStatus.WITHDRAWN.value


def _reports(start: date | None, end: date | None, enterprise: Enterprise | None, limit: int | None = None):
    stmt = (select(MajorHazardReport).join(Hazard, Hazard.id == MajorHazardReport.hazard_id)
            .where(Hazard.status != WITHDRAWN)
            .options(joinedload(MajorHazardReport.hazard).joinedload(Hazard.enterprise),
                     joinedload(MajorHazardReport.hazard).joinedload(Hazard.found_by),
                     joinedload(MajorHazardReport.hazard).joinedload(Hazard.plan),
                     joinedload(MajorHazardReport.hazard).joinedload(Hazard.supervision),
                     joinedload(MajorHazardReport.hazard).selectinload(Hazard.suspensions))
            .order_by(MajorHazardReport.reported_on, Hazard.code))
    if start is not None:
        stmt = stmt.where(MajorHazardReport.reported_on.between(start, end))
    if enterprise is not None:
        stmt = stmt.where(MajorHazardReport.enterprise_id == enterprise.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return db.session.scalars(stmt).unique().all()


def new_major_rows(start: date, end: date, enterprise: Enterprise | None, limit: int) -> list[NewMajorRow]:
    """Hazards that became major in [start, end] (not withdrawn), with their basis."""
    return [NewMajorRow(r.hazard.code, r.hazard.enterprise.name, r.hazard.title, r.hazard.found_on,
                        describe_basis(r.hazard))
            for r in _reports(start, end, enterprise, limit)]


def suspension_counts(start: date, end: date, enterprise: Enterprise | None) -> tuple[int, int]:
    """(in force on some day of [start, end], of which begun in it), hazards not withdrawn."""
    in_force = and_(Suspension.starts_on <= end, or_(Suspension.ends_on.is_(None), Suspension.ends_on >= start))
    started = case((Suspension.starts_on.between(start, end), 1), else_=0)
    stmt = (select(func.count(), func.coalesce(func.sum(started), 0))
            .select_from(Suspension).join(Hazard, Hazard.id == Suspension.hazard_id)
            .where(in_force, Hazard.status != WITHDRAWN))
    if enterprise is not None:
        stmt = stmt.where(Hazard.enterprise_id == enterprise.id)
    total, started = db.session.execute(stmt).one()
    return int(total), int(started)


def _plan_status(hazard) -> str:
    if hazard.plan is None:
        return "未制定"
    return "已制定（六项要素齐全）" if hazard.plan.is_complete else "已制定，要素不全"


def _supervision(hazard) -> str:
    s = hazard.supervision
    if s is None:
        return "未挂牌"
    text = (f"{SUPERVISION_LEVEL_ZH.get(s.level, s.level)}挂牌督办；{s.authority}；文号 {s.document_no}；"
            f"{cn_date(s.listed_on)}挂牌，要求{cn_date(s.required_by)}前完成")
    if s.lifted_on:
        text += f"；{cn_date(s.lifted_on)}摘牌（{s.lift_document_no}）"
    return text


def _suspensions(hazard) -> str:
    if not hazard.suspensions:
        return "无"
    return "；".join(
        f"{SUSPENSION_KIND_ZH.get(p.kind, p.kind)}：{p.area}，{cn_date(p.starts_on)}至"
        f"{cn_date(p.ends_on) if p.ends_on else '未定'}" for p in hazard.suspensions)


def report_items(start: date | None = None, end: date | None = None) -> list[MajorReportItem]:
    """The major-hazard report records (of hazards not withdrawn) that became major in [start, end]."""
    items = []
    for r in _reports(start, end, None):
        h = r.hazard
        items.append(MajorReportItem(
            code=h.code, enterprise_name=h.enterprise.name, title=h.title, location=h.location,
            description=h.description, found_on=h.found_on, found_by=h.found_by.name if h.found_by else "",
            reported_on=r.reported_on, source="立案即为重大事故隐患" if r.source == "filed" else "由一般事故隐患调整为重大",
            basis=describe_basis(h), status=labels.STATUS_ZH.get(h.status, h.status), deadline=h.deadline,
            plan=_plan_status(h), supervision=_supervision(h), suspension=_suspensions(h)))
    return items
