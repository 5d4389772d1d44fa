"""隐患排查治理情况统计表 — the quarterly and annual hazard statistics table (reference §8.3).

Plain data in (``statistics_data.StatisticsTable``), an A4 landscape PDF out.
The park table has one row per enterprise and the totals; the enterprise's
own version has its one row, signed by its principal. Each table is printed
as two stacked blocks: the period (the quarter) and the year to date; for the
annual table the period is the year, so it has one block.

Columns (§8.3): general hazards carried over / found / rectified / rate;
major hazards carried over / found / closed out / rate; majors not yet closed
out, those in a governance plan and the five 落实 columns; 挂牌督办 listed /
lifted; money invested (万元). A rate is rectified ÷ (carried over + found),
"—" when that is 0.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer, TableStyle

from .atomic import WrittenFile
from .fonts import register_cjk_font
from .layout import Styles, frame_width, grid_style, make_styles, para, splittable_table, tall_rows, write_pdf
from .statistics_data import Counts, Row, StatisticsTable
from .text import CN_DIGITS, EMPTY_MARK, cn_date

TITLE = "隐患排查治理情况统计表"
PAGESIZE = landscape(A4)
TOTAL_LABEL = "合计"
KINDS = ("quarterly", "annual")

# The column headings, in order, as printed (two header rows: group, then column).
GENERAL_COLUMNS = ("上期结转", "本期排查", "已整改", "整改率")
MAJOR_COLUMNS = ("上期结转", "本期排查", "已整改销号", "整改率")
PLAN_COLUMNS = ("未销号", "列入治理计划", "落实目标任务", "落实经费物资", "落实机构人员", "落实治理时间",
                "落实安全措施和应急预案")
SUPERVISION_COLUMNS = ("挂牌", "摘牌")
MONEY_COLUMN = "治理资金（万元）"
GROUPS = (("一般事故隐患", GENERAL_COLUMNS), ("重大事故隐患", MAJOR_COLUMNS),
          ("未销号重大事故隐患列入治理计划及“五落实”情况", PLAN_COLUMNS), ("挂牌督办", SUPERVISION_COLUMNS))
COLUMN_HEADINGS = (*GENERAL_COLUMNS, *MAJOR_COLUMNS, *PLAN_COLUMNS, *SUPERVISION_COLUMNS, MONEY_COLUMN)
NUMERIC_COLUMNS = len(COLUMN_HEADINGS)


# --------------------------------------------------------------------------- periods and due dates


def parse_period(kind: str, period: str) -> tuple[date, date]:
    """(first day, last day) of a statistics period; ValueError when malformed.

    ``quarterly``: '2026Q4'; ``annual``: '2026'.
    """
    if kind == "quarterly":
        match = re.fullmatch(r"(\d{4})Q([1-4])", period)
        if not match:
            raise ValueError(f"period must look like 2026Q4, got {period!r}")
        year, quarter = int(match[1]), int(match[2])
        start = date(year, quarter * 3 - 2, 1)
        end = date(year + 1, 1, 1) - timedelta(days=1) if quarter == 4 else date(year, quarter * 3 + 1, 1) - \
            timedelta(days=1)
        return start, end
    if kind == "annual":
        if not re.fullmatch(r"\d{4}", period):
            raise ValueError(f"period must look like 2026, got {period!r}")
        year = int(period)
        return date(year, 1, 1), date(year, 12, 31)
    raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


def period_label(kind: str, period: str) -> str:
    """'2026Q4' → '2026年第四季度'; '2026' → '2026年度'."""
    start, _end = parse_period(kind, period)
    if kind == "annual":
        return f"{start.year}年度"
    return f"{start.year}年第{CN_DIGITS[(start.month + 2) // 3]}季度"


def due_on(kind: str, period: str) -> date:
    """The day the table is due with the regulator.

    Reference §8.3 (《安全生产事故隐患排查治理暂行规定》, 原安监总局令第16号, 第十四条):
    the quarterly table by the 15th of the month after the quarter, the annual
    one by 31 January of the next year.
    """
    _start, end = parse_period(kind, period)
    after = end + timedelta(days=1)
    if kind == "annual":
        return date(after.year, 1, 31)
    return date(after.year, after.month, 15)


def tables_due_on(day: date) -> list[tuple[str, str]]:
    """The (kind, period) of every table due on ``day`` (none on most days)."""
    due = []
    previous = day.replace(day=1) - timedelta(days=1)  # a day of the month before
    quarter_period = f"{previous.year}Q{(previous.month + 2) // 3}"
    if previous.month % 3 == 0 and due_on("quarterly", quarter_period) == day:
        due.append(("quarterly", quarter_period))
    if due_on("annual", str(day.year - 1)) == day:
        due.append(("annual", str(day.year - 1)))
    return due


def due_dates_around(day: date) -> list[date]:
    """Every due date from the year before ``day``'s to the year after, in order."""
    dates = set()
    for year in (day.year - 1, day.year, day.year + 1):
        dates.add(due_on("annual", str(year)))
        dates.update(due_on("quarterly", f"{year}Q{q}") for q in range(1, 5))
    return sorted(dates)


