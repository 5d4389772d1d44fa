"""Charts shared by the dashboard (inline SVG) and the monthly PDF report.

Each function takes plain lists and returns a reportlab ``Drawing``; the PDF
flows the drawing directly, the dashboard calls :func:`to_svg`.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from safety_app.documents.fonts import register_cjk_font

FOUND_COLOR = colors.HexColor("#D9822B")
CLOSED_COLOR = colors.HexColor("#2B7BB9")
CATEGORY_COLOR = colors.HexColor("#4A7EBB")
TEXT_COLOR = colors.HexColor("#333333")
DEFAULT_TREND_LABELS = ("发现", "销号")
NO_DATA = "暂无数据"
# Browsers draw the SVG text themselves: offer them common Chinese fonts.
SVG_FONT_STACK = ("'WenQuanYi Zen Hei', 'Noto Sans CJK SC', 'Source Han Sans SC', "
                  "'PingFang SC', 'Microsoft YaHei', sans-serif")


def trend_chart(
    months: Sequence[str],
    found: Sequence[int],
    closed: Sequence[int],
    *,
    labels: Sequence[str] = DEFAULT_TREND_LABELS,
    width: float = 480,
    height: float = 200,
    font_name: str | None = None,
) -> Drawing:
    """Grouped bars of hazards found vs closed per month, with a legend.

    ``months`` are ``'YYYY-MM'`` strings (shown as ``11月``, the year added at
    the first month and at each January) or any ready-made labels.
    """
    if not (len(months) == len(found) == len(closed)):
        raise ValueError("months, found and closed must have the same length")
    font = font_name or register_cjk_font()
    drawing = Drawing(width, height)
    if not months:
        return _no_data(drawing, font)

    chart = VerticalBarChart()
    chart.x, chart.y = 36, 34
    chart.width, chart.height = width - chart.x - 10, height - chart.y - 28
    chart.data = [list(found), list(closed)]
    chart.groupSpacing = 6
    chart.barSpacing = 1
    chart.bars[0].fillColor = FOUND_COLOR
    chart.bars[1].fillColor = CLOSED_COLOR
    chart.bars.strokeColor = None
    chart.categoryAxis.categoryNames = _month_labels(months)
    _style_labels(chart.categoryAxis.labels, font, 7)
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.dy = -3
    _integer_axis(chart.valueAxis, max([*found, *closed]))
    _style_labels(chart.valueAxis.labels, font, 7)
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    drawing.add(chart)

    legend = Legend()
    legend.x, legend.y = width - 10, height - 6
    legend.alignment = "right"
    legend.boxAnchor = "ne"
    legend.columnMaximum = 1
    legend.deltax = 50
    legend.dx = legend.dy = 8
    legend.fontName, legend.fontSize = font, 8
    legend.colorNamePairs = [(FOUND_COLOR, str(labels[0])), (CLOSED_COLOR, str(labels[1]))]
    drawing.add(legend)
    return drawing


def category_chart(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    width: float = 480,
    bar_height: float = 16,
    font_name: str | None = None,
) -> Drawing:
    """Horizontal bars, one per category, first label on top, values at bar ends."""
    if len(labels) != len(values):
        raise ValueError("labels and values must have the same length")
    font = font_name or register_cjk_font()
    if not labels:
        return _no_data(Drawing(width, 60), font)

    font_size = 8
    max_label = width * 0.4
    shown = [_fit(str(label), font, font_size, max_label) for label in labels]
    label_width = max(stringWidth(s, font, font_size) for s in shown)
    height = len(labels) * bar_height + 30
    drawing = Drawing(width, height)

    chart = HorizontalBarChart()
    chart.x, chart.y = label_width + 10, 18
    chart.width, chart.height = width - chart.x - 30, height - chart.y - 8
    # reportlab draws the first category at the bottom: reverse to read top-down.
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(shown))
    chart.bars[0].fillColor = CATEGORY_COLOR
    chart.bars.strokeColor = None
    chart.barSpacing = 2
    chart.groupSpacing = 4
    _style_labels(chart.categoryAxis.labels, font, font_size)
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    _integer_axis(chart.valueAxis, max(values))
    _style_labels(chart.valueAxis.labels, font, 7)
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def to_svg(drawing: Drawing, title: str | None = None) -> str:
    """Render a drawing as an ``<svg>`` element that is safe to inline in HTML.

    The XML prolog and DOCTYPE are dropped; text is XML-escaped by the DOM
    serializer, so a label such as ``<script>`` arrives as inert text. The
    ids reportlab always names ``clip``/``group`` are made unique, otherwise
    several charts on one page would share the first chart's clip path.
    ``title`` (escaped) becomes the accessible name.
    """
    svg = renderSVG.drawToString(drawing)
    svg = svg[svg.index("<svg"):].strip()
    suffix = hashlib.sha1(svg.encode()).hexdigest()[:10]
    svg = svg.replace('id="clip"', f'id="clip-{suffix}"').replace("url(#clip)", f"url(#clip-{suffix})")
    svg = svg.replace('id="group"', f'id="group-{suffix}"')
    svg = re.sub(r"font-family: [^;\"]*", "font-family: " + SVG_FONT_STACK, svg)
    accessible = f"<title>{escape(title)}</title>" if title else ""
    svg = re.sub(r"\s*<title>\.\.\.</title>\s*<desc>\.\.\.</desc>", accessible, svg, count=1)
    return svg.replace("<svg ", '<svg role="img" ', 1)


def _no_data(drawing: Drawing, font: str) -> Drawing:
    drawing.add(String(drawing.width / 2, drawing.height / 2 - 4, NO_DATA,
                       fontName=font, fontSize=10, fillColor=TEXT_COLOR, textAnchor="middle"))
    return drawing


def _style_labels(labels, font: str, size: float) -> None:
    labels.fontName = font
    labels.fontSize = size
    labels.fillColor = TEXT_COLOR


def _integer_axis(axis, peak: int) -> None:
    """Whole-number ticks from 0, about five of them; an all-zero series still gets 0..1."""
    peak = max(int(peak), 1)
    raw = peak / 5
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(int(step), 1)
    axis.valueMin = 0
    axis.valueStep = step
    axis.valueMax = step * math.ceil(peak / step)
    axis.labelTextFormat = "%d"
    axis.strokeColor = colors.HexColor("#888888")


def _month_labels(months: Sequence[str]) -> list[str]:
    out = []
    for i, month in enumerate(months):
        match = re.fullmatch(r"(\d{4})-(\d{2})", str(month))
        if not match:
            out.append(str(month))
            continue
        number = int(match[2])
        out.append(f"{number}月\n{match[1]}" if i == 0 or number == 1 else f"{number}月")
    return out


def _fit(text: str, font: str, size: float, max_width: float) -> str:
    """Shorten a label with an ellipsis so it fits ``max_width``."""
    if stringWidth(text, font, size) <= max_width:
        return text
    while text and stringWidth(text + "…", font, size) > max_width:
        text = text[:-1]
    return text + "…"
