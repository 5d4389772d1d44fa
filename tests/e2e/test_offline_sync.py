"""Offline capture beyond filing, in real Chromium with the network cut (issue 17, part 1):
checklist results tapped offline are saved once when the network returns (the last tap per item
wins); a measure and an evidence photo added offline are synced once, and replaying the outbox
creates nothing; an entry whose hazard changed meanwhile is a conflict — shown on the conflicts
panel with what was entered and the hazard's current state, never lost — and is resent against
the current version, or discarded once confirmed; the prerequisites beside 提交复查 follow the
enterprise's steps.

Chromium's offline emulation cuts the pages but not the service worker, whose Background Sync
would send at once: these tests take the page's own path (the "online" event)."""
import re
from pathlib import Path

from PIL import Image

from .test_day_in_the_park import expect_success, submit

SHOTS = Path("/work/shots")
WAIT = 15000  # ms
NO_BACKGROUND_SYNC = ("delete window.SyncManager; if (window.ServiceWorkerRegistration) "
                      "delete ServiceWorkerRegistration.prototype.sync;")


def _phone_shot(s, name, at=None):
    """The phone screen (390 × 844) at ``at``, for the note."""
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        s.page.evaluate("() => window.scrollTo(0, 0)")
        if at:
            s.page.locator(at).first.scroll_into_view_if_needed()
        s.page.screenshot(path=str(SHOTS / name))


def _photo(tmp_path, name="after.jpg"):
    path = tmp_path / name
    Image.radial_gradient("L").resize((3000, 2000)).convert("RGB").save(path, "JPEG", quality=90)
    return path


def _controlled(s, *paths):
    """Open the pages online with the service worker in control, so that it keeps them."""
    s.goto(paths[0])
    s.page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    for path in paths:
        s.goto(path)
        s.page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def _offline(s):
    s.context.set_offline(True)


def _online(s):
    # Chromium reports the requests the page could not make while offline.
    s.aborted.clear()
    s.console_errors = [e for e in s.console_errors if "ERR_INTERNET_DISCONNECTED" not in e]
    s.context.set_offline(False)


def _bar(s, name):
    return s.page.evaluate(f"() => (document.querySelector('[data-testid=outbox]') || {{dataset: {{}}}})"
                           f".dataset.{name} || '0'")


def _wait_bar(s, name, value):
    s.page.wait_for_function(
        f"() => {{ const b = document.querySelector('[data-testid=outbox]'); return b && b.dataset.{name} === '{value}'; }}",
        timeout=WAIT)


def _own_hazard(s, title):
    """A hazard the enterprise files itself (企业自查) and acknowledges: being rectified. Its id."""
    s.goto("/portal/hazards/new")
    s.page.fill("#title", title)
    s.page.select_option("#category", "equipment")
    s.page.check("input[name=deadline_preset][value='7']")
    submit(s, "main form[data-offline-form]")
    expect_success(s)
    hazard_id = int(re.search(r"/hazards/(\d+)", s.page.url).group(1))
    submit(s, "form[action$='/actions/acknowledge']")
    expect_success(s)
    return hazard_id


