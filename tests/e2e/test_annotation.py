"""Photos and location on a phone, in real Chromium (issue 17, parts 2 and 4): the inspector taps
"记录位置" on the on-site form (geolocation granted in the browser, the position set by the test)
and files a hazard with a photo and its coordinates; on the hazard page an arrow and a circle are
drawn on the photo and saved — a new 标注图 beside the original, whose pixels differ, while the
original file stays as it was."""
import hashlib
import re
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

from .conftest import server_info
from .test_checklist import demo_enterprise
from .test_day_in_the_park import expect_success, submit

SHOTS = Path("/work/shots")
WAIT = 30000  # ms: a busy 2-core machine
POSITION = {"latitude": 38.7652291, "longitude": 117.5213874, "accuracy": 15}  # 大港石化产业园区


def _photo(tmp_path):
    """A 1200 × 900 photo-like picture: a tank against a sky (the tests compare pixels of it)."""
    path = tmp_path / "储罐.jpg"
    image = Image.new("RGB", (1200, 900), (150, 185, 215))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 620, 1200, 900), fill=(110, 110, 100))
    draw.rectangle((380, 260, 820, 700), fill=(205, 205, 200), outline=(90, 90, 90), width=6)
    draw.ellipse((380, 200, 820, 320), fill=(185, 185, 180), outline=(90, 90, 90), width=6)
    image.save(path, "JPEG", quality=92)
    return path


def _keep(s, label, at=None):
    """The full page beside the other artifacts, and the phone screen (390 × 844) from ``at`` down."""
    s.shot(label)
    if SHOTS.exists():
        if at:
            s.page.locator(at).first.evaluate("e => e.scrollIntoView({block: 'start'})")
        s.page.screenshot(path=str(SHOTS / f"photo-{label}.png"))


def _start_inspection(s):
    s.goto("/inspections/new")
    s.page.select_option("#enterprise_id", label=demo_enterprise(s.park))
    submit(s)
    expect_success(s)
    return int(re.search(r"/inspections/(\d+)", s.page.url).group(1))


def _file_with_photo(s, tmp_path, title, *, locate):
    page = s.page
    inspection_id = _start_inspection(s)
    s.goto(f"/inspections/{inspection_id}/hazards/new")
    page.set_input_files("#photos", str(_photo(tmp_path)))
    page.wait_for_function("() => { const i = document.querySelector('[data-testid=photo-previews] img');"
                           " return i && i.naturalWidth > 0; }", timeout=WAIT)
    page.fill("#title", title)
    page.select_option("#category", "equipment")
    page.fill("#location", "二号罐区 T-203")
    page.check("input[name=deadline_preset][value='7']")
    if locate:
        geo = page.locator("[data-geo]")
        assert geo.is_visible() and "仅在点击时获取一次位置" in geo.inner_text()
        assert page.locator("[data-geo-value]").get_attribute("data-recorded") == "false"
        page.get_by_role("button", name="记录位置", exact=True).click()
        page.locator("[data-geo-value][data-recorded=true]").wait_for(timeout=WAIT)
        assert "38.7652291" in page.locator("[data-geo-value]").inner_text()
        assert page.input_value("input[name=latitude]") == "38.7652291"
        assert page.input_value("input[name=location_accuracy_m]") == "15"
        page.locator("[data-geo-remove]").wait_for()
        _keep(s, "filing-location", at=".file-hazard h1")  # the thumbnail and the location on one screen
    submit(s, "main form[data-offline-form]")
    expect_success(s)
    return s.park.value("SELECT id FROM hazards WHERE title = ?", title)


def test_the_inspector_records_the_location_on_tap_and_files_the_hazard_with_it(sessions, park, tmp_path):
    s = sessions("photo-location")
    s.park = park
    s.context.grant_permissions(["geolocation"], origin=s.base)
    s.context.set_geolocation(POSITION)
    s.login("inspector")
    title = "罐区呼吸阀堵塞（带位置）"
    hazard_id = _file_with_photo(s, tmp_path, title, locate=True)
    lat, lon, accuracy = park.rows("SELECT latitude, longitude, location_accuracy_m FROM hazards WHERE id = ?",
                                   hazard_id)[0]
    assert (lat, lon, accuracy) == (38.7652291, 117.5213874, 15.0)
    s.goto(f"/hazards/{hazard_id}")
    link = s.page.locator("[data-coordinates] a")
    assert link.get_attribute("href") == "geo:38.7652291,117.5213874;u=15"
    assert "38.765229, 117.521387" in link.inner_text()


def _pixels(path):
    return Image.open(path).convert("RGB")


def _drag(page, box, start, end):
    """A drag on the canvas from ``start`` to ``end`` (fractions of its width and height)."""
    page.mouse.move(box["x"] + box["width"] * start[0], box["y"] + box["height"] * start[1])
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * end[0], box["y"] + box["height"] * end[1], steps=8)
    page.mouse.up()


