"""月度安全生产报告 — the monthly safety report for the park or one enterprise (regulations §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer, Table, TableStyle

from safety_app import charts

from .atomic import WrittenFile
from .fonts import register_cjk_font
from .layout import Styles, closing, data_table, frame_width, grid_style, make_styles, para, splittable_table, write_pdf
from .text import cn_date, cn_month, parse_month, percent, ratio

TITLE = "月度安全生产报告"
LEVEL_LABELS = {"general": "一般事故隐患", "major": "重大事故隐患"}
NONE_TEXT = "无。"


class OverdueRow(NamedTuple):
    """An overdue hazard: still open after its deadline."""

    code: str
    enterprise_name: str
    title: str
    deadline: date
    days_overdue: int


class ClearingRow(NamedTuple):
    """One enterprise's progress towards clearing its hazards to zero (清零)."""

    enterprise_name: str
    found: int
    closed: int
    open: int
    overdue: int
    cleared: bool  # had live hazards, none open
    inspected: bool = True  # False: 尚未检查 (no inspection, no hazard), listed apart, never cleared


class MajorHazardRow(NamedTuple):
    """A major hazard and where it stands."""

    code: str
    enterprise_name: str
    title: str
    status_label: str
    deadline: date


class NewMajorRow(NamedTuple):
    """A hazard that became major in the month (its 重大事故隐患报告), with its basis."""

    code: str
    enterprise_name: str
    title: str
    found_on: date
    basis: str


class Trend(NamedTuple):
    """Hazards found and closed per month, oldest first (``months`` as 'YYYY-MM')."""

    months: list[str]
    found: list[int]
    closed: list[int]


@dataclass
class MonthlyReportData:
    """The figures of one month for the park or for one enterprise.

    ``rectification_rate`` is the share (0..1) of the month's hazards that are
    closed out (as the dashboard counts it), None when nothing was found; ``found_by_level`` is keyed 'general'/'major';
    ``found_by_category`` is (label, count) in display order. Row lists are
    printed in the order given.
    """

    period: str
    scope_name: str
    office_name: str
    generated_on: date
    inspections_done: int
    found_total: int
    found_by_level: dict[str, int]
    found_by_category: list[tuple[str, int]]
    closed_in_month: int
    open_total: int
    overdue_total: int
    rectification_rate: float | None
    overdue_list: list[OverdueRow] = field(default_factory=list)
    clearing: list[ClearingRow] = field(default_factory=list)
    major_hazards: list[MajorHazardRow] = field(default_factory=list)
    new_major: list[NewMajorRow] = field(default_factory=list)  # became major in the month
    suspensions_in_month: int = 0   # 停产停业 in force on some day of the month
    suspensions_started: int = 0    # of which begun in the month
    trend: Trend = field(default_factory=lambda: Trend([], [], []))
    remarks: list[str] = field(default_factory=list)
    as_of: date | None = None  # the day the figures are as of (the month's last day once it has ended)
    closed: bool = True  # the month had ended: False prints "截至 …"
    backlog_total: int = 0  # 待复查超期: waiting on the office more than backlog_days
    backlog_days: int = 5
    rectification: object = None  # figures.definitions.Rate: numerator, denominator, definition
    # By source (figures.sources): (Chinese label, found in the month, closed in the month, open at the as-of day)
    by_source: list = field(default_factory=list)

    def __post_init__(self) -> None:
        parse_month(self.period)
        self.overdue_list = [OverdueRow(*r) for r in self.overdue_list]
        self.clearing = [ClearingRow(*r) for r in self.clearing]
        self.major_hazards = [MajorHazardRow(*r) for r in self.major_hazards]
        self.new_major = [NewMajorRow(*r) for r in self.new_major]
        self.trend = Trend(*self.trend)


def build_monthly_report(data: MonthlyReportData, path: str | Path, *,
                         font_path: str | None = None, overwrite: bool = False) -> WrittenFile:
    """Write the monthly report PDF atomically to ``path``; return sha256 and size."""
    font = register_cjk_font(font_path)
    st = make_styles(font)
    title = f"{data.scope_name}{cn_month(data.period)}{TITLE}"
    return write_pdf(path, monthly_story(data, st), font=font, title=title,
                     author=data.office_name, subject=data.period, overwrite=overwrite)


