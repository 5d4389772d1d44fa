"""In a real browser on a phone: the enterprise asks a question on a hazard's thread and the inspector
answers it; the inspector verifies two submitted hazards at once in the queue and reminds enterprises
of overdue hazards. Screenshots at 390×844 go to the e2e artifacts (and SHOTS_DIR when set)."""
import os
import shutil
from pathlib import Path

import pytest

SHOTS_DIR = os.environ.get("SHOTS_DIR")


def keep(session, label, name):
    """Full-page shot in the artifacts, and the phone's viewport as the user sees it in SHOTS_DIR."""
    path = session.shot(label)
    if SHOTS_DIR:
        Path(SHOTS_DIR).mkdir(parents=True, exist_ok=True)
        session.page.screenshot(path=str(Path(SHOTS_DIR) / name))
        shutil.copyfile(path, Path(SHOTS_DIR) / name.replace(".png", "-full.png"))
    return path


def test_enterprise_and_inspector_talk_on_a_hazard_without_javascript_needed(sessions, park):
    hazard_id, code = park.rows(
        "SELECT h.id, h.code FROM hazards h JOIN users u ON u.enterprise_id = h.enterprise_id "
        "WHERE u.username = 'enterprise1' AND h.status IN ('open', 'rectifying') ORDER BY h.id LIMIT 1")[0]
    found_by = park.value("SELECT u.username FROM hazards h JOIN users u ON u.id = h.found_by_id WHERE h.id = ?",
                          hazard_id)
    enterprise = sessions("thread-enterprise", phone=True)
    enterprise.login("enterprise1")
    enterprise.goto(f"/hazards/{hazard_id}#comments")
    for path in (f"/hazards/{hazard_id}/comments", f"/hazards/{hazard_id}/comments#comments"):
        enterprise.expect_status(422, path)  # the form's answer (its action ends with #comments)
    enterprise.page.click("#comments button[type=submit]")  # empty: refused beside the field
    enterprise.page.wait_for_load_state()
    error = enterprise.page.locator("#comments .field.has-error .error")
    assert error.inner_text() == "请填写留言。"
    enterprise.page.locator("#comment-body").scroll_into_view_if_needed()
    keep(enterprise, "comment-refused", "talk-thread-error.png")
    enterprise.page.fill("#comment-body", "安全阀备件预计下周三到货。到货前已关闭该管线并挂牌，请问是否需要另行上报临时措施？")
    enterprise.page.click("#comments button[type=submit]")
    enterprise.page.wait_for_load_state()
    assert "#comment-" in enterprise.page.url
    assert "已关闭该管线并挂牌" in enterprise.page.locator("#comments .comment-thread").inner_text()

    inspector = sessions("thread-inspector", phone=True)
    inspector.login(found_by)
    inspector.goto("/notifications")
    note = inspector.page.locator("li.notif", has_text="隐患留言").first
    assert "已关闭该管线并挂牌" in note.inner_text()
    note.locator("button", has_text="查看").click()  # opens the hazard page at the comment
    inspector.page.wait_for_load_state()
    assert f"/hazards/{hazard_id}#comment-" in inspector.page.url
    inspector.page.fill("#comment-body", "无需另行上报；请将挂牌照片作为整改证据上传，备件到货更换后提交复查。")
    inspector.page.click("#comments button[type=submit]")
    inspector.page.wait_for_load_state()

    enterprise.goto(f"/hazards/{hazard_id}")
    thread = enterprise.page.locator("#comments .comment-thread li")
    assert thread.count() == 2
    assert "挂牌照片" in thread.nth(1).inner_text()  # newest last
    enterprise.page.locator("#comments").scroll_into_view_if_needed()
    keep(enterprise, "thread", "talk-thread.png")
    assert code


def test_the_inspector_verifies_two_hazards_at_once_and_sends_reminders(sessions, park):
    submitted = park.rows("SELECT id, code FROM hazards WHERE status = 'submitted' AND level = 'general' "
                          "ORDER BY submitted_at, id LIMIT 2")
    if len(submitted) < 2:
        pytest.skip("the demo park has fewer than two submitted general hazards")
    inspector = sessions("bulk-inspector", phone=True)
    inspector.login("inspector")
    inspector.goto("/hazards/queue")
    for hazard_id, _code in submitted:
        inspector.page.check(f"input[form=bulk-verify][value='{hazard_id}']")
    inspector.page.fill("#bulk-verify textarea", "现场复查：整改措施已落实，复查合格。")
    inspector.page.locator("#submitted .list > li").first.scroll_into_view_if_needed()
    keep(inspector, "queue-ticked", "talk-queue.png")
    inspector.page.locator("#bulk-verify").scroll_into_view_if_needed()
    keep(inspector, "queue-form", "talk-queue-form.png")
    inspector.page.click("#bulk-verify button[type=submit]")
    inspector.page.wait_for_load_state()
    assert "已复查合格 2 项" in inspector.page.content()
    for hazard_id, _code in submitted:
        assert park.value("SELECT status FROM hazards WHERE id = ?", hazard_id) == "closed"

    inspector.goto("/hazards/reminders")
    boxes = inspector.page.locator("input[name=hazards]")
    if boxes.count() == 0:
        pytest.skip("no overdue hazard in the demo park")
    for i in range(min(3, boxes.count())):
        boxes.nth(i).check()
    keep(inspector, "reminders", "talk-reminders.png")
    inspector.page.click(".remind-send button[type=submit]")
    inspector.page.wait_for_load_state()
    assert "发送催办" in inspector.page.content()
