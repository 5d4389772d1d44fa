"""重大事故隐患报告 — the major-hazard report for upward reporting: one block per new major
hazard (what, where, found when and by whom, basis, plan, supervision, suspension)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from .atomic import WrittenFile
from .fonts import register_cjk_font
from .layout import HEADER_BG, Styles, frame_width, grid_style, make_styles, para, write_pdf
from .text import cn_date

TITLE = "重大事故隐患报告"
FIELDS = (
    ("code", "隐患编号"), ("enterprise_name", "企业名称"), ("title", "隐患名称"), ("location", "隐患部位"),
    ("description", "隐患描述"), ("found_on", "发现日期"), ("found_by", "发现人"), ("reported_on", "登记日期"),
    ("source", "来源"), ("basis", "判定依据"), ("status", "当前状态"), ("deadline", "整改期限"),
    ("plan", "治理方案"), ("supervision", "挂牌督办"), ("suspension", "停产停业"),
)


@dataclass
class MajorReportItem:
    code: str
    enterprise_name: str
    title: str
    location: str
    description: str
    found_on: date
    found_by: str
    reported_on: date
    source: str
    basis: str
    status: str
    deadline: date
    plan: str
    supervision: str
    suspension: str

    def cells(self) -> list[tuple[str, str]]:
        """(label, text) in print order; dates in Chinese, empty text as a dash."""
        out = []
        for name, label in FIELDS:
            value = getattr(self, name)
            out.append((label, cn_date(value) if isinstance(value, date) else (value or "—")))
        return out


@dataclass
class MajorReportData:
    office_name: str
    period_label: str  # e.g. "2026年10月" or "全部"
    generated_on: date
    items: list[MajorReportItem]


def build_major_report(data: MajorReportData, path: str | Path, *, font_path: str | None = None,
                       overwrite: bool = False) -> WrittenFile:
    """Write the major-hazard report PDF atomically to ``path``."""
    font = register_cjk_font(font_path)
    st = make_styles(font)
    return write_pdf(path, story(data, st), font=font, title=TITLE, author=data.office_name,
                     subject=data.period_label, overwrite=overwrite)


def story(data: MajorReportData, st: Styles) -> list:
    out = [para(data.office_name, st.office), para(TITLE, st.title),
           para(f"{data.period_label}　共 {len(data.items)} 项", st.number),
           para(f"编制日期：{cn_date(data.generated_on)}", st.right)]
    if not data.items:
        out.append(para("无。", st.body_indent))
    width = frame_width()
    for n, item in enumerate(data.items, 1):
        rows = [[para(label, st.cell), para(text, st.cell)] for label, text in item.cells()]
        table = Table(rows, colWidths=[28 * mm, width - 28 * mm])
        table.setStyle(TableStyle(grid_style(st.font, stripes=False) + [
            ("BACKGROUND", (1, 0), (1, 0), colors.white), ("BACKGROUND", (0, 0), (0, -1), HEADER_BG),
            ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        out.append(KeepTogether([para(f"{n}. {item.code} {item.title}", st.heading), table]))
        out.append(Spacer(1, 4 * mm))
    return out
