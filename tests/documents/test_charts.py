import pytest
from reportlab.graphics.shapes import Drawing

from safety_app.charts import BarLink, category_chart, series_chart, to_svg, trend_chart, trend_rows_chart

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def test_svg_escapes_script_labels():
    svg = to_svg(category_chart(["<script>alert(1)</script>", "动火作业"], [3, 1]))
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "动火作业" in svg


def test_svg_escapes_legend_labels_and_title():
    svg = to_svg(trend_chart(MONTHS, [1] * 12, [0] * 12, labels=("<b>发现</b>", "销号")),
                 title="<img src=x onerror=alert(1)>")
    assert "<b>" not in svg and "<img" not in svg
    assert "&lt;b&gt;发现&lt;/b&gt;" in svg


def test_svg_can_be_inlined_in_html():
    svg = to_svg(trend_chart(MONTHS, list(range(12)), list(range(12))))
    assert svg.startswith("<svg")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert svg.rstrip().endswith("</svg>")


def test_two_charts_on_one_page_do_not_share_clip_ids():
    a = to_svg(trend_chart(MONTHS, [1] * 12, [2] * 12))
    b = to_svg(category_chart(["消防安全"], [4]))
    clip_a = a.split('clipPath id="')[1].split('"')[0]
    assert clip_a not in b


@pytest.mark.parametrize("chart", [
    lambda: trend_chart(MONTHS, [0] * 12, [0] * 12),
    lambda: trend_chart([], [], []),
    lambda: category_chart(["消防安全", "应急管理"], [0, 0]),
    lambda: category_chart([], []),
])
def test_empty_data_does_not_crash(chart):
    drawing = chart()
    assert isinstance(drawing, Drawing)
    assert "<svg" in to_svg(drawing)


def test_no_data_message_is_shown():
    assert "暂无数据" in to_svg(category_chart([], []))


def test_trend_legend_defaults_to_chinese():
    svg = to_svg(trend_chart(MONTHS, [1] * 12, [1] * 12))
    assert "发现" in svg and "销号" in svg
    assert "1月" in svg and "2026" in svg


def test_mismatched_series_are_rejected():
    with pytest.raises(ValueError):
        trend_chart(MONTHS, [1], [1])


@pytest.mark.parametrize("chart", [
    lambda: trend_rows_chart(MONTHS, list(range(12)), [2] * 12, width=320, font_size=12,
                             links=[(BarLink(f"/l?m={m}&s=found", f"{m} 发现"), BarLink(f"/l?m={m}", f"{m} 销号"))
                                    for m in MONTHS]),
    lambda: category_chart(["消防安全", "<特种设备>"], [4, 1], links=[BarLink("/a?x=1&y=2", "甲"), BarLink("/b", "乙")]),
    lambda: series_chart([float(h) for h in range(24)], [20.0 + h for h in range(24)], lows=[18.0] * 24,
                         highs=[50.0] * 24, limits={"H": 40.0, "LL": 5.0}, unit="°C"),
])
def test_the_direct_svg_draws_what_reportlabs_renderer_draws(chart):
    import re
    from collections import Counter

    from safety_app.charts import _reportlab_svg

    def shapes(svg):
        return (Counter(re.findall(r"<text[^>]*>([^<]*)</text>", svg)), svg.count("<rect"),
                re.findall(r'<a href="([^"]*)" class="bar-link"><title>([^<]*)</title>', svg),
                svg.count("<polyline") + svg.count("<path") + svg.count("<line"))

    drawing = chart()
    direct, reportlab = to_svg(drawing, "图"), _reportlab_svg(drawing, "图")
    assert shapes(direct) == shapes(reportlab)
    assert len(direct) < len(reportlab)
