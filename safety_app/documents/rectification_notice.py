"""隐患整改通知书 — a rectification notice that is not an enforcement document.

Issued by the park management for hazards of one enterprise, or by an
enterprise's safety department for its own hazards: the items with location,
description, deadline and responsible person, the issuer's name and department,
and a receipt line. No order (责令), no officers, no reconsideration clause.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from .atomic import WrittenFile
from .common import RECEIPT_LINE, heading_block
from .fonts import register_cjk_font
from .layout import MAJOR_RED_HEX, Styles, closing, data_table, frame_width, make_styles, para, write_pdf
from .text import EMPTY_MARK, cn_date, markup

TITLE = "隐患整改通知书"


class RectificationItem(NamedTuple):
    code: str
    title: str
    description: str
    location: str
    level: str  # 'general' | 'major'
    deadline: date
    responsible: str


@dataclass
class RectificationData:
    """Everything printed on a rectification notice; ``issuer_unit`` is the office or the enterprise."""

    number: str
    issuer_unit: str
    issuer_department: str
    issuer_name: str
    addressee: str
    items: list[RectificationItem]
    issued_on: date

    def __post_init__(self) -> None:
        self.items = [RectificationItem(*i) for i in self.items]
        if not self.items:
            raise ValueError("a rectification notice needs at least one item")


def build_rectification_notice(data: RectificationData, path: str | Path, *, font_path: str | None = None,
                               overwrite: bool = False) -> WrittenFile:
    font = register_cjk_font(font_path)
    st = make_styles(font)
    return write_pdf(path, rectification_story(data, st), font=font, title=TITLE, author=data.issuer_unit,
                     subject=data.number, overwrite=overwrite)


def rectification_story(data: RectificationData, st: Styles) -> list:
    story = heading_block(data.issuer_unit, TITLE, data.number, st)
    story += [
        para(f"{data.addressee}：", st.body),
        para(f"经隐患排查，发现下列事故隐患{len(data.items)}项，请按表列整改期限和责任人组织整改，"
             "整改期间采取必要的安全防范措施，整改完成后将整改情况及时反馈"
             f"{data.issuer_department}。", st.body_indent),
        _items_table(data, st),
        Spacer(1, 3 * mm),
        para("本通知书为隐患排查治理工作通知，不属于行政执法文书。", st.small),
    ]
    story += closing([
        Spacer(1, 6 * mm),
        para(f"签发部门：{data.issuer_department}", st.right),
        para(f"签发人：{data.issuer_name}", st.right),
        para(cn_date(data.issued_on), st.right),
        Spacer(1, 4 * mm),
        para(RECEIPT_LINE.replace("被检查单位负责人", "接收人"), st.body),
    ])
    return story


def _items_table(data: RectificationData, st: Styles):
    widths = [10 * mm, 27 * mm, None, 22 * mm, 25 * mm, 18 * mm]
    widths[2] = frame_width() - sum(w for w in widths if w)
    rows = []
    for n, item in enumerate(data.items, 1):
        mark = f'<font color="{MAJOR_RED_HEX}">【重大事故隐患】</font>' if item.level == "major" else ""
        text = mark + markup(item.title)
        if item.description.strip() and item.description.strip() != item.title.strip():
            text += "<br/>" + markup(item.description)
        rows.append([str(n), item.code, Paragraph(text, st.cell), item.location or EMPTY_MARK,
                     cn_date(item.deadline), item.responsible or EMPTY_MARK])
    return data_table(["序号", "隐患编号", "隐患及描述", "部位", "整改期限", "责任人"], rows, widths, st,
                      wrap=(1, 2, 3, 4, 5), center=(0,))
