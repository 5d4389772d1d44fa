"""现场检查记录 — the on-site inspection record of one inspection.

Who was inspected (name, credit code, legal representative, place), when and by
whom (two officers with certificate numbers), the enterprise's person present,
what was checked with the result, the hazards found, the summary, and the lines
on which the officers and the enterprise's representative sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from PIL import Image as PILImage
from reportlab.lib.units import mm
from reportlab.platypus import Image, Spacer, Table, TableStyle

from .atomic import WrittenFile
from .common import Inspector, as_inspectors, heading_block, replaces_block
from .fonts import register_cjk_font
from .layout import (
    HEADER_BG,
    Styles,
    closing,
    data_table,
    frame_width,
    grid_style,
    make_styles,
    para,
    splittable_table,
    write_pdf,
)
from .text import EMPTY_MARK, cn_date

TITLE = "现场检查记录"
LEVEL_ZH = {"general": "一般事故隐患", "major": "重大事故隐患"}


class RecordItem(NamedTuple):
    """One checklist item looked at, and what was found there."""

    item: str
    result: str


class RecordFinding(NamedTuple):
    """A hazard filed during the inspection."""

    code: str
    title: str
    level: str  # 'general' | 'major'
    location: str
    deadline: date


@dataclass
class InspectionRecordData:
    """Everything printed on an on-site inspection record."""

    number: str
    office_name: str
    enterprise_name: str
    credit_code: str
    legal_representative: str
    place: str
    inspection_type: str
    inspected_on: date
    officers: list[Inspector]
    enterprise_representative: str
    items: list[RecordItem]
    findings: list[RecordFinding]
    summary: str
    issued_on: date
    replaces: str | None = None
    # PNG files of the signatures drawn at the completion on site (printed on the signature lines).
    representative_signature: str | Path | None = None
    inspector_signature: str | Path | None = None

    def __post_init__(self) -> None:
        self.officers = as_inspectors(self.officers)
        self.items = [RecordItem(*i) for i in self.items]
        self.findings = [RecordFinding(*f) for f in self.findings]
        for finding in self.findings:
            if finding.level not in LEVEL_ZH:
                raise ValueError(f"unknown hazard level {finding.level!r}")


def build_inspection_record(data: InspectionRecordData, path: str | Path, *, font_path: str | None = None,
                            overwrite: bool = False) -> WrittenFile:
    """Write the record PDF atomically to ``path``; return its sha256 and size."""
    font = register_cjk_font(font_path)
    st = make_styles(font)
    return write_pdf(path, record_story(data, st), font=font, title=TITLE, author=data.office_name,
                     subject=data.number, overwrite=overwrite)


def record_story(data: InspectionRecordData, st: Styles) -> list:
    story = heading_block(data.office_name, TITLE, data.number, st)
    story += replaces_block(data.replaces, st)
    story += [_facts(data, st), Spacer(1, 3 * mm), para("一、检查内容及结果", st.heading)]
    if data.items:
        widths = [12 * mm, None, 60 * mm]
        widths[1] = frame_width() - sum(w for w in widths if w)
        rows = [[str(n), i.item, i.result] for n, i in enumerate(data.items, 1)]
        story.append(data_table(["序号", "检查项目", "检查结果"], rows, widths, st, wrap=(1, 2), center=(0,)))
    else:
        story.append(para("本次检查未记录检查项目。", st.body_indent))
    story.append(para("二、发现的事故隐患", st.heading))
    if data.findings:
        widths = [10 * mm, 28 * mm, None, 22 * mm, 28 * mm, 27.5 * mm]
        widths[2] = frame_width() - sum(w for w in widths if w)
        rows = [[str(n), f.code, f.title, LEVEL_ZH[f.level], f.location or EMPTY_MARK, cn_date(f.deadline)]
                for n, f in enumerate(data.findings, 1)]
        story.append(data_table(["序号", "隐患编号", "隐患", "等级", "部位", "整改期限"], rows, widths, st,
                                wrap=(1, 2, 3, 4, 5), center=(0,)))
    else:
        story.append(para("本次检查未发现事故隐患。", st.body_indent))
    story += [para("三、检查情况", st.heading), para(data.summary.strip() or "无。", st.body_indent)]
    story += closing([
        Spacer(1, 6 * mm),
        _signature_line("检查人员（签名）：", data.inspector_signature, "________________　　________________", st),
        _signature_line("被检查单位现场负责人（签名）：", data.representative_signature,
                        f"________________　　日期：{cn_date(data.inspected_on)}", st,
                        after=f"　　{data.enterprise_representative}　　日期：{cn_date(data.inspected_on)}"),
        Spacer(1, 4 * mm),
        para(data.office_name, st.right),
        para(cn_date(data.issued_on), st.right),
    ])
    return story


SIGNATURE_BOX = (50 * mm, 18 * mm)


def _signature_line(label: str, signature, blank: str, st: Styles, after: str = ""):
    """``label`` followed by the drawn signature (scaled into a small box), or by the blank line to sign on."""
    if not signature:
        return para(label + blank, st.body)
    if hasattr(signature, "read"):  # a file object (the signature read from the store)
        with PILImage.open(signature) as image:
            width, height = image.size
        signature.seek(0)
        source = signature
    else:
        with PILImage.open(signature) as image:
            width, height = image.size
        source = str(signature)
    scale = min(SIGNATURE_BOX[0] / width, SIGNATURE_BOX[1] / height)
    picture = Image(source, width=width * scale, height=height * scale)
    label_width = 72 * mm
    rest = frame_width() - label_width - SIGNATURE_BOX[0]
    table = Table([[para(label, st.body), picture, para(after.strip(), st.body)]],
                  colWidths=[label_width, SIGNATURE_BOX[0], rest])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _facts(data: InspectionRecordData, st: Styles):
    officers = "；".join(f"{o.name}（执法证号：{o.certificate_no}）" for o in data.officers)
    facts = [
        ("被检查单位", data.enterprise_name),
        ("统一社会信用代码", data.credit_code or EMPTY_MARK),
        ("法定代表人（负责人）", data.legal_representative or EMPTY_MARK),
        ("检查场所", data.place or EMPTY_MARK),
        ("检查时间", cn_date(data.inspected_on)),
        ("检查类别", data.inspection_type),
        ("检查人员", officers),
        ("被检查单位现场负责人", data.enterprise_representative or EMPTY_MARK),
    ]
    width = frame_width()
    rows = [[para(label, st.cell), para(value, st.cell)] for label, value in facts]
    table = splittable_table(rows, long=False, colWidths=[40 * mm, width - 40 * mm])
    table.setStyle(TableStyle(grid_style(st.font, header_rows=0, stripes=False) + [
        ("BACKGROUND", (0, 0), (0, -1), HEADER_BG), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table
