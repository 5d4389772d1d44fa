"""The phone shell in Chromium at 390×844: the header stays at the top after a scroll, the bottom
bar is visible and does not cover the end of the page, "更多" opens without JavaScript's help, and
the dashboard's chart text is drawn at 12 px or more."""
import pytest

pytestmark = pytest.mark.e2e


def test_sticky_header_and_bottom_bar_on_a_phone(sessions):
    s = sessions("phone-shell-inspector")
    s.login("inspector")
    s.goto("/ledgers/hazards?all=1")
    page = s.page
    header, bar = page.locator("header.topbar"), page.locator("nav.bottom-nav")
    assert bar.is_visible() and not page.locator("header nav.nav").is_visible()
    assert header.bounding_box()["height"] <= 56
    page.evaluate("window.scrollTo(0, 1500)")
    page.wait_for_function("window.scrollY > 1000")
    assert abs(header.bounding_box()["y"]) < 1  # still at the top of the screen
    box = bar.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(844, abs=1) and box["height"] >= 56
    # The end of the page scrolls clear of the bar.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    footer = page.locator("footer.footer").bounding_box()
    assert footer["y"] + footer["height"] <= box["y"] + 1

    more = page.locator("nav.bottom-nav details.more")
    more.locator("summary").click()
    panel = more.locator(".more-panel")
    assert panel.is_visible()
    link = panel.get_by_role("link", name="检查计划")
    assert link.is_visible()
    link.click()
    page.wait_for_url("**/plans/")
    assert page.locator("nav.bottom-nav details.more.has-current").count() == 1


def test_wide_screens_keep_the_top_menu(sessions):
    s = sessions("phone-shell-desk", phone=False)
    s.login("admin")
    s.goto("/dashboard")
    assert s.page.locator("header nav.nav").is_visible()
    assert not s.page.locator("nav.bottom-nav").is_visible()
    assert s.page.locator("header nav.nav a[aria-current=page]").inner_text() == "总览"


def test_dashboard_chart_text_is_12_px_or_more_on_a_phone(sessions):
    s = sessions("phone-shell-admin")
    s.login("admin")
    s.goto("/dashboard")
    smallest = s.page.evaluate("""() => [...document.querySelectorAll('.dash-chart svg')].map(svg => {
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return Math.min(...[...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale));
      })""")
    assert len(smallest) == 2 and min(smallest) >= 12, smallest
    assert s.page.evaluate("document.documentElement.scrollWidth") <= 390
    # A bar opens the ledger.
    s.page.locator(".dash-chart a.bar-link").first.dispatch_event("click")
    s.page.wait_for_url("**/ledgers/hazards?**")


def test_the_ledgers_quick_filters_and_chips_are_44_px_touch_targets(sessions):
    s = sessions("phone-shell-ledger")
    s.login("inspector")
    s.goto("/ledgers/hazards?status=active&level=major")
    assert s.page.locator(".quick-filters a.quick").count() >= 5 and s.page.locator("a.chip").count() == 2
    assert s.small_targets(".quick-filters a, .active-filters a.chip") == []
