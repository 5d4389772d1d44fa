"""Shared page layout for every document: styles, tables, page footer, output.

Builders describe their content as a list of platypus flowables and hand it
to :func:`write_pdf`; fonts, margins, table look and the atomic write live
here once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib import textsplit as _rl_textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, LongTable, Paragraph, SimpleDocTemplate, TableStyle
from reportlab.platypus import paragraph as _rl_paragraph

from .atomic import WrittenFile, write_atomically
from .text import markup

# reportlab's CJK line breaking lets full-width ，；：！？》” start a line, which
# Chinese typesetting forbids (避头点); add them to its "cannot start a line" set.
# Both line breakers read the module global, so patch both modules.
_CN_CANNOT_START = "，；：！？》”’〉"
for _module in (_rl_textsplit, _rl_paragraph):
    _module.ALL_CANNOT_START += "".join(
        c for c in _CN_CANNOT_START if c not in _module.ALL_CANNOT_START)

MARGIN = 20 * mm
HEADER_BG = colors.HexColor("#E8EEF5")
STRIPE_BG = colors.HexColor("#F7F9FC")
TOTAL_BG = colors.HexColor("#EFEFEF")
GRID = colors.HexColor("#555555")
MAJOR_RED_HEX = "#C00000"
CELL_FONT_SIZE = 9
CELL_PADDING = 3


@dataclass(frozen=True)
class Styles:
    """Paragraph styles of one document, all in the chosen Chinese font."""

    font: str
    office: ParagraphStyle
    title: ParagraphStyle
    number: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    body_indent: ParagraphStyle
    right: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    header_cell: ParagraphStyle


def make_styles(font: str) -> Styles:
    """Build the paragraph styles for ``font`` (CJK line breaking everywhere)."""

    def style(name: str, size: float, leading: float, **kw) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading,
                              wordWrap="CJK", **kw)

    return Styles(
        font=font,
        office=style("office", 13, 18, alignment=TA_CENTER, spaceAfter=2),
        title=style("title", 20, 28, alignment=TA_CENTER, spaceBefore=4, spaceAfter=6),
        number=style("number", 11, 16, alignment=TA_CENTER, spaceAfter=10),
        heading=style("heading", 13, 18, spaceBefore=10, spaceAfter=6),
        body=style("body", 11, 18, alignment=TA_LEFT, spaceAfter=4),
        body_indent=style("body_indent", 11, 18, firstLineIndent=22, spaceAfter=4),
        right=style("right", 11, 18, alignment=TA_RIGHT),
        small=style("small", 9, 13, textColor=colors.HexColor("#333333")),
        cell=style("cell", CELL_FONT_SIZE, 12),
        cell_center=style("cell_center", CELL_FONT_SIZE, 12, alignment=TA_CENTER),
        header_cell=style("header_cell", CELL_FONT_SIZE, 12, alignment=TA_CENTER),
    )


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of plain (escaped) text."""
    return Paragraph(markup(text), style)


def grid_style(font: str, *, header_rows: int = 1, total_row: bool = False,
               stripes: bool = True) -> list[tuple]:
    """The common table look: grid, shaded header, optional zebra stripes and totals row."""
    cmds: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_FONT_SIZE),
        ("LEADING", (0, 0), (-1, -1), 12),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_BG),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    if stripes:
        cmds.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [None, STRIPE_BG]))
    if total_row:
        cmds.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_BG))
    return cmds


def data_table(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    widths: Sequence[float],
    st: Styles,
    *,
    wrap: Iterable[int] = (),
    center: Iterable[int] = (),
    total_row: bool = False,
    extra: Sequence[tuple] = (),
) -> LongTable:
    """A table that splits across pages and repeats its header row.

    Columns listed in ``wrap`` become Paragraphs (long Chinese text wraps
    inside the column); the others stay plain strings, which is much faster
    for thousands of rows and fine for codes, dates and numbers. A cell that
    is already a flowable is kept as it is.
    """
    wrap = set(wrap)
    center = set(center)
    data: list[list[object]] = [[para(h, st.header_cell) for h in header]]
    for row in rows:
        data.append([_cell(value, st, widths[i], i in wrap, i in center)
                     for i, value in enumerate(row)])
    cmds = grid_style(st.font, total_row=total_row)
    for i in center:
        cmds.append(("ALIGN", (i, 1), (i, -1), "CENTER"))
    cmds.extend(extra)
    table = LongTable(data, colWidths=list(widths), repeatRows=1)
    table.setStyle(TableStyle(cmds))
    return table


def _cell(value: object, st: Styles, width: float, wrap: bool, center: bool) -> object:
    if isinstance(value, Flowable):
        return value
    text = str(value)
    # A plain string never wraps: fall back to a Paragraph rather than spill over the grid.
    if wrap or stringWidth(text, st.font, CELL_FONT_SIZE) + 2 * CELL_PADDING > width:
        return para(text, st.cell_center if center else st.cell)
    return text


def frame_width(pagesize: tuple[float, float] = A4) -> float:
    """Usable width between the margins."""
    return pagesize[0] - 2 * MARGIN


def write_pdf(
    path: str | Path,
    story: list,
    *,
    font: str,
    title: str,
    author: str,
    subject: str = "",
    pagesize: tuple[float, float] = A4,
    overwrite: bool = False,
) -> WrittenFile:
    """Lay out ``story`` on pages with a footer and write it atomically to ``path``."""

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawCentredString(pagesize[0] / 2, MARGIN / 2, f"{title}  第 {doc.page} 页")
        canvas.restoreState()

    def render(fileobj) -> None:
        doc = SimpleDocTemplate(
            fileobj, pagesize=pagesize,
            leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
            title=title, author=author, subject=subject, creator="safety_app",
            invariant=1,  # same data → same bytes → same sha256
        )
        doc.build(story, onFirstPage=footer, onLaterPages=footer)

    return write_atomically(path, render, overwrite=overwrite)
