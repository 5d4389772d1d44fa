"""责令限期整改指令书 — the rectification notice an inspector hands over (regulations §5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer

from .atomic import WrittenFile
from .common import Inspector, as_inspectors, heading_block, inspectors_block, issuer_block, receipt_block, replaces_block
from .fonts import register_cjk_font
from .layout import MAJOR_RED_HEX, Styles, data_table, frame_width, make_styles, para, write_pdf
from .text import cn_date, markup

TITLE = "责令限期整改指令书"
MAJOR_MARK = "重大事故隐患"
LEVELS = ("general", "major")
# 事故隐患排查治理暂行规定 (§2): the six elements of a governance plan.
PLAN_ELEMENTS = (
    "治理的目标和任务", "采取的方法和措施", "经费和物资的落实",
    "负责治理的机构和人员", "治理的时限和要求", "安全措施和应急预案",
)
CN_ORDINALS = "一二三四五六"


class NoticeHazard(NamedTuple):
    """One numbered problem on the notice."""

    code: str
    title: str
    location: str
    legal_basis: str
    level: str  # 'general' | 'major'
    deadline: date
    criterion: str = ""  # basis.describe_basis: the criterion (or "条文未导入"), or a 16号令 ground and reason


@dataclass
class NoticeData:
    """Everything printed on a rectification notice.

    ``deadline`` is the latest hazard deadline (checked); ``inspectors`` are
    (name, certificate_no) pairs; ``qr_url`` links to the hazard's page;
    ``plan_due`` optionally dates the governance plan for major hazards.
    """

    number: str
    office_name: str
    enterprise_name: str
    enterprise_address: str
    hazards: list[NoticeHazard]
    deadline: date
    inspectors: list[Inspector]
    issued_on: date
    qr_url: str
    plan_due: date | None = None
    replaces: str | None = None  # a reissue: the number of the notice it replaces

    def __post_init__(self) -> None:
        self.hazards = [NoticeHazard(*h) for h in self.hazards]
        self.inspectors = as_inspectors(self.inspectors)
        if not self.hazards:
            raise ValueError("a notice needs at least one hazard")
        for hazard in self.hazards:
            if hazard.level not in LEVELS:
                raise ValueError(f"unknown hazard level {hazard.level!r}")
        latest = max(h.deadline for h in self.hazards)
        if self.deadline != latest:
            raise ValueError(f"deadline {self.deadline} is not the latest hazard deadline {latest}")

    @property
    def major_numbers(self) -> list[int]:
        """1-based positions of the major hazards in the list."""
        return [i for i, h in enumerate(self.hazards, 1) if h.level == "major"]


def build_notice(data: NoticeData, path: str | Path, *, font_path: str | None = None,
                 overwrite: bool = False) -> WrittenFile:
    """Write the notice PDF atomically to ``path``; return its sha256 and size."""
    font = register_cjk_font(font_path)
    st = make_styles(font)
    return write_pdf(path, notice_story(data, st), font=font, title=TITLE,
                     author=data.office_name, subject=data.number, overwrite=overwrite)


def notice_story(data: NoticeData, st: Styles) -> list:
    """The notice as platypus flowables."""
    story = heading_block(data.office_name, TITLE, data.number, st)
    story += replaces_block(data.replaces, st)
    story += [
        para(f"{data.enterprise_name}：", st.body),
        para(f"（单位地址：{data.enterprise_address}）", st.small),
        Spacer(1, 2 * mm),
        para("经查，你单位存在下列问题：", st.body_indent),
        _hazard_table(data, st),
        Spacer(1, 3 * mm),
    ]
    if len({h.deadline for h in data.hazards}) > 1:
        story.append(para("上述问题应当按表列整改期限逐项整改。", st.body_indent))
    story.append(para(
        f"责令你单位于 {cn_date(data.deadline)} 前整改完毕，达到有关法律法规规章和标准规定的要求。"
        "整改期间，你单位应当采取措施，确保安全生产。", st.body_indent))
    if data.major_numbers:
        story.append(_major_paragraph(data, st))
    story.append(para(
        "如果不服本指令，可以依法在60日内申请行政复议，或者在6个月内依法提起行政诉讼，"
        "但本指令不停止执行，法律另有规定的除外。", st.body_indent))
    story.append(Spacer(1, 3 * mm))
    story += inspectors_block(data.inspectors, st)
    story += receipt_block(st)
    story.append(Spacer(1, 4 * mm))
    story.append(KeepTogether([issuer_block(data.office_name, data.issued_on, st,
                                            left=_qr_block(data.qr_url, st))]))
    return story


def _hazard_table(data: NoticeData, st: Styles):
    per_hazard_deadline = len({h.deadline for h in data.hazards}) > 1
    header = ["序号", "隐患编号", "存在问题", "部位", "依据"]
    widths = [10 * mm, 28 * mm, None, 24 * mm, 34 * mm]
    if per_hazard_deadline:
        header.append("整改期限")
        widths.append(27.5 * mm)
    fixed = sum(w for w in widths if w)
    widths[2] = frame_width() - fixed
    rows = []
    for n, h in enumerate(data.hazards, 1):
        basis = Paragraph(markup(h.legal_basis) + (f"<br/>{markup(h.criterion)}" if h.criterion else ""), st.cell)
        row = [str(n), h.code, _problem_cell(h, st), h.location, basis]
        if per_hazard_deadline:
            row.append(cn_date(h.deadline))
        rows.append(row)
    return data_table(header, rows, widths, st, wrap=range(1, len(header)), center=(0,))


def _problem_cell(hazard: NoticeHazard, st: Styles) -> Paragraph:
    # A major hazard is marked in red in front of its title.
    mark = f'<font color="{MAJOR_RED_HEX}">【{MAJOR_MARK}】</font>' if hazard.level == "major" else ""
    return Paragraph(mark + markup(hazard.title), st.cell)


def _major_paragraph(data: NoticeData, st: Styles):
    numbers = "、".join(str(n) for n in data.major_numbers)
    elements = "；".join(f"（{CN_ORDINALS[i]}）{e}" for i, e in enumerate(PLAN_ELEMENTS))
    due = f"于 {cn_date(data.plan_due)} 前" if data.plan_due else "在治理前"
    return para(
        f"上述第{numbers}项为{MAJOR_MARK}。你单位主要负责人应当组织制定并实施{MAJOR_MARK}治理方案，"
        f"{due}报送本机关。治理方案应当包括：{elements}。治理期间应当采取有效的安全防范措施，"
        "防止事故发生；不能保证安全的，应当局部或者全部停产停业。", st.body_indent)


def _qr_block(url: str, st: Styles) -> list:
    size = 28 * mm
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return [drawing, para("扫码查看隐患详情", st.small)]
