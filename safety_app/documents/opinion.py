"""整改复查意见书 — the re-inspection opinion that answers a notice (regulations §5)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from .atomic import WrittenFile
from .common import Inspector, as_inspectors, heading_block, inspectors_block, issuer_block, receipt_block
from .fonts import register_cjk_font
from .layout import Styles, data_table, frame_width, make_styles, para, write_pdf
from .text import cn_date

TITLE = "整改复查意见书"
RESULTS = ("已整改", "部分整改", "未整改")


class OpinionItem(NamedTuple):
    """One hazard of the notice with its re-inspection result."""

    code: str
    title: str
    result: str  # one of RESULTS
    comment: str = ""


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
    inspectors: list[Inspector]
    reinspected_on: date
    acceptances: list[Acceptance] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.items = [OpinionItem(*item) for item in self.items]
        self.acceptances = [Acceptance(*a) for a in self.acceptances]
        self.inspectors = as_inspectors(self.inspectors)
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
        para(f"本机关于 {cn_date(data.reinspected_on)} 对你单位《责令限期整改指令书》"
             f"（{data.notice_number}）所列问题的整改情况进行了复查，复查意见如下：", st.body_indent),
        _items_table(data, st),
        Spacer(1, 3 * mm),
        para(_conclusion(data), st.body_indent),
        Spacer(1, 3 * mm),
    ]
    if data.acceptances:
        story += [para("重大事故隐患验收销号情况：", st.body_indent), _acceptance_table(data, st),
                  Spacer(1, 3 * mm)]
    story += inspectors_block(data.inspectors, st)
    story += receipt_block(st)
    story.append(Spacer(1, 4 * mm))
    story.append(issuer_block(data.office_name, data.reinspected_on, st))
    return story


def _items_table(data: OpinionData, st: Styles):
    widths = [10 * mm, 28 * mm, None, 20 * mm, 50 * mm]
    widths[2] = frame_width() - sum(w for w in widths if w)
    rows = [[str(n), i.code, i.title, i.result, i.comment or "—"]
            for n, i in enumerate(data.items, 1)]
    return data_table(["序号", "隐患编号", "问题", "复查结果", "复查说明"], rows, widths, st,
                      wrap=(1, 2, 3, 4), center=(0, 3))


def _acceptance_table(data: OpinionData, st: Styles):
    widths = [10 * mm, 28 * mm, 27.5 * mm, 36 * mm, None]
    widths[4] = frame_width() - sum(w for w in widths if w)
    rows = [[str(n), a.code, cn_date(a.accepted_on), a.accepted_by, a.opinion]
            for n, a in enumerate(data.acceptances, 1)]
    return data_table(["序号", "隐患编号", "验收日期", "验收人员", "验收意见"], rows, widths, st,
                      wrap=(1, 2, 3, 4), center=(0,))


def _conclusion(data: OpinionData) -> str:
    counts = Counter(item.result for item in data.items)
    summary = "，".join(f"{result} {counts[result]} 项" for result in RESULTS if counts[result])
    if counts["已整改"] == len(data.items):
        return f"共复查 {len(data.items)} 项：{summary}。上述问题已全部整改完毕，同意销号。"
    return (f"共复查 {len(data.items)} 项：{summary}。对未整改、部分整改的问题，你单位应当继续整改，"
            "整改完毕后及时申请复查；整改期间应当采取措施，确保安全生产。")