# --------------------------------------------------------------------------- the PDF


def build_statistics_table(data: StatisticsTable, path: str | Path, *, font_path: str | None = None,
                           overwrite: bool = False) -> WrittenFile:
    """Write the statistics table PDF (A4 landscape) atomically; return sha256 and size."""
    font = register_cjk_font(font_path)
    st = make_styles(font)
    scope = data.enterprise_name or ""
    title = f"{scope}{period_label(data.kind, data.period)}{TITLE}"
    return write_pdf(path, statistics_story(data, st), font=font, title=title, author=data.office_name,
                     subject=data.period, pagesize=PAGESIZE, overwrite=overwrite)


def statistics_story(data: StatisticsTable, st: Styles) -> list:
    """The table as platypus flowables."""
    label = period_label(data.kind, data.period)
    # The enterprise's own table is the enterprise's document: no office line above the title.
    story = [] if data.enterprise_name else [para(data.office_name, st.office)]
    story += [para(TITLE, st.title), para(f"（{label}）", st.number)]
    story.append(para(_header_line(data), st.small))
    story.append(Spacer(1, 2 * mm))
    rows = [*data.rows, data.totals] if data.enterprise_name is None and data.totals is not None else list(data.rows)
    blocks = [(f"本期：{label}（{cn_date(data.start)}至{cn_date(_span_end(data))}）", "period")]
    if data.kind == "quarterly":
        year_start = date(data.start.year, 1, 1)
        caption = f"本年累计：{cn_date(year_start)}至{cn_date(_span_end(data))}"
        if data.enterprise_name is None:
            caption += f"　　排查单位数：{data.enterprises_inspected_ytd} 家"
        blocks.append((caption, "year_to_date"))
    for n, (caption, attribute) in enumerate(blocks):
        if n:
            story += [Spacer(1, 3 * mm), CondPageBreak(40 * mm)]
        story.append(para(caption, st.body))
        story.append(_table(rows, attribute, st, totals=data.enterprise_name is None and data.totals is not None))
    # The signature block never stands alone on a page: it keeps the notes with it.
    story.append(KeepTogether([Spacer(1, 3 * mm), *_notes(data, st), *_signature_block(data, st)]))
    return story


def _span_end(data: StatisticsTable) -> date:
    return data.end if data.closed else data.as_of


def _header_line(data: StatisticsTable) -> str:
    parts = []
    if data.enterprise_name:
        parts.append(f"填报单位：{data.enterprise_name}")
    else:
        parts.append(f"统计单位：{data.office_name}")
        parts.append(f"排查单位数：{data.enterprises_inspected} 家（在册企业 {data.enterprises_in_scope} 家）")
    parts.append(f"统计期间：{cn_date(data.start)}至{cn_date(data.end)}")
    if not data.closed:
        parts.append(f"截至 {cn_date(data.as_of)}（统计期尚未结束）")
    return "　　".join(parts)


def _notes(data: StatisticsTable, st: Styles) -> list:
    lines = [
        "注：1. 一般事故隐患整改率＝已整改数÷（上期结转数＋本期排查数）×100%；重大事故隐患整改率＝已整改销号数÷"
        "（上期结转数＋本期排查数）×100%；分母为0时记“—”。",
        "2. “上期结转”指统计期开始前发现、期初尚未整改销号的隐患"
        + ("；“本年累计”的上期结转为以前年度发现、1月1日尚未整改销号的隐患。" if data.kind == "quarterly" else "。"),
        "3. “未销号”为统计期末尚未整改销号的重大事故隐患；“列入治理计划”为其中已制定治理方案的数量；"
        "“落实”各列为治理方案中已落实该项内容（目标任务、经费物资、机构人员、治理时间、安全措施和应急预案）的数量。",
        "4. “挂牌”为统计期内处于挂牌督办状态的重大事故隐患数，“摘牌”为其中到统计期末已摘牌的数量。",
        "5. 治理资金为统计期内投入隐患治理的资金，单位万元。已撤销的隐患不计入本表。",
        f"6. 本表应于 {cn_date(due_on(data.kind, data.period))} 前报送。",
    ]
    if data.by_source:
        lines.append("7. 本期排查发现隐患按来源：" + "，".join(f"{label} {n} 项" for label, n in data.by_source) + "。")
    return [para(line, st.small) for line in lines]


