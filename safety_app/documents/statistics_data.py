"""The data of the 隐患排查治理情况统计表 (quarterly and annual, reference §8.3).

Plain dataclasses: ``figures`` fills them (as of the period's end, from the
event history), ``documents/statistics.py`` prints them. One row per
enterprise plus the totals; each figure group is given for the period and for
the year to date, which carries the hazards found in earlier years and still
open on 1 January.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Counts:
    """One column group of the table for one row, over one span (period or year to date)."""

    carried_over_general: int = 0  # general hazards found before the span and open at its start
    general_found: int = 0  # general hazards found in the span
    general_rectified: int = 0  # of carried + found, closed out by the span's end
    carried_over_major: int = 0
    major_found: int = 0
    major_closed: int = 0  # rectified and accepted (销号) by the span's end
    major_open: int = 0  # majors not yet closed at the span's end
    major_open_in_plan: int = 0  # of those, with a governance plan
    # 五落实 among the open majors in a plan: how many have each element filled in.
    plan_targets: int = 0  # 目标任务
    plan_funds: int = 0  # 经费物资
    plan_people: int = 0  # 机构人员
    plan_time: int = 0  # 治理时间
    plan_measures: int = 0  # 安全措施和应急预案
    listed_supervision: int = 0  # majors under 挂牌督办 at any time in the span
    listed_lifted: int = 0  # of those, 摘牌 by the span's end
    money_wan: Decimal = Decimal("0")  # money invested in governance in the span, 万元 (measure funds)

    @property
    def general_rate(self) -> Decimal | None:
        total = self.carried_over_general + self.general_found
        return None if total == 0 else Decimal(self.general_rectified * 100) / total

    @property
    def major_rate(self) -> Decimal | None:
        total = self.carried_over_major + self.major_found
        return None if total == 0 else Decimal(self.major_closed * 100) / total


@dataclass(frozen=True)
class Row:
    name: str  # enterprise name, or "合计"
    credit_code: str  # "" for the totals
    inspected: bool  # the enterprise had at least one inspection or hazard in the span
    period: Counts
    year_to_date: Counts


@dataclass(frozen=True)
class StatisticsTable:
    kind: str  # "quarterly" | "annual"
    period: str  # "2026Q4" | "2026"
    start: date
    end: date
    as_of: date  # = end for a closed period; the build day for the current one ("截至 …")
    closed: bool  # the period had ended when it was built
    office_name: str
    enterprise_name: str | None  # None: the park table; otherwise the enterprise's own version
    enterprises_in_scope: int  # 排查单位数's denominator: enterprises registered by as_of
    enterprises_inspected: int  # 排查单位数
    enterprises_inspected_ytd: int = 0  # 排查单位数 over the year to date
    rows: list[Row] = field(default_factory=list)
    totals: Row | None = None
    signed_by: str = ""  # the enterprise version: its principal (主要负责人)
    # Hazards found in the period by source (figures.sources): [(Chinese label, found)]; printed as a note,
    # the form itself has no column for it.
    by_source: list = field(default_factory=list)