def _wait_for(park, sql, *params, value):
    """Until the server's database answers ``value`` (the page's sync runs in the background)."""
    import time

    deadline = time.monotonic() + WAIT / 1000
    while True:
        got = park.value(sql, *params)
        if got == value or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def test_checklist_results_tapped_offline_are_saved_once_when_the_network_returns(sessions, park):
    s = sessions("offline-checklist")
    s.context.add_init_script(NO_BACKGROUND_SYNC)
    s.login("inspector")
    page = s.page
    s.goto("/inspections/new")
    page.select_option("#enterprise_id", index=1)
    submit(s)
    expect_success(s)
    path = re.search(r"/inspections/\d+", page.url).group(0)
    inspection_id = int(path.rsplit("/", 1)[1])
    _controlled(s, path)

    _offline(s)
    page.reload()  # from the service worker's cache
    for item, label in (("leadership", "合格"), ("fire", "不合格"), ("training", "不适用"), ("fire", "合格")):
        page.locator(f"li[data-item='{item}']").get_by_role("button", name=label, exact=True).click()
        page.locator(f"li[data-item='{item}'][data-pending=waiting]").wait_for(timeout=WAIT)
    _wait_bar(s, "waiting", "3")  # the last tap on "fire" replaced the first
    assert page.locator("li[data-item='fire'] [data-saved]").inner_text() == "待上传"
    assert page.locator("li[data-item='fire'] button[aria-pressed=true]").inner_text() == "合格"
    assert park.value("SELECT count(*) FROM inspection_results WHERE inspection_id = ?", inspection_id) == 0
    page.evaluate("() => ParkOutbox.entries().then(e => { window.kept = e; })")

    _online(s)
    _wait_bar(s, "waiting", "0")
    page.locator("li[data-item='fire'] [data-saved]").filter(has_text="已保存").wait_for(timeout=WAIT)
    assert page.locator("li[data-pending]").count() == 0
    assert page.locator("[data-count=passed]").inner_text() == "2"
    rows = park.rows("SELECT item, result FROM inspection_results WHERE inspection_id = ? ORDER BY item",
                     inspection_id)
    assert rows == [("fire", "passed"), ("leadership", "passed"), ("training", "not_applicable")]

    # The same entries sent again (a lost answer): nothing changes.
    summary = page.evaluate("() => Promise.all(window.kept.map(e => ParkOutbox.add(e))).then(() => ParkOutbox.flush())")
    assert summary["sent"] == 3 and summary["conflicts"] == 0
    assert park.rows("SELECT item, result FROM inspection_results WHERE inspection_id = ? ORDER BY item",
                     inspection_id) == rows


def test_a_measure_and_an_evidence_photo_added_offline_are_synced_once(sessions, park, tmp_path):
    s = sessions("offline-measure")
    s.context.add_init_script(NO_BACKGROUND_SYNC)
    s.login("enterprise2")
    page = s.page
    hazard_id = _own_hazard(s, "离线整改：罐区阀门内漏")
    _controlled(s, f"/hazards/{hazard_id}/measures/new", f"/hazards/{hazard_id}")

    _offline(s)
    s.goto(f"/hazards/{hazard_id}/measures/new")  # from the service worker's cache
    page.fill("#description", "更换内漏阀门并试压")
    page.fill("#done_on", page.get_attribute("#done_on", "max"))
    page.locator("main form[data-offline-form] button[type=submit]").click()
    _wait_bar(s, "waiting", "1")
    assert page.input_value("#description") == ""

    s.goto(f"/hazards/{hazard_id}")
    page.set_input_files("#upload-files", str(_photo(tmp_path)))
    page.locator("#files [data-testid=photo-previews] img").first.wait_for(timeout=WAIT)
    page.locator("form[data-offline-form=evidence] button[type=submit]").click()
    _wait_bar(s, "waiting", "2")
    assert park.value("SELECT count(*) FROM measures WHERE hazard_id = ?", hazard_id) == 0
    assert park.value("SELECT count(*) FROM attachments WHERE hazard_id = ?", hazard_id) == 0
    page.evaluate("() => ParkOutbox.entries().then(e => { window.kept = e; })")

    _online(s)
    _wait_bar(s, "waiting", "0")
    assert _bar(s, "conflicts") == "0"  # the evidence went against the version the measure made
    assert _wait_for(park, "SELECT count(*) FROM measures WHERE hazard_id = ? AND done_on IS NOT NULL", hazard_id,
                     value=1) == 1
    photos = park.rows("SELECT kind, width, height FROM attachments WHERE hazard_id = ?", hazard_id)
    assert photos == [("evidence", 2560, 1707)]  # downscaled in the browser

    summary = page.evaluate("() => Promise.all(window.kept.map(e => ParkOutbox.add(e))).then(() => ParkOutbox.flush())")
    assert summary["sent"] == 2 and summary["conflicts"] == 0
    assert park.value("SELECT count(*) FROM measures WHERE hazard_id = ?", hazard_id) == 1
    assert park.value("SELECT count(*) FROM attachments WHERE hazard_id = ?", hazard_id) == 1


