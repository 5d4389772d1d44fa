"""隐患排查治理情况季度统计表 — the quarterly hazard statistics table (regulations §2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, LongTable, Spacer, TableStyle

from .atomic import WrittenFile
from .fonts import register_cjk_font
from .layout import Styles, closing, frame_width, grid_style, make_styles, para, splittable_table, tall_rows, write_pdf
from .text import EMPTY_MARK, cn_date, cn_quarter, parse_quarter, percent, ratio

TITLE = "隐患排查治理情况季度统计表"
PAGESIZE = landscape(A4)
TOTAL_LABEL = "合计"


class QuarterlyRow(NamedTuple):
    """One line of the quarterly table: an enterprise or a hazard category.

    Counts are hazards of the quarter; ``funds_yuan`` is the money put into
    rectification in yuan (printed in 万元).
    """

    name: str
    general_found: int
    general_rectified: int
    major_found: int
    major_rectified: int
    major_planned: int = 0      # major hazards with a complete governance plan (列入治理计划)
    major_supervised: int = 0   # major hazards under listed supervision (挂牌督办)
    overdue: int = 0            # still open after their deadline (逾期未整改)
    funds_yuan: float = 0.0     # 落实治理资金, yuan

    @property
    def found(self) -> int:
        """All hazards found."""
        return self.general_found + self.major_found

    @property
    def rectified(self) -> int:
        """All hazards rectified."""
        return self.general_rectified + self.major_rectified


@dataclass
class QuarterlyData:
    """The quarterly statistics table for the park or one enterprise.

    Columns printed, per row (enterprise, or category when ``row_label`` is
    '隐患类别'), then a totals row computed by :func:`quarterly_totals`:

    序号 | 名称 | 一般事故隐患：排查数、已整改、整改率 | 重大事故隐患：排查数、已整改、
    整改率、列入治理计划、挂牌督办 | 综合整改率 | 逾期未整改 | 落实治理资金（万元）

    Rates are rectified ÷ found ("—" when nothing was found). ``period`` is
    like '2026Q3'; the report is due by the 15th of the month after the quarter.
    """

    period: str
    scope_name: str
    office_name: str
    generated_on: date
    rows: list[QuarterlyRow]
    row_label: str = "企业名称"
    preparer: str = ""
    phone: str = ""
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        parse_quarter(self.period)
        self.rows = [QuarterlyRow(*r) for r in self.rows]

    @property
    def due_on(self) -> date:
        """The 15th of the month after the quarter (事故隐患排查治理暂行规定)."""
        year, quarter = parse_quarter(self.period)
        month = quarter * 3 + 1
        return date(year + 1, 1, 15) if month > 12 else date(year, month, 15)


def quarterly_totals(rows: list[QuarterlyRow]) -> QuarterlyRow:
    """Sum every column into a '合计' row."""
    sums = [sum(getattr(r, f) for r in rows) for f in QuarterlyRow._fields[1:]]
    return QuarterlyRow(TOTAL_LABEL, *sums)


def build_quarterly_table(data: QuarterlyData, path: str | Path, *,
                          font_path: str | None = None, overwrite: bool = False) -> WrittenFile:
    """Write the quarterly statistics PDF (A4 landscape) atomically; return sha256 and size."""
    font = register_cjk_font(font_path)
    st = make_styles(font)
    title = f"{data.scope_name}{cn_quarter(data.period)}{TITLE}"
    return write_pdf(path, quarterly_story(data, st), font=font, title=title,
                     author=data.office_name, subject=data.period, pagesize=PAGESIZE,
                     overwrite=overwrite)


def quarterly_story(data: QuarterlyData, st: Styles) -> list:
    """The quarterly table as platypus flowables."""
    contact = f"填报人：{data.preparer or '__________'}　　联系电话：{data.phone or '__________'}"
    story = [
        para(TITLE, st.title),
        para(f"（{cn_quarter(data.period)}）", st.number),
        para(f"填报单位：{data.office_name}　　统计范围：{data.scope_name}　　"
             f"填报日期：{cn_date(data.generated_on)}", st.small),
        Spacer(1, 2 * mm),
        _table(data, st),
        Spacer(1, 3 * mm),
        para("注：1. 整改率＝已整改数÷排查数，排查数为0时记“—”；2. 列入治理计划指已制定包含目标任务、"
             "方法措施、经费物资、机构人员、时限要求、安全措施和应急预案六项内容治理方案的重大事故隐患；"
             f"3. 资金单位为万元；4. 本表于 {cn_date(data.due_on)} 前报送。", st.small),
    ]
    story += [para(text, st.small) for text in data.notes]
    story += closing([KeepTogether([Spacer(1, 6 * mm), para(contact, st.body),
                                    para(f"{data.office_name}（印章）", st.right)])])
    return story


def _table(data: QuarterlyData, st: Styles) -> LongTable:
    head = [
        ["序号", data.row_label, "一般事故隐患", "", "", "重大事故隐患", "", "", "", "",
         "综合整改率", "逾期未整改", "落实治理资金（万元）"],
        ["", "", "排查数", "已整改", "整改率", "排查数", "已整改", "整改率", "列入治理计划",
         "挂牌督办", "", "", ""],
    ]
    header = [[para(text, st.header_cell) if text else "" for text in row] for row in head]
    body = [_cells(str(n), r) for n, r in enumerate(data.rows, 1)]
    body.append(_cells("", quarterly_totals(data.rows)))
    body = [[para(row[1], st.cell) if i == 1 else value for i, value in enumerate(row)]
            for row in body]

    numeric = 16 * mm
    widths = [11 * mm, None] + [numeric] * 10 + [20 * mm]
    widths[1] = frame_width(PAGESIZE) - sum(w for w in widths if w)
    table = splittable_table(header + body, colWidths=widths, repeatRows=2)
    spans = [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)), ("SPAN", (2, 0), (4, 0)),
             ("SPAN", (5, 0), (9, 0)), ("SPAN", (10, 0), (10, 1)), ("SPAN", (11, 0), (11, 1)),
             ("SPAN", (12, 0), (12, 1))]
    table.setStyle(TableStyle(grid_style(st.font, header_rows=2, total_row=True) + spans + [
        ("ALIGN", (0, 2), (0, -1), "CENTER"),
        ("ALIGN", (2, 2), (-1, -1), "RIGHT"),
    ] + [("VALIGN", (0, r), (-1, r), "TOP") for r in tall_rows(header + body, widths)]))
    return table


def _cells(number: str, r: QuarterlyRow) -> list[str]:
    return [
        number, r.name,
        str(r.general_found), str(r.general_rectified), percent(ratio(r.general_rectified, r.general_found)),
        str(r.major_found), str(r.major_rectified), percent(ratio(r.major_rectified, r.major_found)),
        str(r.major_planned), str(r.major_supervised),
        percent(ratio(r.rectified, r.found)), str(r.overdue),
        f"{r.funds_yuan / 10000:.2f}" if r.funds_yuan else EMPTY_MARK,
    ]
