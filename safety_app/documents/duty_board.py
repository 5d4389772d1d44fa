"""重大危险源安全包保公示牌 — the public board of one major hazard installation: the unit, its
level and the three 包保 responsible persons with their duties' frequency and phone numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from .atomic import WrittenFile
from .fonts import register_cjk_font
from .layout import HEADER_BG, MAJOR_RED_HEX, Styles, frame_width, grid_style, make_styles, para, write_pdf
from .text import cn_date

TITLE = "重大危险源安全包保公示牌"


@dataclass
class BoardPerson:
    duty: str        # 主要负责人 / 技术负责人 / 操作负责人
    name: str
    phone: str
    frequency: str   # e.g. 每季度至少一次包保检查


@dataclass
class BoardData:
    enterprise_name: str
    installation_code: str
    installation_name: str
    kind: str
    location: str
    level: str        # 一级 … 四级
    r_value: str
    filing_no: str
    persons: list[BoardPerson]
    office_name: str
    printed_on: date


def build_board(data: BoardData, path: str | Path, *, font_path: str | None = None) -> WrittenFile:
    font = register_cjk_font(font_path)
    st = make_styles(font)
    return write_pdf(path, story(data, st), font=font, title=TITLE, author=data.enterprise_name,
                     subject=f"{data.installation_code} {data.installation_name}", overwrite=True)


def story(data: BoardData, st: Styles) -> list:
    width = frame_width()
    facts = [
        ("企业名称", data.enterprise_name), ("重大危险源名称", f"{data.installation_name}（{data.installation_code}）"),
        ("单元类型", data.kind), ("位置", data.location or "—"), ("级别", f"{data.level}（R = {data.r_value}）"),
        ("备案编号", data.filing_no or "—"),
    ]
    rows = [[para(k, st.cell), para(v, st.cell)] for k, v in facts]
    facts_table = Table(rows, colWidths=[36 * mm, width - 36 * mm])
    facts_table.setStyle(TableStyle(grid_style(st.font, stripes=False) + [
        ("BACKGROUND", (0, 0), (0, -1), HEADER_BG), ("BACKGROUND", (1, 0), (1, 0), colors.white),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    head = [para(h, st.header_cell) for h in ("包保责任", "姓名", "联系电话", "包保检查频次")]
    people = [head] + [[para(p.duty, st.cell_center), para(p.name or "（未指定）", st.cell_center),
                        para(p.phone or "—", st.cell_center), para(p.frequency, st.cell_center)]
                       for p in data.persons]
    people_table = Table(people, colWidths=[32 * mm, 36 * mm, 44 * mm, width - 112 * mm])
    people_table.setStyle(TableStyle(grid_style(st.font) + [("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                                           ("TOPPADDING", (0, 1), (-1, -1), 8),
                                                           ("BOTTOMPADDING", (0, 1), (-1, -1), 8)]))
    warning = st.title.clone("warning", textColor=colors.HexColor(MAJOR_RED_HEX))
    return [
        para(TITLE, warning), Spacer(1, 4 * mm), facts_table, Spacer(1, 6 * mm),
        para("安全包保责任人", st.heading), people_table, Spacer(1, 6 * mm),
        para("依据《危险化学品企业重大危险源安全包保责任制办法（试行）》（应急厅〔2021〕12号）及"
             "AQ 3072-2026《危险化学品重大危险源安全包保责任管理要求》，主要负责人、技术负责人、操作负责人"
             "分别从总体管理、技术管理、操作管理三个层面对本重大危险源实行安全包保。", st.body_indent),
        Spacer(1, 8 * mm), para(f"监管单位：{data.office_name}", st.right),
        para(f"公示日期：{cn_date(data.printed_on)}", st.right),
    ]