def monthly_story(data: MonthlyReportData, st: Styles) -> list:
    """The report as platypus flowables, section by section."""
    width = frame_width()
    story = [
        para(data.office_name, st.office),
        para(TITLE, st.title),
        para(f"{data.scope_name}　{cn_month(data.period)}", st.number),
        *([] if data.closed or data.as_of is None else [para(f"截至{cn_date(data.as_of)}", st.number)]),
        para(f"编制日期：{cn_date(data.generated_on)}", st.right),
        para("一、总体情况", st.heading),
        para(_summary_sentence(data), st.body_indent),
        _figures_table(data, st),
    ]
    story += _section("二、隐患分类统计", [
        charts.category_chart([label for label, _ in data.found_by_category],
                              [count for _, count in data.found_by_category],
                              width=width, font_name=st.font),
    ], st)
    story += _section("三、近12个月隐患发现与销号趋势", [
        charts.trend_chart(data.trend.months, data.trend.found, data.trend.closed,
                           width=width, height=190, font_name=st.font),
    ], st)
    story += [para("四、“清零”进度", st.heading)] + _clearing(data, st, width)
    story += [para("五、重大事故隐患", st.heading)] + _major(data, st, width)
    story += [para("六、逾期未整改隐患清单", st.heading)] + _overdue(data, st, width)
    if data.remarks:
        story.append(para("七、其他情况", st.heading))
        story += [para(text, st.body_indent) for text in data.remarks]
    story += _sign_off(data, st)
    return story


def _section(heading: str, flowables: list, st: Styles) -> list:
    # Keep a chart with its heading rather than leaving the heading alone at a page foot.
    return [CondPageBreak(60 * mm), KeepTogether([para(heading, st.heading), *flowables])]


def _summary_sentence(data: MonthlyReportData) -> str:
    general = data.found_by_level.get("general", 0)
    major = data.found_by_level.get("major", 0)
    return (
        f"{cn_month(data.period)}，共开展隐患排查检查 {data.inspections_done} 次，发现事故隐患 "
        f"{data.found_total} 项，其中一般事故隐患 {general} 项、重大事故隐患 {major} 项；"
        f"销号 {data.closed_in_month} 项，整改率 {percent(_rate(data))}。{_as_of_words(data)}，"
        f"尚有 {data.open_total} 项隐患未销号，其中逾期 {data.overdue_total} 项；"
        f"企业已提交、等待复查或验收超过{data.backlog_days}天的 {data.backlog_total} 项。"
    )


def _as_of_words(data: MonthlyReportData) -> str:
    return "截至本月末" if data.closed or data.as_of is None else f"截至{cn_date(data.as_of)}"


def _rate_text(data: MonthlyReportData) -> str:
    rate = data.rectification
    if rate is None or not rate.denominator:
        return percent(_rate(data))
    return f"{percent(_rate(data))}（{rate.numerator}/{rate.denominator}）"


def _rate(data: MonthlyReportData) -> float | None:
    return None if data.found_total == 0 else data.rectification_rate


def _figures_table(data: MonthlyReportData, st: Styles) -> Table:
    levels = "，".join(f"{LEVEL_LABELS.get(k, k)} {v} 项" for k, v in data.found_by_level.items())
    pairs = [
        ("本月检查次数", f"{data.inspections_done} 次"),
        ("本月发现隐患", f"{data.found_total} 项" + (f"（{levels}）" if levels else "")),
        ("本月销号", f"{data.closed_in_month} 项"),
        ("整改率", _rate_text(data)),
        ("未销号隐患", f"{data.open_total} 项"),
        ("其中逾期", f"{data.overdue_total} 项"),
        (f"待复查超期（超过{data.backlog_days}天）", f"{data.backlog_total} 项"),
    ]
    if data.by_source:
        pairs.append(("按隐患来源（本月发现/本月销号/未销号）",
                      "；".join(f"{label} {found}/{closed}/{open_} 项" for label, found, closed, open_ in data.by_source)))
    rows = [[para(label, st.cell), para(value, st.cell)] for label, value in pairs]
    table = splittable_table(rows, long=False, colWidths=[45 * mm, frame_width() - 45 * mm])
    table.setStyle(TableStyle(grid_style(st.font, header_rows=0, stripes=False)
                              + [("BACKGROUND", (0, 0), (0, -1), "#E8EEF5")]))
    return table


