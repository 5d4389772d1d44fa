"""The dashboard's charts on a phone: text of 12 px or more at a 390 px wide screen, and every bar a
link to the ledger listing exactly the hazards it counts. The PDF's charts keep their sizes."""
import re
from html import unescape
from pathlib import Path

from safety_app import charts
from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2]
PHONE_CONTENT_WIDTH = 390 - 2 * 12.8 - 2 * 16 - 2  # page and card padding, card border at 390 px


def dashboard_svgs(page):
    return re.findall(r'<div class="chart dash-chart">(<svg.*?</svg>)', page, re.S)


def bar_links(svg):
    """(href, accessible name, the count it names) of every bar of a chart."""
    out = []
    for href, title in re.findall(r'<a href="([^"]+)" class="bar-link"><title>([^<]*)</title>', svg):
        out.append((unescape(href), unescape(title), int(re.search(r"(\d+) 项$", unescape(title)).group(1))))
    return out


def test_chart_text_is_at_least_12_px_on_a_390_px_screen(client, park, small_park):
    login(client, park.admin)
    page = client.get("/dashboard").get_data(as_text=True)
    svgs = dashboard_svgs(page)
    assert len(svgs) == 2
    css = (ROOT / "safety_app/static/css/app.css").read_text()
    min_width, max_width = map(int, re.search(r"\.dash-chart svg \{ min-width: (\d+)px; max-width: (\d+)px", css).groups())
    for svg in svgs:
        width = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))
        view_box = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
        # The SVG fills the card but is never drawn narrower than its min-width: the scale on a
        # 390 px phone is the larger of the two over the drawing's width.
        assert width == view_box
        rendered = max(min_width, min(PHONE_CONTENT_WIDTH, max_width))
        scale = rendered / view_box
        sizes = [float(s) for s in re.findall(r"font-size: ?([\d.]+)px", svg)]
        assert sizes and min(sizes) * scale >= 12, (min(sizes), scale)


def test_each_bar_opens_the_ledger_with_exactly_the_rows_it_counts(client, park, small_park):
    login(client, park.admin)
    page = client.get("/dashboard").get_data(as_text=True)
    trend, category = dashboard_svgs(page)
    # Every bar has a twin in the tables under the charts (a full-size tap target).
    tables = {unescape(h) for h in re.findall(r'<td class="n"><a href="([^"]+)"', page)}
    assert {href for href, _t, _c in bar_links(trend) + bar_links(category)} <= tables
    expected = {
        "2026-10 发现 1 项": {small_park["a_closed"].code},
        "2026-11 发现 2 项": {small_park["b_equipment"].code, small_park["b_fire"].code},
        "2026-11 销号 1 项": {small_park["a_closed"].code},
    }
    links = bar_links(trend)
    assert len(links) == 24  # 12 months × (found, closed), zeros too
    for href, title, count in links:
        ledger = client.get(href).get_data(as_text=True)
        assert re.search(r'data-total="(\d+)"', ledger).group(1) == str(count), (title, href)
        if title in expected:
            assert set(re.findall(r"YH-\d{4}-\d{6}", ledger)) == expected[title], title
        elif count == 0:
            assert not re.findall(r"YH-\d{4}-\d{6}", ledger), title
    assert {t for _h, t, _c in links} >= set(expected)

    links = bar_links(category)
    by_title = {title: (href, count) for href, title, count in links}
    assert set(by_title) == {"设备设施完好性：未销号 1 项", "消防安全：未销号 1 项"}
    for title, (href, count) in by_title.items():
        ledger = client.get(href).get_data(as_text=True)
        assert re.search(r'data-total="(\d+)"', ledger).group(1) == str(count)
        want = small_park["b_fire"] if title.startswith("消防") else small_park["b_equipment"]
        assert set(re.findall(r"YH-\d{4}-\d{6}", ledger)) == {want.code}


def test_an_enterprise_users_bars_open_only_their_rows(client, park, small_park):
    login(client, park.user_b)
    trend, category = dashboard_svgs(client.get("/dashboard").get_data(as_text=True))
    for href, title, count in bar_links(trend) + bar_links(category):
        ledger = client.get(href).get_data(as_text=True)
        assert re.search(r'data-total="(\d+)"', ledger).group(1) == str(count), title
        assert small_park["a_closed"].code not in ledger
    assert "2026-11 销号 0 项" in {t for _h, t, _c in bar_links(trend)}


def test_bar_links_are_named_for_screen_readers():
    svg = charts.to_svg(charts.category_chart(
        ["消防安全"], [2], links=[charts.BarLink("/ledgers/hazards?category=fire&status=active", "消防安全：未销号 2 项")],
        width=320, font_size=12), title="按类别")
    assert '<a href="/ledgers/hazards?category=fire&amp;status=active" class="bar-link"><title>消防安全：未销号 2 项</title>' \
        in svg
    assert 'role="group"' in svg and 'aria-label="按类别"' in svg
    assert "xlink:title" not in svg and 'target="_top"' not in svg


def test_the_pdf_charts_keep_their_sizes():
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    trend = charts.to_svg(charts.trend_chart(months, [3] * 12, [2] * 12))
    category = charts.to_svg(charts.category_chart(["消防安全", "应急管理"], [3, 1]))
    assert set(re.findall(r"font-size: ?([\d.]+)px", trend)) == {"7", "8"}
    assert set(re.findall(r"font-size: ?([\d.]+)px", category)) == {"7", "8"}
    assert 'width="480"' in trend and 'height="200"' in trend and 'width="480"' in category
    assert "bar-link" not in trend + category
