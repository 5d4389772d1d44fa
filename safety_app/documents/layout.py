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
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, LongTable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .. import clock
from . import linebreak
from .atomic import WrittenFile, write_atomically
from .text import markup

linebreak.install()  # 禁则 and whole standard numbers in every paragraph

MARGIN = 20 * mm
HEADER_BG = colors.HexColor("#E8EEF5")
STRIPE_BG = colors.HexColor("#F7F9FC")
TOTAL_BG = colors.HexColor("#EFEFEF")
GRID = colors.HexColor("#555555")
MAJOR_RED_HEX = "#C00000"
CELL_FONT_SIZE = 9
CELL_LEADING = 12
CELL_PADDING = 3
HEADER_FONT_SIZE = 8
HEADER_LEADING = 10
HEADER_LINES = 2  # a running header or footer wraps to at most this many lines, then is shortened
HEADER_GAP = 3 * mm  # between the running header/footer and the body
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
    small_center: ParagraphStyle
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
        small_center=style("small_center", 9, 13, alignment=TA_CENTER, spaceAfter=6,
                           textColor=colors.HexColor("#333333")),
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


def footer_title(title: str, font: str, size: float = HEADER_FONT_SIZE, width: float | None = None,
                 lines: int = HEADER_LINES, reserve: str = "") -> str:
    """``title`` as it fits on ``lines`` wrapped lines of ``width`` (with ``reserve`` after it).

    A running header or footer wraps; a text longer than that (a 4,000-character
    name) is shortened with an ellipsis, so it never runs off the page or into the body.
    """
    width = frame_width() if width is None else width
    style = _running_style(font, size)

    def fits(text: str) -> bool:
        return Paragraph(markup(text + reserve), style).wrap(width, 1e6)[1] <= lines * style.leading + 0.1

    if fits(title):
        return title
    lo, hi = 0, len(title)
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if fits(title[:mid] + "…"):
            lo = mid
        else:
            hi = mid - 1
    return title[:lo] + "…"


def _running_style(font: str, size: float = HEADER_FONT_SIZE) -> ParagraphStyle:
    return ParagraphStyle("running", fontName=font, fontSize=size, leading=size * HEADER_LEADING / HEADER_FONT_SIZE,
                          alignment=TA_CENTER, wordWrap="CJK", textColor=colors.HexColor("#666666"))


def frame_width(pagesize: tuple[float, float] = A4) -> float:
    """Usable width between the margins."""
    return pagesize[0] - 2 * MARGIN


class KeepWithClosing(KeepTogether):
    """The last piece of content (``lead``) and the closing block (signatures, seal, date) on one page.

    When the block does not fit below the content, the content is split so that
    its end (at least a line of a paragraph or a row of a table) moves to the
    next page with the block: the block never stands alone on a page.
    """

    def __init__(self, lead: Flowable, block: Sequence[Flowable]):
        block = _flatten(block)  # a nested KeepTogether measures as "infinitely tall"
        super().__init__([lead, *block])
        self._lead = lead
        self._block = block

    def split(self, aW, aH):  # noqa: N803 (reportlab's signature)
        self.wrap(aW, aH)
        if self._H <= aH:
            return list(self._content)  # everything fits here
        frame = getattr(self, "_frame", None)
        at_top = bool(frame is not None and getattr(frame, "_atTop", False))
        lead_h = self._H0
        block_h = self._H - lead_h
        if block_h >= aH and at_top:  # the block alone needs a whole page: let it flow
            return self._flow(aW, aH)
        # Cut the lead so that its tail goes with the block: as much as fits here, never all of it.
        cut = min(aH, lead_h - 1)
        parts = self._lead.split(aW, cut) if cut > 0 else []
        if len(parts) == 2:
            head, tail = parts
            return [head, KeepWithClosing(tail, self._block)]
        if at_top:  # an unsplittable lead with the block is taller than a page
            return self._flow(aW, aH)
        return [self.FrameBreak(), KeepWithClosing(self._lead, self._block)]  # try again on the next page

    def _flow(self, aW, aH):  # noqa: N803
        """Give up keeping together: the lead as it splits here, then the block."""
        parts = self._lead.split(aW, aH) if self._H0 > aH else []
        return [*(parts or [self._lead]), *self._block]


