"""Offline capture in real Chromium with the network cut (issue 17): a hazard filed with a photo
while offline waits in the outbox ("1 项待上传"), is sent once when the network returns, and
sending the same outbox entry again files nothing; the photo is downscaled in the browser before
it goes up; photos survive a validation error; a draft survives a reload."""
from pathlib import Path

from PIL import Image

SHOTS = Path("/work/briefs/shots")
TITLE = "离线登记：泵房机封漏液"
WAIT = 30000  # ms: decoding a camera-sized photo and the sync take a while on a busy 2-core machine


def _big_photo(tmp_path):
    """A 4000 × 3000 camera-sized JPEG (the server alone would keep it at that size)."""
    path = tmp_path / "camera.jpg"
    image = Image.radial_gradient("L").resize((4000, 3000)).convert("RGB")
    image.save(path, "JPEG", quality=95)
    return path


def _keep(s, label, name, at=None):
    """A full-page screenshot beside the others, and the phone screen (390 × 844) at ``at`` for the note."""
    s.shot(label)
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        s.page.evaluate("() => window.scrollTo(0, 0)")
        if at:
            s.page.locator(at).first.scroll_into_view_if_needed()
        s.page.screenshot(path=str(SHOTS / name))


def _fill(page, title):
    page.fill("#title", title)
    page.select_option("#category", "equipment")
    page.check("input[name=deadline_preset][value='7']")


def _controlled(s, path):
    """Open ``path`` twice online: the service worker installs, then controls the page (and keeps it)."""
    s.goto(path)
    s.page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    s.goto(path)
    s.page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def test_a_hazard_filed_offline_with_a_photo_is_sent_once_when_the_network_returns(sessions, park, tmp_path):
    s = sessions("offline-enterprise")
    # Chromium's offline emulation cuts the pages but not the service worker, whose Background Sync would
    # send the entry at once while the page still counts as offline: this test takes the page's own path
    # (the "online" event), the one every browser has.
    s.context.add_init_script("delete window.SyncManager; if (window.ServiceWorkerRegistration) "
                              "delete ServiceWorkerRegistration.prototype.sync;")
    s.login("enterprise2")
    page = s.page
    _controlled(s, "/portal/hazards/new")

    s.context.set_offline(True)
    page.reload()  # the form comes from the service worker's cache
    assert page.locator("form[data-offline-form]").count() == 1
    _fill(page, TITLE)
    page.set_input_files("#photos", str(_big_photo(tmp_path)))
    page.locator("[data-testid=photo-previews] img").first.wait_for(timeout=WAIT)
    page.wait_for_function("() => document.querySelector('[data-testid=photo-previews] img').naturalWidth > 0", timeout=WAIT)
    _keep(s, "photo-preview", "offline-photo-preview.png", at="[data-testid=photo-previews]")
    page.locator("main form[data-offline-form] button[type=submit]").click()
    bar = page.locator("[data-testid=outbox]")
    bar.filter(has_text="1 项待上传").wait_for(timeout=WAIT)
    _keep(s, "queue", "offline-queue.png")
    assert park.value("SELECT count(*) FROM hazards WHERE title = ?", TITLE) == 0
    assert page.input_value("#title") == ""  # the form is free for the next finding
    # Keep a copy of the entry, to send it a second time later.
    page.evaluate("() => ParkOutbox.entries().then(e => { window.sentTwice = e[0]; return e.length; })")
    assert page.evaluate("() => window.sentTwice.photos.length") == 1
    # Chromium reports the navigations the service worker could not reach while offline.
    s.aborted.clear()
    s.console_errors = [e for e in s.console_errors if "ERR_INTERNET_DISCONNECTED" not in e]

    s.context.set_offline(False)  # the "online" event sends the outbox
    page.wait_for_function("() => document.querySelector('[data-testid=outbox]').dataset.waiting === '0'", timeout=WAIT)
    # Sent by the page or by the service worker's Background Sync (whichever comes first; only the page
    # shows "1 项已上传"): what counts is the hazard on the server, exactly once.
    for _ in range(WAIT // 200):
        if park.value("SELECT count(*) FROM hazards WHERE title = ?", TITLE):
            break
        page.wait_for_timeout(200)
    rows = park.rows("SELECT h.id, h.source FROM hazards h WHERE h.title = ?", TITLE)
    assert len(rows) == 1 and rows[0][1] == "self_inspection"
    hazard_id = rows[0][0]
    photos = park.rows("SELECT width, height, size FROM attachments WHERE hazard_id = ?", hazard_id)
    assert len(photos) == 1
    width, height, size = photos[0]
    assert (width, height) == (2560, 1920) and size < 1024 * 1024  # downscaled in the browser

    # The same outbox entry sent again (a lost answer, two tabs): nothing is filed twice.
    summary = page.evaluate("() => ParkOutbox.add(window.sentTwice).then(() => ParkOutbox.flush())")
    assert summary["sent"] == 1
    assert park.value("SELECT count(*) FROM hazards WHERE title = ?", TITLE) == 1
    assert park.value("SELECT count(*) FROM attachments WHERE hazard_id = ?", hazard_id) == 1


def _wait_for_draft(page, text):
    """Until the autosave (a moment after typing) has the text in IndexedDB."""
    for _ in range(50):
        if page.evaluate("t => ParkOutbox.getDraft('draft:/portal/hazards/new')"
                         ".then(d => !!d && d.fields.some(f => f[1] === t))", text):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the draft was not saved with {text!r}")


def test_a_draft_survives_a_reload_and_photos_survive_a_validation_error(sessions, park, tmp_path):
    s = sessions("offline-draft")
    s.login("enterprise2")
    page = s.page
    s.goto("/portal/hazards/new")
    page.fill("#title", "草稿：罐区围堰裂缝")
    page.fill("#location", "三号罐区")
    _wait_for_draft(page, "三号罐区")
    page.reload()
    page.locator("[data-testid=draft-restored]").wait_for()
    assert page.input_value("#title") == "草稿：罐区围堰裂缝" and page.input_value("#location") == "三号罐区"

    # A photo chosen, the title left empty: the server refuses, the photo is still there.
    page.fill("#title", "")
    page.set_input_files("#photos", str(_big_photo(tmp_path)))
    page.locator("[data-testid=photo-previews] img").first.wait_for(timeout=WAIT)
    s.expect_status(422, "/portal/hazards/new")
    with page.expect_navigation():
        page.locator("main form[data-offline-form] button[type=submit]").click()
    assert page.locator(".error[role=alert]").count() >= 1
    page.locator("[data-testid=photo-previews] img").first.wait_for(timeout=WAIT)
    assert page.evaluate("() => document.getElementById('photos').files.length") == 1
    assert page.input_value("#location") == "三号罐区"
