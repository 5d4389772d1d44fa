"""整改复查意见书 — the re-inspection opinion that answers a notice (regulations §5).

It prints the inspectors' findings (复查结论) recorded since the notice, one block per
item: the result (合格 / 不合格), the day of that item's on-site re-inspection, the
inspectors present and their opinion; the enterprise's own account may be quoted,
labelled 企业整改情况. The officers chosen on the issue form sign it (name and
执法证号); the document date is the issue date.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, TableStyle

from .atomic import WrittenFile
from .common import Inspector, as_inspectors, heading_block, issuer_block, receipt_block
from .fonts import register_cjk_font
from .layout import Styles, data_table, frame_width, grid_style, make_styles, para, splittable_table, write_pdf
from .text import cn_date

TITLE = "整改复查意见书"
PASSED, FAILED = "合格", "不合格"
RESULTS = (PASSED, FAILED)
NOTE_LABEL = "企业整改情况"


class OpinionItem(NamedTuple):
    """One item of the notice with the inspectors' finding on it."""

    code: str
    title: str
    result: str  # one of RESULTS
    reinspected_on: date
    inspectors: str  # the inspectors present, names
    opinion: str
    enterprise_note: str = ""  # quoted as 企业整改情况 when given


class Acceptance(NamedTuple):
    """The admin's acceptance (验收销号) of a closed major hazard of the notice."""

    code: str
    accepted_on: date
    accepted_by: str
    opinion: str


@dataclass
class OpinionData:
    """Everything printed on a re-inspection opinion; ``notice_number`` is the notice answered."""

    number: str
    notice_number: str
    office_name: str
    enterprise_name: str
    items: list[OpinionItem]
    officers: list[Inspector]
    issued_on: date
    acceptances: list[Acceptance] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.items = [OpinionItem(*item) for item in self.items]
        self.acceptances = [Acceptance(*a) for a in self.acceptances]
        self.officers = as_inspectors(self.officers)
        if not self.items:
            raise ValueError("an opinion needs at least one item")
        for item in self.items:
            if item.result not in RESULTS:
                raise ValueError(f"result must be one of {RESULTS}, got {item.result!r}")


def build_opinion(data: OpinionData, path: str | Path, *, font_path: str | None = None,
                  overwrite: bool = False) -> WrittenFile:
    """Write the re-inspection opinion PDF atomically to ``path``; return sha256 and size."""
    font = register_cjk_font(font_path)
    st = make_styles(font)
    return write_pdf(path, opinion_story(data, st), font=font, title=TITLE,
                     author=data.office_name, subject=data.number, overwrite=overwrite)


def opinion_story(data: OpinionData, st: Styles) -> list:
    """The opinion as platypus flowables."""
    story = heading_block(data.office_name, TITLE, data.number, st)
    story += [
        para(f"{data.enterprise_name}：", st.body),
        para(f"本机关对你单位《责令限期整改指令书》{data.notice_number}所列问题的整改情况"
             f"进行了现场复查，复查意见如下：", st.body_indent),
    ]
    for n, item in enumerate(data.items, 1):
        story += [_item_table(n, item, st), Spacer(1, 2 * mm)]
    if data.acceptances:
        story += [para("重大事故隐患验收销号情况：", st.body_indent), _acceptance_table(data, st),
                  Spacer(1, 3 * mm)]
    # The conclusion, the signatures, the receipt and the office with its seal and date stay on one
    # page: the signature block never stands alone.
    story.append(KeepTogether([
        Spacer(1, 1 * mm), para(_conclusion(data), st.body_indent), Spacer(1, 3 * mm),
        *officers_block(data.officers, st), *receipt_block(st), Spacer(1, 4 * mm),
        issuer_block(data.office_name, data.issued_on, st)]))
    return story


def _item_table(n: int, item: OpinionItem, st: Styles):
    """One item: its code and title, then the finding, label on the left."""
    label_width = 24 * mm
    rows = [
        [para(f"第{n}项", st.cell), para(item.code, st.cell)],  # short: repeated on a continuation page
        [para("隐患", st.cell), para(item.title, st.cell)],
        [para("复查结果", st.cell), para(item.result, st.cell)],
        [para("复查日期", st.cell), para(cn_date(item.reinspected_on), st.cell)],
        [para("复查人员", st.cell), para(item.inspectors, st.cell)],
        [para("复查意见", st.cell), para(item.opinion, st.cell)],
    ]
    if item.enterprise_note:
        rows.append([para(NOTE_LABEL, st.cell), para(item.enterprise_note, st.cell)])
    # Split over a page, the item's code and title row is repeated on top of its continuation.
    table = splittable_table(rows, colWidths=[label_width, frame_width() - label_width], repeatRows=1)
    cmds = grid_style(st.font, header_rows=1, stripes=False)  # the code and title row shaded
    cmds.append(("VALIGN", (0, 0), (-1, -1), "TOP"))
    table.setStyle(TableStyle(cmds))
    return table


def _acceptance_table(data: OpinionData, st: Styles):
    widths = [10 * mm, 28 * mm, 27.5 * mm, 36 * mm, None]
    widths[4] = frame_width() - sum(w for w in widths if w)
    rows = [[str(n), a.code, cn_date(a.accepted_on), a.accepted_by, a.opinion]
            for n, a in enumerate(data.acceptances, 1)]
    return data_table(["序号", "隐患编号", "验收日期", "验收人员", "验收意见"], rows, widths, st,
                      wrap=(1, 2, 3, 4), center=(0,))


def officers_block(officers: list[Inspector], st: Styles) -> list:
    """The officers chosen on the issue form, with their certificate numbers, and room to sign."""
    listed = "；".join(f"{o.name}（执法证号：{o.certificate_no}）" for o in officers)
    return [
        para(f"执法人员：{listed}", st.body),
        para("执法人员（签名）：________________  ________________", st.body),
    ]


def _conclusion(data: OpinionData) -> str:
    counts = Counter(item.result for item in data.items)
    summary = "，".join(f"{result} {counts[result]} 项" for result in RESULTS if counts[result])
    if counts[PASSED] == len(data.items):
        return f"共复查 {len(data.items)} 项：{summary}。上述问题经复查已整改合格。"
    return (f"共复查 {len(data.items)} 项：{summary}。对复查不合格的问题，你单位应当继续整改，"
            "整改完毕后及时申请复查；整改期间应当采取措施，确保安全生产。")
