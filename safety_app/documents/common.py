"""Pieces shared by the inspector's documents (notice and re-inspection opinion)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from .layout import Styles, closing, para, splittable_table
from .text import cn_date

RECEIPT_LINE = "被检查单位负责人签收：__________________ 日期：______________"


class Inspector(NamedTuple):
    """An inspector as printed on a document: name and law-enforcement certificate number."""

    name: str
    certificate_no: str


def as_inspectors(items: Sequence[Sequence[str]]) -> list[Inspector]:
    """Accept Inspector objects or plain (name, certificate_no) tuples."""
    inspectors = [Inspector(*item) for item in items]
    if not inspectors:
        raise ValueError("a document needs at least one inspector")
    return inspectors


def inspectors_block(inspectors: Sequence[Inspector], st: Styles) -> list:
    """Names with certificate numbers, and room for the signatures."""
    listed = "；".join(f"{i.name}（执法证号：{i.certificate_no}）" for i in inspectors)
    return closing([
        para(f"检查人员：{listed}", st.body),
        para("检查人员（签名）：________________  ________________", st.body),
    ])


def heading_block(office_name: str, title: str, number: str, st: Styles) -> list:
    """Issuing office, document title and document number, centred."""
    return [para(office_name, st.office), para(title, st.title), para(number, st.number)]


def replaces_block(replaced_number: str | None, st: Styles) -> list:
    """On a reissued document, the number of the document it replaces (under the heading)."""
    if not replaced_number:
        return []
    return [para(f"本文书替代{replaced_number}", st.small_center)]


def issuer_block(office_name: str, on: date, st: Styles, left: object = "") -> Table:
    """Issuing office with seal note and date on the right; ``left`` goes beside it (the QR code)."""
    right = [para(office_name, st.right), para("（印章）", st.right), para(cn_date(on), st.right)]
    table = splittable_table([[left, right]], long=False, colWidths=[40 * mm, None])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return closing([table])[0]


def receipt_block(st: Styles) -> list:
    """The enterprise's acknowledgement line."""
    return closing([Spacer(1, 4 * mm), para(RECEIPT_LINE, st.body)])
