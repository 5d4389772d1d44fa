"""Charts shared by the dashboard (inline SVG) and the monthly PDF report.

Each function takes plain lists and returns a reportlab ``Drawing``; the PDF
flows the drawing directly, the dashboard calls :func:`to_svg`.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Group, Line, PolyLine, Rect, String, UserNode
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from safety_app.documents.fonts import register_cjk_font

# reportlab checks every attribute set on a shape against its declared type, a development aid
# (rl_config: "0 for production") that took two thirds of a chart's time; the charts' tests
# render every chart, so a wrong attribute still shows as a wrong drawing.
rl_config.shapeChecking = 0

FOUND_COLOR = colors.HexColor("#D9822B")
CLOSED_COLOR = colors.HexColor("#2B7BB9")
CATEGORY_COLOR = colors.HexColor("#4A7EBB")
TEXT_COLOR = colors.HexColor("#333333")
DEFAULT_TREND_LABELS = ("发现", "销号")
NO_DATA = "暂无数据"
HIT_COLOR = colors.Color(1, 1, 1, alpha=0)  # invisible, yet a painted fill: it takes the taps


class BarLink(NamedTuple):
    """Where a chart bar leads (a URL) and its accessible name (e.g. "2026年11月 发现 5 项")."""

    href: str
    title: str

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
    font_size: float | None = None,
    links: Sequence[BarLink] | None = None,
) -> Drawing:
    """Horizontal bars, one per category, first label on top, values at bar ends.

    ``font_size`` (default: the PDF's 8 for the labels, 7 for the numbers) sets every text of the
    chart; ``links``: one ``BarLink`` per category, each bar's row then opens it (SVG only)."""
    if len(labels) != len(values):
        raise ValueError("labels and values must have the same length")
    if links is not None and len(links) != len(labels):
        raise ValueError("links and labels must have the same length")
    font = font_name or register_cjk_font()
    if not labels:
        return _no_data(Drawing(width, 60), font)

    sized = font_size is not None
    number_size = font_size or 7
    font_size = font_size or 8
    max_label = width * 0.4
    shown = [_fit(str(label), font, font_size, max_label) for label in labels]
    label_width = max(stringWidth(s, font, font_size) for s in shown)
    height = len(labels) * bar_height + 30
    drawing = Drawing(width, height)

    chart = _LinkedHorizontalBars()
    # (The PDF's margins, unchanged, unless the text is sized for a screen.)
    chart.x, chart.y = label_width + 10, (10 + number_size if sized else 18)
    chart.width = width - chart.x - (10 + 3 * number_size if sized else 30)
    chart.height = height - chart.y - 8
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
    _style_labels(chart.valueAxis.labels, font, number_size)
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = number_size
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    if links:
        chart.set_links({(0, len(links) - 1 - i): link for i, link in enumerate(links)}, hit_x=0)
    drawing.add(chart)
    return drawing


def trend_rows_chart(
    months: Sequence[str],
    found: Sequence[int],
    closed: Sequence[int],
    *,
    labels: Sequence[str] = DEFAULT_TREND_LABELS,
    links: Sequence[tuple[BarLink, BarLink]] | None = None,
    width: float = 320,
    font_size: float = 12,
    bar_height: float = 16,
    font_name: str | None = None,
) -> Drawing:
    """The trend of :func:`trend_chart` for a phone screen: one row per month (oldest on top), a bar
    for found and one for closed, the number at each bar's end, every text ``font_size``.

    ``links``: per month a pair of ``BarLink`` (found, closed); each bar then opens its own."""
    if not (len(months) == len(found) == len(closed)):
        raise ValueError("months, found and closed must have the same length")
    if links is not None and len(links) != len(months):
        raise ValueError("links and months must have the same length")
    font = font_name or register_cjk_font()
    if not months:
        return _no_data(Drawing(width, 60), font)

    names = _month_labels(months, "{y}年{m}月")
    label_width = max(stringWidth(n, font, font_size) for n in names)
    gap, spacing = 14, 2  # with 16-unit bars, each bar's tappable row is 24 units tall
    legend_height = font_size + 10
    height = len(months) * (2 * bar_height + spacing + gap) + font_size + 10 + legend_height
    drawing = Drawing(width, height)

    chart = _LinkedHorizontalBars()
    chart.x, chart.y = label_width + 8, font_size + 10
    chart.width = width - chart.x - 8 - 3 * font_size
    chart.height = height - chart.y - legend_height - 4
    # Top-down reading: reportlab draws the first category, and in each the first series, at the
    # bottom; so the months are reversed and "closed" comes first (drawn under "found").
    chart.data = [list(reversed(closed)), list(reversed(found))]
    chart.categoryAxis.categoryNames = list(reversed(names))
    chart.bars[0].fillColor = CLOSED_COLOR
    chart.bars[1].fillColor = FOUND_COLOR
    chart.bars.strokeColor = None
    chart.barSpacing = spacing
    chart.groupSpacing = gap
    _style_labels(chart.categoryAxis.labels, font, font_size)
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    _integer_axis(chart.valueAxis, max([*found, *closed]))
    _style_labels(chart.valueAxis.labels, font, font_size)
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = font_size
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    if links:
        last = len(links) - 1
        chart.set_links({(series, last - i): pair[1 - series] for i, pair in enumerate(links) for series in (0, 1)},
                        hit_x=0)
    drawing.add(chart)

    legend = Legend()
    legend.x, legend.y = width - 4, height - 4
    legend.alignment = "right"
    legend.boxAnchor = "ne"
    legend.columnMaximum = 1
    legend.deltax = stringWidth(str(labels[0]), font, font_size) + 3 * font_size
    legend.dx = legend.dy = font_size * 0.8
    legend.fontName, legend.fontSize = font, font_size
    legend.colorNamePairs = [(FOUND_COLOR, str(labels[0])), (CLOSED_COLOR, str(labels[1]))]
    drawing.add(legend)
    return drawing


class _LinkedHorizontalBars(HorizontalBarChart):
    """Horizontal bars each of which may open a link: a transparent rectangle over the bar's whole
    row (from ``hit_x`` to the plot's right edge) inside an SVG ``<a>`` titled for screen readers,
    so a short bar — or a zero — is as easy to tap as a long one. The PDF never sets links."""

    def set_links(self, links: dict, hit_x: float = None) -> None:
        # Plain attributes: reportlab's attribute checking knows only its own.
        self.__dict__["_links"] = links
        self.__dict__["_hit_x"] = hit_x

    def makeBars(self):
        group = super().makeBars()
        links = self.__dict__.get("_links")
        if not links:
            return group
        hit_x = self.__dict__.get("_hit_x")
        left = self.x if hit_x is None else hit_x
        right = self.x + self.width + 3 * self.barLabels.fontSize
        # Each bar's row reaches halfway to its neighbours (and to the plot's edges): the rows
        # tile the plot, so the whole height is tappable.
        spans = sorted((y, y + h, key) for key, (_x, y, _w, h) in
                       ((key, self._barPositions[key[0]][key[1]]) for key in links))
        edges = [self.y] + [(top + nxt) / 2 for (_b, top, _k), (nxt, _t, _n) in pairwise(spans)] \
            + [self.y + self.height]
        for (_bottom, _top, key), (low, high) in zip(spans, pairwise(edges), strict=True):
            link = links[key]
            hit = Rect(left, low, right - left, high - low, fillColor=HIT_COLOR, strokeColor=None)
            hit.__dict__["hrefURL"] = link.href
            hit.__dict__["hrefTitle"] = link.title
            group.add(hit)
        return group


SERIES_COLOR = colors.HexColor("#2B7BB9")
RANGE_COLOR = colors.HexColor("#B9D3EA")
HIGH_COLOR = colors.HexColor("#C0392B")
WARN_COLOR = colors.HexColor("#D9822B")
LIMIT_COLORS = {"HH": HIGH_COLOR, "H": WARN_COLOR, "L": WARN_COLOR, "LL": HIGH_COLOR}


def series_chart(
    hours: Sequence[float],
    values: Sequence[float],
    *,
    lows: Sequence[float] | None = None,
    highs: Sequence[float] | None = None,
    limits: dict | None = None,
    span_hours: float = 24,
    end_label: str = "",
    unit: str = "",
    width: float = 340,
    height: float = 150,
    font_name: str | None = None,
) -> Drawing:
    """A measured value over time (e.g. a point's last 24 hours): the mean per bucket as a line,
    the bucket's min..max as a light band, and the alarm limits (``{"LL", "L", "H", "HH"}``,
    missing ones left out) as dashed horizontal lines.

    ``hours`` are the buckets' positions in hours from the start of the window (0..``span_hours``);
    the x axis is labelled in hours before ``end_label`` ("-24h" … "now")."""
    if len(hours) != len(values):
        raise ValueError("hours and values must have the same length")
    font = font_name or register_cjk_font()
    drawing = Drawing(width, height)
    if not hours:
        return _no_data(drawing, font)
    limits = {k: v for k, v in (limits or {}).items() if v is not None}
    low_band = list(lows) if lows is not None else list(values)
    high_band = list(highs) if highs is not None else list(values)
    ys = [*values, *low_band, *high_band, *limits.values()]
    y_min, y_max = min(ys), max(ys)
    pad = (y_max - y_min) * 0.08 or max(abs(y_max) * 0.05, 1.0)
    plot = LinePlot()
    plot.x, plot.y = 42, 22
    plot.width, plot.height = width - plot.x - 28, height - plot.y - 12
    # The plot draws only the axes and grid (one invisible line); the series are drawn as three
    # polylines in the plot's coordinates: LinePlot's per-point styling costs ~25 ms for 3 × 288 points.
    plot.data = [[(0, y_min), (span_hours, y_max)]]
    plot.lines[0].strokeColor = None
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, span_hours
    plot.xValueAxis.valueSteps = [0, span_hours / 4, span_hours / 2, span_hours * 3 / 4, span_hours]
    plot.xValueAxis.labelTextFormat = lambda x: end_label if x >= span_hours else f"-{span_hours - x:g}h"
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = y_min - pad, y_max + pad
    plot.yValueAxis.labelTextFormat = "%.4g"
    plot.yValueAxis.visibleGrid = True
    plot.yValueAxis.gridStrokeColor = colors.HexColor("#EEEEEE")
    _style_labels(plot.xValueAxis.labels, font, 7)
    _style_labels(plot.yValueAxis.labels, font, 7)
    drawing.add(plot)
    y_scale = plot.height / ((y_max + pad) - (y_min - pad))
    x_scale = plot.width / span_hours

    def points(ys):
        out = []
        for h, v in zip(hours, ys, strict=True):
            out += (plot.x + h * x_scale, plot.y + (v - (y_min - pad)) * y_scale)
        return out

    for series, color, stroke in ((high_band, RANGE_COLOR, 1), (low_band, RANGE_COLOR, 1), (values, SERIES_COLOR, 1.4)):
        drawing.add(PolyLine(points(series), strokeColor=color, strokeWidth=stroke))
    for name, limit in limits.items():
        y = plot.y + (limit - (y_min - pad)) * y_scale
        drawing.add(Line(plot.x, y, plot.x + plot.width, y, strokeColor=LIMIT_COLORS.get(name, WARN_COLOR),
                         strokeWidth=0.8, strokeDashArray=[3, 2]))
        drawing.add(String(plot.x + plot.width + 2, y - 2.5, name, fontName=font, fontSize=6.5,
                           fillColor=LIMIT_COLORS.get(name, WARN_COLOR)))
    if unit:
        drawing.add(String(4, height - 9, unit, fontName=font, fontSize=7, fillColor=TEXT_COLOR))
    return drawing


def to_svg(drawing: Drawing, title: str | None = None) -> str:
    """Render a drawing as an ``<svg>`` element that is safe to inline in HTML.

    Text is XML-escaped, so a label such as ``<script>`` arrives as inert text; the clip
    path's id is unique to the chart (several charts share a page); ``title`` (escaped) becomes
    the accessible name; a bar with a link (``_LinkedHorizontalBars``) is an ``<a
    class="bar-link">`` named by its ``<title>``. The shapes the charts use (groups, rectangles,
    lines, polylines, text) are written directly (``_SvgWriter``, about 1 ms a chart, where
    reportlab's SVG renderer took about 35 ms); a drawing with any other shape goes through
    reportlab's renderer.
    """
    try:
        body = _SvgWriter().drawing(drawing)
    except _Unsupported:
        return _reportlab_svg(drawing, title)
    suffix = hashlib.sha1(body.encode()).hexdigest()[:10]
    links = 'class="bar-link"' in body
    role = "group" if links else "img"  # an image hides its links from screen readers
    label = f' aria-label="{escape(title, _QUOTE)}"' if role == "group" and title else ""
    accessible = f"<title>{escape(title)}</title>" if title else ""
    w, h = _num(drawing.width), _num(drawing.height)
    return (f'<svg role="{role}"{label} width="{w}" height="{h}" preserveAspectRatio="xMinYMin meet" '
            f'viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg">{accessible}'
            f'<clipPath id="clip-{suffix}"><rect x="0" y="0" width="{w}" height="{h}"/></clipPath>'
            f'<g transform="scale(1,-1) translate(0,-{h})" style="clip-path: url(#clip-{suffix}); '
            f'font-family: {SVG_FONT_STACK}">{body}</g></svg>')


_QUOTE = {'"': "&quot;"}
_ANCHORS = {"start": "start", "middle": "middle", "end": "end", "numeric": "end"}


class _Unsupported(Exception):
    """A shape the direct writer does not draw."""


def _num(value) -> str:
    """A coordinate as short as it is exact to a hundredth of a unit."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _paint(color) -> tuple[str, float]:
    if color is None:
        return "none", 1.0
    return f"#{int(round(color.red * 255)):02x}{int(round(color.green * 255)):02x}{int(round(color.blue * 255)):02x}", \
        float(getattr(color, "alpha", 1) or 0)


class _SvgWriter:
    """reportlab's shape tree as SVG, in reportlab's coordinates (y up: the caller flips the root)."""

    def drawing(self, drawing: Drawing) -> str:
        out = []
        for node in drawing.contents:
            self.node(node, out)
        return "".join(out)

    def node(self, node, out):
        if isinstance(node, UserNode):
            node = node.provideNode()
        kind = type(node)
        if kind is Group or isinstance(node, Group):
            transform = tuple(node.transform)
            if transform != (1, 0, 0, 1, 0, 0):
                out.append(f'<g transform="matrix({",".join(_num(v) for v in transform)})">')
            else:
                out.append("<g>")
            for child in node.contents:
                self.node(child, out)
            out.append("</g>")
        elif kind is Rect:
            shape = (f'<rect x="{_num(node.x)}" y="{_num(node.y)}" width="{_num(node.width)}" '
                     f'height="{_num(node.height)}"{self.fill(node)}{self.stroke(node)}/>')
            href = node.__dict__.get("hrefURL")
            if href:
                title = escape(node.__dict__.get("hrefTitle") or "")
                shape = f'<a href="{escape(href, _QUOTE)}" class="bar-link"><title>{title}</title>{shape}</a>'
            out.append(shape)
        elif kind is Line or kind is PolyLine:
            stroke = self.stroke(node)
            if not stroke:  # nothing to see (reportlab draws nothing either)
                return
            if kind is Line:
                out.append(f'<line x1="{_num(node.x1)}" y1="{_num(node.y1)}" x2="{_num(node.x2)}" '
                           f'y2="{_num(node.y2)}"{stroke}/>')
            else:
                points = " ".join(f"{_num(x)},{_num(y)}"
                                  for x, y in zip(node.points[::2], node.points[1::2], strict=True))
                out.append(f'<polyline points="{points}" fill="none"{stroke}/>')
        elif kind is String:
            fill, alpha = _paint(node.fillColor)
            opacity = f"; fill-opacity: {_num(alpha)}" if alpha < 1 else ""
            anchor = _ANCHORS.get(node.textAnchor, "start")
            anchor = f' text-anchor="{anchor}"' if anchor != "start" else ""
            out.append(f'<text transform="translate({_num(node.x)},{_num(node.y)}) scale(1,-1)"{anchor} '
                       f'style="font-size: {_num(node.fontSize)}px; fill: {fill}{opacity}">{escape(str(node.text))}</text>')
        else:
            raise _Unsupported(kind.__name__)

    @staticmethod
    def fill(node) -> str:
        fill, alpha = _paint(getattr(node, "fillColor", None))
        opacity = f' fill-opacity="{_num(alpha)}"' if alpha < 1 else ""
        return f' fill="{fill}"{opacity}'

    @staticmethod
    def stroke(node) -> str:
        color = getattr(node, "strokeColor", None)
        width = getattr(node, "strokeWidth", 1)
        if color is None or not width:
            return ""
        stroke, alpha = _paint(color)
        out = f' stroke="{stroke}" stroke-width="{_num(width)}"'
        if alpha < 1:
            out += f' stroke-opacity="{_num(alpha)}"'
        dash = getattr(node, "strokeDashArray", None)
        if dash:
            out += f' stroke-dasharray="{" ".join(_num(v) for v in dash)}"'
        return out


def _reportlab_svg(drawing: Drawing, title: str | None) -> str:
    """reportlab's own renderer, made inline-safe the same way (shapes the direct writer lacks)."""
    svg = renderSVG.drawToString(drawing)
    svg = svg[svg.index("<svg"):].strip()
    suffix = hashlib.sha1(svg.encode()).hexdigest()[:10]
    svg = svg.replace('id="clip"', f'id="clip-{suffix}"').replace("url(#clip)", f"url(#clip-{suffix})")
    svg = svg.replace('id="group"', f'id="group-{suffix}"')
    svg = re.sub(r"font-family: [^;\"]*", "font-family: " + SVG_FONT_STACK, svg)
    accessible = f"<title>{escape(title)}</title>" if title else ""
    svg = re.sub(r"\s*<title>\.\.\.</title>\s*<desc>\.\.\.</desc>", accessible, svg, count=1)
    svg = re.sub(r'<a xlink:href="([^"]*)" xlink:title="([^"]*)" target="_top">',
                 r'<a href="\1" class="bar-link"><title>\2</title>', svg)
    role = "group" if 'class="bar-link"' in svg else "img"
    if role == "group" and title:
        svg = svg.replace("<svg ", f'<svg aria-label="{escape(title, _QUOTE)}" ', 1)
    return svg.replace("<svg ", f'<svg role="{role}" ', 1)


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


def _month_labels(months: Sequence[str], with_year: str = "{m}月\n{y}") -> list[str]:
    """``'YYYY-MM'`` → ``11月``, with the year (``with_year``) at the first month and at each January."""
    out = []
    for i, month in enumerate(months):
        match = re.fullmatch(r"(\d{4})-(\d{2})", str(month))
        if not match:
            out.append(str(month))
            continue
        number = int(match[2])
        out.append(with_year.format(y=match[1], m=number) if i == 0 or number == 1 else f"{number}月")
    return out


def _fit(text: str, font: str, size: float, max_width: float) -> str:
    """Shorten a label with an ellipsis so it fits ``max_width``."""
    if stringWidth(text, font, size) <= max_width:
        return text
    while text and stringWidth(text + "…", font, size) > max_width:
        text = text[:-1]
    return text + "…"