def test_an_arrow_and_a_circle_drawn_on_a_photo_are_saved_as_a_new_image_beside_it(sessions, park, tmp_path):
    s = sessions("photo-annotate")
    s.park = park
    s.login("inspector")
    page = s.page
    hazard_id = _file_with_photo(s, tmp_path, "储罐外壁腐蚀（标注）", locate=False)
    original_id, stored, sha = park.rows("SELECT id, stored_name, sha256 FROM attachments WHERE hazard_id = ?",
                                         hazard_id)[0]
    uploads = Path(server_info["database"]).parent / "uploads"
    before = (uploads / stored).read_bytes()

    s.goto(f"/hazards/{hazard_id}")
    page.locator(f"[data-annotate='{original_id}']").click()
    screen = page.locator("[data-testid=annotate-screen]")
    screen.wait_for()
    page.wait_for_function("() => document.querySelector('[data-testid=annotate-canvas]').width > 0", timeout=WAIT)
    canvas = page.locator("[data-testid=annotate-canvas]")
    box = canvas.bounding_box()
    _drag(page, box, (0.15, 0.85), (0.42, 0.55))                      # an arrow, red (the default)
    page.locator("[data-tool=circle]").click()
    page.locator("[data-colour=yellow]").click()
    _drag(page, box, (0.45, 0.25), (0.80, 0.62))                      # a circle round the tank, yellow
    page.locator("[data-tool=arrow]").click()
    _drag(page, box, (0.9, 0.1), (0.7, 0.2))                          # one too many …
    page.locator("[data-action=undo]").click()                        # … taken back
    assert page.locator("[data-tool=circle]").get_attribute("aria-pressed") == "false"
    _keep(s, "annotate")
    with page.expect_response(re.compile(r"/attachments/\d+/annotations$")) as answer:
        page.locator("[data-action=save]").click()
    assert answer.value.status == 201
    page.locator(f"figure.annotated[data-annotation-of='{original_id}']").wait_for(timeout=WAIT)
    assert "标注图" in page.locator(f"figure.annotated[data-annotation-of='{original_id}']").inner_text()
    page.wait_for_function("() => [...document.querySelectorAll('[data-photo-gallery] img')]"
                           ".every(i => i.complete && i.naturalWidth > 0)", timeout=WAIT)
    _keep(s, "hazard-gallery", at="#files")

    rows = park.rows("SELECT stored_name, width, height FROM attachments WHERE annotates_id = ?", original_id)
    assert len(rows) == 1
    annotated_name, width, height = rows[0]
    original, annotated = _pixels(uploads / stored), _pixels(uploads / annotated_name)
    assert annotated.size == original.size == (width, height) == (1200, 900)
    diff = ImageChops.difference(original, annotated).convert("L").point(lambda v: 255 if v > 60 else 0)
    changed = sum(diff.histogram()[255:])
    assert changed > 0.01 * width * height  # the arrow and the circle, not JPEG noise
    right_top = diff.crop((int(0.72 * width), int(0.05 * height), width, int(0.18 * height)))
    assert right_top.getbbox() is None  # the undone arrow is not in the saved image
    # the original file is exactly as it was
    after = (uploads / stored).read_bytes()
    assert after == before and hashlib.sha256(after).hexdigest() == sha


def test_the_location_travels_with_a_hazard_filed_offline(sessions, park):
    """The coordinates are form fields like the others: the outbox keeps them while the network is
    cut, and the hazard arrives with them; the emptied form starts without a location."""
    from .test_offline import _controlled, _fill

    title = "离线登记：管廊支架锈蚀（带位置）"
    s = sessions("photo-offline-location")
    s.context.add_init_script("delete window.SyncManager; if (window.ServiceWorkerRegistration) "
                              "delete ServiceWorkerRegistration.prototype.sync;")  # the page's own sending path
    s.context.grant_permissions(["geolocation"], origin=s.base)
    s.context.set_geolocation({"latitude": 38.9855210, "longitude": 117.7461830, "accuracy": 8})
    s.login("enterprise2")  # not enterprise1, whose hazards another scenario picks by deadline
    page = s.page
    _controlled(s, "/portal/hazards/new")
    s.context.set_offline(True)
    page.reload()  # from the service worker's cache, geo.js included
    _fill(page, title)
    page.get_by_role("button", name="记录位置", exact=True).click()
    page.locator("[data-geo-value][data-recorded=true]").wait_for(timeout=WAIT)
    page.locator("main form[data-offline-form] button[type=submit]").click()
    page.locator("[data-testid=outbox]").filter(has_text="1 项待上传").wait_for(timeout=WAIT)
    page.locator("[data-geo-value][data-recorded=false]").wait_for()
    assert page.input_value("input[name=latitude]") == ""
    assert page.evaluate("() => ParkOutbox.entries().then(e => e[0].fields.filter(f => f[0] === 'latitude'))") == \
        [["latitude", "38.9855210"]]
    s.aborted.clear()
    s.console_errors = [e for e in s.console_errors if "ERR_INTERNET_DISCONNECTED" not in e]

    s.context.set_offline(False)
    for _ in range(WAIT // 200):
        if park.value("SELECT count(*) FROM hazards WHERE title = ?", title):
            break
        page.wait_for_timeout(200)
    assert park.rows("SELECT latitude, longitude, location_accuracy_m FROM hazards WHERE title = ?", title) == \
        [(38.985521, 117.746183, 8.0)]
