"""The checklist on a phone, in real Chromium: results tapped one by one are saved at once and survive
filing a hazard through "+"; the representative signs with a finger and the inspection is completed,
its 现场检查记录 issued."""
import re

from .test_day_in_the_park import assert_no_horizontal_scroll, assert_touch_targets, expect_success, submit


def demo_enterprise(park):
    """A demo enterprise (not the fresh one the day in the park clears to zero): the last one seeded."""
    return park.value("SELECT name FROM enterprises WHERE name != ? ORDER BY id DESC LIMIT 1", park.enterprise_name)


def tap(page, item, label):
    row = page.locator(f"li[data-item='{item}']")
    row.get_by_role("button", name=label, exact=True).click()
    saved = row.locator("[data-saved]")
    saved.filter(has_text="已保存").wait_for()
    return row


def pressed(page, item):
    return page.locator(f"li[data-item='{item}'] button[aria-pressed=true]").inner_text()


def test_results_survive_filing_a_hazard_and_the_inspection_is_signed_off(sessions, park):
    s = sessions("checklist-inspector")
    s.login("inspector")
    page = s.page

    s.goto("/inspections/new")
    page.select_option("#enterprise_id", label=demo_enterprise(park))
    submit(s)
    expect_success(s)
    inspection_id = int(re.search(r"/inspections/(\d+)", page.url).group(1))
    assert page.locator("[data-count=unanswered]").inner_text() == "18"

    # Tap results: each is saved at once (no page load), the counts follow.
    with page.expect_response(re.compile(r"/results$")):
        tap(page, "leadership", "合格")
    tap(page, "responsibility", "合格")
    tap(page, "training", "不适用")
    tap(page, "fire", "合格")
    tap(page, "fire", "不合格")  # changed: one result per item
    assert page.locator("[data-count=passed]").inner_text() == "2"
    assert page.locator("[data-count=failed]").inner_text() == "1"
    assert page.locator("[data-count=not_applicable]").inner_text() == "1"
    assert page.locator("[data-count=unanswered]").inner_text() == "14"
    assert page.url.endswith(f"/inspections/{inspection_id}")  # never left the page
    assert_touch_targets(s, "#checklist button[name=result], #checklist .btn.add")
    assert_no_horizontal_scroll(s)

    # File a hazard through the "+" of the equipment item, then come back.
    tap(page, "equipment", "合格")
    with page.expect_navigation():
        page.locator("li[data-item='equipment'] a.btn.add").click()
    assert page.locator("#category").input_value() == "equipment"
    page.fill("#title", "压力表超期未检定")
    page.fill("#location", "一号装置区")
    submit(s)
    expect_success(s)
    assert f"/inspections/{inspection_id}" in page.url

    # Nothing tapped was lost; filing made the equipment item 不合格.
    assert pressed(page, "leadership") == "合格"
    assert pressed(page, "responsibility") == "合格"
    assert pressed(page, "training") == "不适用"
    assert pressed(page, "fire") == "不合格"
    assert pressed(page, "equipment") == "不合格"
    assert page.locator("[data-count=failed]").inner_text() == "2"
    page.reload()
    assert pressed(page, "training") == "不适用"
    page.locator("li[data-item='storage']").scroll_into_view_if_needed()
    page.locator("#checklist").scroll_into_view_if_needed()
    s.shot("checklist-with-results")

    # Sign off: summary, the representative's name, a signature drawn with a finger, the officers.
    with page.expect_navigation():
        page.get_by_role("link", name="完成检查并签字确认").click()
    page.fill("#summary", "重点检查了消防设施和压力容器，发现两处问题，已当场告知企业。")
    page.fill("#representative", "青岭")
    pad = page.locator("canvas.signature-pad").first
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(x + w * (0.1 + 0.04 * i), y + h * (0.7 - 0.4 * ((i % 4) / 3)), steps=2)
    page.mouse.up()
    assert page.locator("#signature").input_value().startswith("data:image/png;base64,")
    for name in ("张检查", "李复查"):
        box_ = page.locator("label", has_text=name).locator("input[name=officers]")
        if not box_.is_checked():
            box_.check()
    page.check("#confirm_unanswered")
    s.shot("sign-off-with-signature")
    assert_no_horizontal_scroll(s)
    submit(s)
    assert "现场检查记录" in expect_success(s)

    # Completed: read-only, the record is listed.
    assert page.locator("button[name=result]").count() == 0
    assert "已完成" in page.locator("main header").inner_text()
    assert "青岭" in page.locator("main header").inner_text()
    status = park.value("SELECT status FROM inspections WHERE id = ?", inspection_id)
    assert status == "completed"
    assert park.value("SELECT count(*) FROM documents WHERE inspection_id = ? AND kind = 'inspection_record'",
                      inspection_id) == 1
    results = dict(park.rows("SELECT item, result FROM inspection_results WHERE inspection_id = ?", inspection_id))
    assert results == {"leadership": "passed", "responsibility": "passed", "training": "not_applicable",
                       "fire": "failed", "equipment": "failed"}
    s.shot("inspection-completed")