def test_a_conflict_is_kept_shown_and_resent_against_the_current_version(sessions, park, tmp_path):
    s = sessions("offline-conflict")
    s.context.add_init_script(NO_BACKGROUND_SYNC)
    s.login("enterprise2")
    page = s.page
    hazard_id = _own_hazard(s, "离线冲突：装卸台静电夹损坏")
    _controlled(s, f"/hazards/{hazard_id}")

    _offline(s)
    page.reload()
    page.set_input_files("#upload-files", str(_photo(tmp_path, "evidence.jpg")))
    page.locator("#files [data-testid=photo-previews] img").first.wait_for(timeout=WAIT)
    page.locator("form[data-offline-form=evidence] button[type=submit]").click()
    _wait_bar(s, "waiting", "1")

    # Meanwhile a colleague changes the hazard on the server.
    other = sessions("offline-conflict-colleague")
    other.login("enterprise2")
    other.goto(f"/hazards/{hazard_id}/measures/new")
    other.page.fill("#description", "同事：先停用装卸台")
    submit(other, "main form[data-offline-form]")
    expect_success(other)

    s.expect_status(409, f"/hazards/{hazard_id}/uploads")  # the answer that makes it a conflict
    _online(s)
    _wait_bar(s, "conflicts", "1")
    assert _bar(s, "waiting") == "0"
    assert park.value("SELECT count(*) FROM attachments WHERE hazard_id = ?", hazard_id) == 0

    # Not lost: still there after a reload; a new entry waits beside it.
    page.reload()
    _wait_bar(s, "conflicts", "1")
    _offline(s)
    page.set_input_files("#upload-files", str(_photo(tmp_path, "second.jpg")))
    page.locator("#files [data-testid=photo-previews] img").first.wait_for(timeout=WAIT)
    page.locator("form[data-offline-form=evidence] button[type=submit]").click()
    _wait_bar(s, "waiting", "1")
    bar = page.locator("[data-testid=outbox]")
    assert bar.locator("span").first.inner_text() == "1 项待上传 · 1 项冲突"
    page.evaluate("() => window.scrollTo(0, 0)")
    _phone_shot(s, "sync-queue-conflict.png")
    _online(s)
    _wait_bar(s, "waiting", "0")
    assert _bar(s, "conflicts") == "1"  # made on the current version: sent; the conflict stays
    assert _wait_for(park, "SELECT count(*) FROM attachments WHERE hazard_id = ?", hazard_id, value=1) == 1

    # The conflicts panel: what was entered, the photo, the hazard's state now, the choices.
    bar.get_by_role("button", name="查看").click()
    item = page.locator("[data-testid=conflicts] li.conflict")
    item.wait_for()
    assert item.get_attribute("data-kind") == "evidence"
    assert "录入之后，该隐患已有变化" in item.inner_text()
    assert "整改中" in item.locator("[data-testid=conflict-target]").inner_text()
    item.locator("img").first.wait_for()
    s.shot("conflict-screen")
    _phone_shot(s, "sync-conflict-screen.png", at="[data-testid=conflicts]")

    item.get_by_role("button", name="以当前版本重新提交").click()
    _wait_bar(s, "conflicts", "0")
    assert _wait_for(park, "SELECT count(*) FROM attachments WHERE hazard_id = ?", hazard_id, value=2) == 2