def _clearing(data: MonthlyReportData, st: Styles, width: float) -> list:
    if not data.clearing:
        return [para(NONE_TEXT, st.body_indent)]
    cleared = sum(1 for r in data.clearing if r.cleared)
    total = sum(1 for r in data.clearing if r.found)  # enterprises with hazards: the rate's denominator
    no_hazard = sum(1 for r in data.clearing if r.inspected and not r.found)
    never = [r.enterprise_name for r in data.clearing if not r.inspected]
    intro = para(f"有隐患的企业 {total} 家，已实现隐患“清零” {cleared} 家，"
                 f"清零率 {percent(ratio(cleared, total))}（{cleared}/{total}）；未清零 {total - cleared} 家；"
                 f"已检查未发现隐患 {no_hazard} 家；尚未检查 {len(never)} 家（不计为“清零”）。", st.body_indent)
    widths = [12 * mm, None, 14 * mm, 14 * mm, 14 * mm, 14 * mm, 17 * mm, 16 * mm]
    widths[1] = width - sum(w for w in widths if w)
    rows = [
        [n, r.enterprise_name, r.found, r.closed, r.open, r.overdue,
         percent(ratio(r.closed, r.found)), _clearing_label(r)]
        for n, r in enumerate(data.clearing, 1)
    ]
    header = ["序号", "企业名称", "发现", "销号", "未销号", "逾期", "整改率", "清零"]
    return [intro, data_table(header, rows, widths, st, wrap=(1,), center=(0, 2, 3, 4, 5, 6, 7))]


def _clearing_label(row: ClearingRow) -> str:
    if not row.inspected:
        return "尚未检查"
    if not row.found:
        return "未发现隐患"
    return "已清零" if row.cleared else "未清零"


def _new_major(data: MonthlyReportData, st: Styles, width: float) -> list:
    """The month's new major hazards with their basis, and the suspensions of production."""
    out = [para(f"本月新增重大事故隐患 {len(data.new_major)} 项；停产停业（含设备设施停止使用）"
                f"{data.suspensions_in_month} 起，其中本月开始 {data.suspensions_started} 起。", st.body_indent)]
    if data.new_major:
        widths = [10 * mm, 27.5 * mm, 30 * mm, 36 * mm, 22 * mm, None]
        widths[5] = width - sum(w for w in widths if w)
        rows = [[n, r.code, r.enterprise_name, r.title, cn_date(r.found_on), r.basis or "—"]
                for n, r in enumerate(data.new_major, 1)]
        header = ["序号", "隐患编号", "企业名称", "隐患", "发现日期", "判定依据"]
        out.append(data_table(header, rows, widths, st, wrap=(2, 3, 4, 5), center=(0,)))
        out.append(Spacer(1, 3 * mm))
    return out


def _major(data: MonthlyReportData, st: Styles, width: float) -> list:
    out = _new_major(data, st, width)
    if not data.major_hazards:
        return out + [para(NONE_TEXT, st.body_indent)]
    widths = [10 * mm, 27.5 * mm, 38 * mm, None, 18 * mm, 27.5 * mm]
    widths[3] = width - sum(w for w in widths if w)
    rows = [[n, r.code, r.enterprise_name, r.title, r.status_label, cn_date(r.deadline)]
            for n, r in enumerate(data.major_hazards, 1)]
    header = ["序号", "隐患编号", "企业名称", "隐患", "状态", "整改期限"]
    return out + [para("未销号或本月销号的重大事故隐患：", st.body_indent),
                  data_table(header, rows, widths, st, wrap=(2, 3, 4), center=(0,))]


def _overdue(data: MonthlyReportData, st: Styles, width: float) -> list:
    if not data.overdue_list:
        return [para(NONE_TEXT, st.body_indent)]
    widths = [11 * mm, 27.5 * mm, 38 * mm, None, 27.5 * mm, 15 * mm]
    widths[3] = width - sum(w for w in widths if w)
    rows = [[n, r.code, r.enterprise_name, r.title, cn_date(r.deadline), r.days_overdue]
            for n, r in enumerate(data.overdue_list, 1)]
    header = ["序号", "隐患编号", "企业名称", "隐患", "整改期限", "逾期天数"]
    return [data_table(header, rows, widths, st, wrap=(2, 3), center=(0, 5))]


def _sign_off(data: MonthlyReportData, st: Styles) -> list:
    return closing([KeepTogether([
        Spacer(1, 10 * mm),
        para("编制：______________　　审核：______________　　签发：______________", st.body),
        Spacer(1, 6 * mm),
        para(data.office_name, st.right),
        para("（印章）", st.right),
        para(cn_date(data.generated_on), st.right),
    ])])