def _flatten(flowables: Sequence[Flowable]) -> list[Flowable]:
    out: list[Flowable] = []
    for flowable in flowables:
        if isinstance(flowable, KeepTogether) and not isinstance(flowable, KeepWithClosing):
            out += _flatten(flowable._content)
        else:
            out.append(flowable)
    return out


def keep_with_closing(story: list, block: Sequence[Flowable]) -> list:
    """``story`` followed by the closing ``block``, the block kept with the content before it.

    The last flowable of ``story`` that is not a Spacer becomes the lead; the
    spacers after it go with the block.
    """
    story = list(story)
    index = len(story) - 1
    while index >= 0 and isinstance(story[index], Spacer):
        index -= 1
    if index < 0:
        return story + list(block)
    lead = story[index]
    if isinstance(lead, KeepTogether) and not isinstance(lead, KeepWithClosing):
        return story[:index] + list(lead._content[:-1]) + keep_with_closing(
            [lead._content[-1]], [*story[index + 1:], *block])
    return story[:index] + [KeepWithClosing(lead, [*story[index + 1:], *block])]


def closing(flowables: Sequence[Flowable]) -> list[Flowable]:
    """Mark ``flowables`` as (the start of) a document's closing block: signatures, seal, date.

    :func:`write_pdf` keeps everything from the first marked flowable on with
    the content before it (:class:`KeepWithClosing`).
    """
    for flowable in flowables:
        flowable._closing_block = True
    return list(flowables)


def _keep_closing_with_content(story: list) -> list:
    start = next((i for i, f in enumerate(story) if getattr(f, "_closing_block", False)), None)
    if start is None or start == 0:
        return story
    return keep_with_closing(story[:start], story[start:])


def pdf_date(moment) -> str:
    """A PDF date string (``D:YYYYMMDDHHmmSS+00'00'``) for a naive-UTC ``moment``."""
    return moment.strftime("D:%Y%m%d%H%M%S+00'00'")


def write_pdf(
    path: str | Path,
    story: list,
    *,
    font: str,
    title: str,
    author: str,
    subject: str = "",
    number: str | None = None,
    pagesize: tuple[float, float] = A4,
    overwrite: bool = False,
) -> WrittenFile:
    """Lay out ``story`` on pages and write it atomically to ``path``.

    Every page has a footer (title and page number); continuation pages a header
    with the title and the document ``number`` (default ``subject``), so a
    loose page is identified. Both wrap to two lines. The PDF's creation and
    modification dates are the real time of writing (``clock.utcnow``).
    """
    width = frame_width(pagesize)
    running = _running_style(font)
    number = subject if number is None else number
    footer_text = footer_title(title, font, width=width, reserve="  第 9999 页")
    header_text = footer_title(f"{title}　{number}".strip(), font, width=width)
    created = pdf_date(clock.utcnow())

    def running_text(canvas, text: str, *, top: float | None = None, bottom: float | None = None) -> None:
        p = Paragraph(markup(text), running)
        _, h = p.wrap(width, pagesize[1])
        p.drawOn(canvas, MARGIN, top - h if top is not None else bottom)

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setDateFormatter(lambda *_: created)
        running_text(canvas, f"{footer_text}  第 {doc.page} 页", top=MARGIN - HEADER_GAP)
        if doc.page > 1:
            running_text(canvas, header_text, bottom=pagesize[1] - MARGIN + HEADER_GAP)
        canvas.restoreState()

    def render(fileobj) -> None:
        doc = SimpleDocTemplate(
            fileobj, pagesize=pagesize,
            leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
            title=title, author=author, subject=subject, creator="safety_app",
            invariant=1,  # no random ID: same data at the same second → same bytes
        )
        doc.build(_keep_closing_with_content(story), onFirstPage=decorate, onLaterPages=decorate)

    return write_atomically(path, render, overwrite=overwrite)