def test_the_prerequisites_follow_each_step_of_the_enterprise(sessions, park, tmp_path):
    s = sessions("prerequisites")
    s.login("enterprise2")
    page = s.page
    hazard_id = _own_hazard(s, "整改前置条件：消防栓压力不足")

    def state():
        page.locator("#prerequisites").wait_for()
        return {li.get_attribute("data-prerequisite"): li.get_attribute("data-done")
                for li in page.locator("#prerequisites li").all()}

    submit_button = page.locator("#actions [data-action=submit]")
    assert state() == {"measures": "no", "measures_done": "no", "evidence": "no"}
    assert submit_button.is_disabled()

    page.locator("#prerequisites li[data-prerequisite=measures] a").click()
    page.wait_for_url(re.compile(r"/measures/new$"))
    page.fill("#description", "更换消防泵并调试")
    submit(s, "main form[data-offline-form]")
    expect_success(s)
    assert state() == {"measures": "yes", "measures_done": "no", "evidence": "no"}
    assert submit_button.is_disabled()
    _phone_shot(s, "sync-prerequisites-half.png", at="#prerequisites")

    with page.expect_navigation():
        page.locator("#measures li a[href*='/measures/']").first.click()
    page.fill("#done_on", page.get_attribute("#done_on", "max"))
    submit(s, "main form[data-offline-form]")
    expect_success(s)
    assert state() == {"measures": "yes", "measures_done": "yes", "evidence": "no"}
    assert submit_button.is_disabled()

    page.set_input_files("#upload-files", str(_photo(tmp_path, "after-fix.jpg")))
    page.locator("#files [data-testid=photo-previews] img").first.wait_for(timeout=WAIT)
    submit(s, "form[data-offline-form=evidence]")
    expect_success(s)
    assert state() == {"measures": "yes", "measures_done": "yes", "evidence": "yes"}
    summary = page.locator("#actions details[data-action=submit] summary")
    assert summary.is_enabled() and summary.inner_text() == "提交复查"
    assert park.value("SELECT status FROM hazards WHERE id = ?", hazard_id) == "rectifying"


def test_a_measure_in_conflict_shows_what_was_entered_and_is_discarded_only_when_confirmed(sessions, park):
    s = sessions("offline-discard")
    s.context.add_init_script(NO_BACKGROUND_SYNC)
    s.login("enterprise2")
    page = s.page
    hazard_id = _own_hazard(s, "离线放弃：污水池护栏缺失")
    _controlled(s, f"/hazards/{hazard_id}/measures/new")

    _offline(s)
    page.reload()
    page.fill("#description", "加装污水池护栏")
    page.fill("#funds", "1200")
    page.locator("main form[data-offline-form] button[type=submit]").click()
    _wait_bar(s, "waiting", "1")
    other = sessions("offline-discard-colleague")
    other.login("enterprise2")
    other.goto(f"/hazards/{hazard_id}/measures/new")
    other.page.fill("#description", "同事：临时拉警戒线")
    submit(other, "main form[data-offline-form]")
    expect_success(other)

    s.expect_status(409, f"/hazards/{hazard_id}/measures/new")
    _online(s)
    _wait_bar(s, "conflicts", "1")
    page.locator("[data-testid=outbox]").get_by_role("button", name="查看").click()
    item = page.locator("[data-testid=conflicts] li.conflict[data-kind=measure]")
    fields = item.locator("dl.conflict-fields").inner_text()
    assert "加装污水池护栏" in fields and "1200" in fields

    page.once("dialog", lambda dialog: dialog.dismiss())  # "放弃这条内容？" — no: it stays
    item.get_by_role("button", name="放弃").click()
    assert page.evaluate("() => ParkOutbox.entries().then(e => e.length)") == 1
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="放弃").click()
    item.wait_for(state="detached")
    assert page.evaluate("() => ParkOutbox.entries().then(e => e.length)") == 0
    assert park.value("SELECT count(*) FROM measures WHERE hazard_id = ?", hazard_id) == 1  # the colleague's
