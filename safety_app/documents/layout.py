"""Shared page layout for every document: styles, tables, page footer, output.

Builders describe their content as a list of platypus flowables and hand it
to :func:`write_pdf`; fonts, margins, table look and the atomic write live
here once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib import textsplit as _rl_textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, LongTable, Paragraph, SimpleDocTemplate, Table, TableStyle
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
CELL_LEADING = 12
CELL_PADDING = 3
FOOTER_TITLE_WIDTH = 120 * mm
# A table row taller than the space left splits inside the row (a 4,000-character
# cell runs over several pages); neither part is made shorter than two lines.
SPLIT_IN_ROW = 2 * CELL_LEADING
TALL_ROW = 150 * mm  # a row this tall may have to split: its cells are set at the top
TALL_TEXT = 100      # shorter cells cannot be that tall in any of our columns: not measured


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
        cell=style("cell", CELL_FONT_SIZE, CELL_LEADING),
        cell_center=style("cell_center", CELL_FONT_SIZE, CELL_LEADING, alignment=TA_CENTER),
        header_cell=style("header_cell", CELL_FONT_SIZE, CELL_LEADING, alignment=TA_CENTER),
    )


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of plain (escaped) text."""
    return Paragraph(markup(text), style)


def flow_cell(value: object) -> object:
    """A table cell value that can split across pages.

    reportlab splits a row only through cells that are strings or *lists* of
    flowables; a bare flowable is neither measured nor split, so wrap it.
    """
    if isinstance(value, Flowable):
        return [value]
    return value


class _SplitTallRows:
    """Split a table inside a tall row rather than before it.

    reportlab first tries to split between rows; when the next row is a tall
    one that has to be cut anyway, that leaves half a page empty and repeats
    the header twice on the next page. Cut such a row where the space ends.
    """

    def split(self, availWidth, availHeight):  # noqa: N803 (reportlab's signature)
        # Table.split with one more first choice; _calc measures every row, so it runs once here.
        self._calc(availWidth, availHeight)
        if not rl_config.allowTableBoundsErrors and self._width > availWidth:
            return []
        n = self._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans=1)
        used = sum(self._rowHeights[:n])
        if n < len(self._rowHeights) and self._rowHeights[n] > TALL_ROW and availHeight - used > SPLIT_IN_ROW:
            result = self._splitRows(availHeight, doInRowSplit=1)
            if result:
                return result
        return self._splitRows(availHeight, doInRowSplit=0) or self._splitRows(availHeight, doInRowSplit=1)


class SplittableTable(_SplitTallRows, Table):
    """A Table whose rows split between and inside themselves."""


class SplittableLongTable(_SplitTallRows, LongTable):
    """A LongTable (fast for thousands of rows) whose rows split between and inside themselves."""


def splittable_table(data: list[list[object]], *, long: bool = True, **kw) -> Table:
    """A (Long)Table whose rows split between and, when taller than a page, inside themselves."""
    cls = SplittableLongTable if long else SplittableTable
    rows = [[flow_cell(value) for value in row] for row in data]
    return cls(rows, splitByRow=1, splitInRow=SPLIT_IN_ROW, **kw)


def tall_rows(data: Sequence[Sequence[object]], widths: Sequence[float], limit: float = TALL_ROW) -> list[int]:
    """Indexes of the rows with a cell taller than ``limit`` once wrapped.

    Such a row may be split over pages; its cells are then set at the top
    (a vertically centred cell would be cut in odd places).
    """
    tall = []
    for r, row in enumerate(data):
        for value, width in zip(row, widths, strict=False):
            if isinstance(value, Paragraph) and len(value.text) > TALL_TEXT:
                if value.wrap(width - 2 * CELL_PADDING, 1e6)[1] > limit:
                    tall.append(r)
                    break
    return tall


def grid_style(font: str, *, header_rows: int = 1, total_row: bool = False,
               stripes: bool = True) -> list[tuple]:
    """The common table look: grid, shaded header, optional zebra stripes and totals row."""
    cmds: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_FONT_SIZE),
        ("LEADING", (0, 0), (-1, -1), CELL_LEADING),
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
    """A table that splits across pages (between rows and inside a tall row) and repeats its header row.

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
    cmds.extend(("VALIGN", (0, r), (-1, r), "TOP") for r in tall_rows(data, widths))
    cmds.extend(extra)
    table = splittable_table(data, colWidths=list(widths), repeatRows=1)
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


def footer_title(title: str, font: str, size: float, width: float = FOOTER_TITLE_WIDTH) -> str:
    """``title`` shortened with an ellipsis to fit ``width`` (a long scope name must not run off the page)."""
    if stringWidth(title, font, size) <= width:
        return title
    lo, hi = 0, len(title)
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if stringWidth(title[:mid] + "…", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return title[:lo] + "…"


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
        canvas.drawCentredString(pagesize[0] / 2, MARGIN / 2,
                                 f"{footer_title(title, font, 8)}  第 {doc.page} 页")
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