def _signature_block(data: StatisticsTable, st: Styles) -> list:
    if data.enterprise_name:
        signer = data.signed_by or "__________"
        cells = [[para(f"主要负责人签字：______________（{signer}）", st.body),
                  para(f"填报单位（盖章）：{data.enterprise_name}", st.body),
                  para(f"填报日期：{cn_date(data.as_of)}", st.body)]]
        line = splittable_table(cells, long=False, colWidths=[None, None, 55 * mm])
        line.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return [Spacer(1, 5 * mm), line]
    return [
        Spacer(1, 4 * mm),
        para("填报人：__________　　审核人：__________　　联系电话：__________", st.body),
        para(f"{data.office_name}（印章）", st.right),
        para(cn_date(data.as_of), st.right),
    ]


# The year-to-date block names its first two columns after the year.
YEAR_TO_DATE_WORDS = {"上期结转": "上年结转", "本期排查": "本年排查"}


def _header(st: Styles, attribute: str) -> list[list]:
    style = ParagraphStyle("statistics_header", parent=st.header_cell, fontSize=8, leading=10)
    top = ["序号", "单位名称"]
    bottom = ["", ""]
    for group, columns in GROUPS:
        top += [group] + [""] * (len(columns) - 1)
        bottom += [YEAR_TO_DATE_WORDS.get(c, c) if attribute == "year_to_date" else c for c in columns]
    top.append(MONEY_COLUMN)
    bottom.append("")
    return [[para(text, style) if text else "" for text in row] for row in (top, bottom)]


def _widths() -> list[float]:
    number, numeric, rate, money = 9 * mm, 11 * mm, 13 * mm, 15 * mm
    widths = [number, 0.0] + [rate if heading == "整改率" else numeric for heading in COLUMN_HEADINGS[:-1]] + [money]
    widths[1] = frame_width(PAGESIZE) - sum(widths)
    return widths


def _table(rows: list[Row], attribute: str, st: Styles, *, totals: bool):
    header = _header(st, attribute)
    body = []
    for n, row in enumerate(rows, 1):
        is_total = totals and n == len(rows)
        body.append(["" if is_total else str(n), para(row.name, st.cell), *count_cells(getattr(row, attribute))])
    widths = _widths()
    data = header + body
    table = splittable_table(data, colWidths=widths, repeatRows=2)
    spans = [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)), ("SPAN", (-1, 0), (-1, 1))]
    column = 2
    for _group, columns in GROUPS:
        spans.append(("SPAN", (column, 0), (column + len(columns) - 1, 0)))
        column += len(columns)
    table.setStyle(TableStyle(grid_style(st.font, header_rows=2, total_row=totals) + spans + [
        ("ALIGN", (0, 2), (0, -1), "CENTER"),
        ("ALIGN", (2, 2), (-1, -1), "RIGHT"),
    ] + [("VALIGN", (0, r), (-1, r), "TOP") for r in tall_rows(data, widths)]))
    return table


def rate_text(rate: Decimal | None) -> str:
    """A percentage (0..100) as '85.0%'; '—' when there is nothing to divide."""
    return EMPTY_MARK if rate is None else f"{rate:.1f}%"


def money_text(value: Decimal) -> str:
    return f"{value:.2f}"


def count_cells(c: Counts) -> list[str]:
    """The printed cells of one column group, in the order of ``COLUMN_HEADINGS``."""
    return [
        str(c.carried_over_general), str(c.general_found), str(c.general_rectified), rate_text(c.general_rate),
        str(c.carried_over_major), str(c.major_found), str(c.major_closed), rate_text(c.major_rate),
        str(c.major_open), str(c.major_open_in_plan), str(c.plan_targets), str(c.plan_funds), str(c.plan_people),
        str(c.plan_time), str(c.plan_measures),
        str(c.listed_supervision), str(c.listed_lifted),
        money_text(c.money_wan),
    ]
