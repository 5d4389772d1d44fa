"""A day in the park, in real Chromium: inspector and enterprise on a 390×844 phone, admin at a desk.

The scenarios follow one another like a day does (the hazards filed in the first are rectified in
the second and closed in the third), so they share what they made through ``day``. Enterprise A is
a fresh enterprise seeded by the harness (conftest: registry core + ``flask users create``), so that
closing its two hazards really clears it to zero; enterprise B is any demo enterprise.
"""
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

MAJOR_TITLE = "特种作业人员（电焊工）未持证上岗，二号罐区动火作业现场"
GENERAL_TITLE = "消防通道被物料托盘占用"
day = {}
CRITERION_CODE = "criterion:AQ3067-2026:5.1.2"


def park_today():
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def needs(*keys):
    missing = [k for k in keys if k not in day]
    if missing:
        pytest.fail(f"an earlier scenario did not leave {missing} (run the file in order)", pytrace=False)
    return [day[k] for k in keys]


# ----------------------------------------------------------------------------------------- helpers

def submit(s, form="main form[method=post]"):
    """Press the submit button of a form inside the page content (not the logout button)."""
    with s.page.expect_navigation():
        s.page.locator(form).locator("button[type=submit]").last.click()


def expect_success(s):
    flashes = s.page.locator(".flash-success")
    if flashes.count() == 0:
        errors = s.page.locator(".error, .flash-error").all_inner_texts()
        pytest.fail(f"no success message on {s.page.url}; errors shown: {errors}", pytrace=False)
    return flashes.first.inner_text()


def act(s, action, **fields):
    """Do a lifecycle action from the hazard page's "What you can do" card."""
    page = s.page
    if action == "acknowledge":
        submit(s, f"form[action$='/actions/{action}']")
    else:
        details = page.locator(f"details[data-action={action}]")
        if not details.evaluate("d => d.open"):
            details.locator("summary").click()
        for name, value in fields.items():
            details.locator(f"#{action}-{name}").fill(value)
        with page.expect_navigation():
            details.locator("button[type=submit]").click()
    return expect_success(s)


def status_of(s):
    return s.page.locator(".hazard-head .tag").first.get_attribute("class")


def dd_after(s, label):
    """The value shown beside a label in the hazard page's fields."""
    return s.page.locator(f"dl.fields dt:text-is('{label}') + dd").inner_text().strip()


def open_hazard(s, hazard_id):
    s.goto(f"/hazards/{hazard_id}")
    assert s.page.locator(f"article[data-hazard='{hazard_id}']").count() == 1


def dashboard_open(s):
    s.goto("/dashboard")
    return int(s.page.locator("[data-figure=open]").inner_text())


def assert_touch_targets(s, selector):
    """Every visible control matched is at least 44 px tall (gloves on a phone)."""
    small = s.small_targets(selector)
    assert not small, f"touch targets under 44 px on {s.page.url}: {small}"


def assert_no_horizontal_scroll(s):
    width = s.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{s.page.url} scrolls sideways on a phone ({width} px wide)"


# ---------------------------------------------------------------------------------------- scenario 1

def test_inspector_files_a_major_and_a_general_hazard_and_downloads_the_notice(sessions, park, test_image,
                                                                               tmp_path):
    s = sessions("1-inspector")
    s.login("inspector")
    page = s.page

    s.goto("/inspections/new")
    page.select_option("#enterprise_id", label=park.enterprise_name)
    s.shot("start-inspection")
    submit(s)
    expect_success(s)
    inspection_id = int(re.search(r"/inspections/(\d+)", page.url).group(1))
    assert park.enterprise_name in page.locator("main h1").inner_text()
    assert_no_horizontal_scroll(s)

    # Record major-hazard criterion 5.1.2 (AQ 3067-2026, in force today) on the checklist (saved at once),
    # and file from its "+".
    page.locator("#checklist details > summary").click()
    row = page.locator(f"#checklist li[data-item='{CRITERION_CODE}']")
    row.get_by_role("button", name="合格", exact=True).click()
    row.locator("[data-saved]").filter(has_text="已保存").wait_for()
    assert row.locator("button[aria-pressed=true]").inner_text() == "合格"
    s.shot("checklist-criterion-ticked")
    assert_touch_targets(s, "#checklist .btn.add, #checklist button[name=result]")
    with page.expect_navigation():
        page.click(f"#checklist a[href$='/inspections/{inspection_id}/hazards/new?criterion=AQ3067-2026:5.1.2']")
    assert page.is_checked("input[name=criterion][value='AQ3067-2026:5.1.2']")
    page.set_input_files("#photos", str(test_image))
    page.fill("#title", MAJOR_TITLE)
    page.select_option("#category", "training")
    page.fill("#location", "二号罐区 T-203 动火点")
    s.shot("file-major-hazard")
    assert_no_horizontal_scroll(s)
    submit(s)
    assert "重大" in expect_success(s)

    # A general hazard with a 7-day deadline.
    with page.expect_navigation():
        page.click(f"main a[href$='/inspections/{inspection_id}/hazards/new']")
    page.fill("#title", GENERAL_TITLE)
    page.select_option("#category", "equipment")
    page.check("input[name=deadline_preset][value='7']")
    assert page.is_checked("input[name=criterion][value='']")
    submit(s)
    assert "一般" in expect_success(s)
    found = page.locator("#found").inner_text()
    assert MAJOR_TITLE in found and GENERAL_TITLE in found
    seven_days = (park_today() + timedelta(days=7)).isoformat()
    assert page.locator("#found li", has_text=GENERAL_TITLE).inner_text().count(seven_days) == 1
    s.shot("inspection-two-hazards")

    # Open the issue form for both (deadlines as filed), tick the officers who sign, issue, download.
    with page.expect_navigation():
        page.click("#documents a[href*='/notice']")
    for box in page.locator("input[name=officers]").all():
        box.check()
    s.shot("notice-form")
    submit(s)
    expect_success(s)
    page.locator("#documents").scroll_into_view_if_needed()
    s.shot("notice-issued")
    with page.expect_download() as info:
        page.click("#documents a[href$='/download']")
    download = info.value
    pdf = tmp_path / "notice.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert download.suggested_filename.endswith(".pdf")
    from pypdf import PdfReader

    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(pdf).pages))
    assert MAJOR_TITLE in text and GENERAL_TITLE in text
    s.save_artifact(pdf, "rectification-notice.pdf")
    s.render_pdf(pdf, "rectification-notice")

    ids = dict(park.rows("SELECT title, id FROM hazards WHERE inspection_id = ?", inspection_id))
    day.update(inspection_id=inspection_id, major_id=ids[MAJOR_TITLE], general_id=ids[GENERAL_TITLE])


# ---------------------------------------------------------------------------------------- scenario 2

def _add_measure(s, hazard_id, description, done_on=None):
    page = s.page
    with page.expect_navigation():
        page.click(f"#measures a[href$='/hazards/{hazard_id}/measures/new']")
    page.fill("#description", description)
    page.fill("#responsible_person", "王工")
    page.fill("#funds", "12000")
    if done_on:
        page.fill("#done_on", done_on.isoformat())
    submit(s)
    expect_success(s)


def _evidence_and_submit(s, files, note):
    s.page.set_input_files("#upload-files", [str(f) for f in files])
    submit(s, "#files .upload-form")
    expect_success(s)
    act(s, "submit", note=note)
    assert "status-submitted" in status_of(s)


def test_enterprise_rectifies_both_and_cannot_reach_another_enterprise(sessions, park, test_image, tmp_path):
    major_id, general_id = needs("major_id", "general_id")
    s = sessions("2-enterprise")
    s.login(park.username)
    page = s.page
    today = park_today()

    s.goto("/portal/")
    tasks = page.locator("ul.tasks").inner_text()
    assert MAJOR_TITLE in tasks and GENERAL_TITLE in tasks
    s.shot("my-tasks")
    assert_no_horizontal_scroll(s)

    # The major hazard: governance plan, acknowledge, a measure, done, evidence, submit.
    with page.expect_navigation():
        page.click(f"ul.tasks a[href$='/hazards/{major_id}']")
    s.shot("major-hazard-open")
    with page.expect_navigation():
        page.click(f"#actions a[href$='/hazards/{major_id}/plan']")
    for name, text in [("goal", "全部电焊作业人员持证上岗"), ("methods", "停止无证人员作业，组织取证培训"),
                       ("funds_materials", "培训费 2 万元，由公司安全费用列支"),
                       ("organisation", "安全部牵头，设备部、生产部配合"),
                       ("timeline", "7 日内完成，证书原件备查"),
                       ("safety_emergency", "取证前由持证人员作业并专人监护；执行动火应急预案")]:
        page.fill(f"#{name}", text)
    s.shot("governance-plan")
    submit(s)
    expect_success(s)
    act(s, "acknowledge")
    assert "status-rectifying" in status_of(s)
    _add_measure(s, major_id, "两名电焊工参加特种作业取证培训并考核")
    with page.expect_navigation():
        page.click(f"#measures a[href*='/hazards/{major_id}/measures/']:not([href$='/new'])")
    s.shot("measure-edit")
    page.fill("#done_on", today.isoformat())
    submit(s)
    expect_success(s)
    assert page.locator("#measures .tag.status-closed").count() == 1
    # A major hazard is submitted with the assessment of the governance result (治理效果评估报告).
    assessment = tmp_path / "治理效果评估报告.pdf"
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(assessment))
    pdf.drawString(72, 720, "Assessment of the governance result.")
    pdf.save()
    page.set_input_files("#assessment-files", str(assessment))
    submit(s, "#assessment .upload-form")
    expect_success(s)
    _evidence_and_submit(s, [test_image], "两名电焊工已取得特种作业操作证，证书复印件已上传。")
    s.shot("major-hazard-submitted")

    # The general hazard: acknowledge, a measure done at once, evidence, submit.
    open_hazard(s, general_id)
    act(s, "acknowledge")
    _add_measure(s, general_id, "清走托盘，划定禁放区", done_on=today)
    report = tmp_path / "消防通道整改验收记录（含照片及签字页）.pdf"
    pdf = canvas.Canvas(str(report))
    pdf.drawString(72, 720, "Fire lane cleared, checked and signed.")
    pdf.save()
    _evidence_and_submit(s, [test_image, report], "托盘已清走，消防通道畅通。")
    assert s.page.locator("#files a.file-chip", has_text=report.name).count() == 1
    s.shot("general-hazard-submitted")

    # Enterprise B's hazard by URL: the not-found page, as for a missing id.
    other = park.value("SELECT id FROM hazards WHERE enterprise_id != ? ORDER BY id LIMIT 1", park.enterprise_id)
    s.expect_status(404, f"/hazards/{other}")
    response = s.goto(f"/hazards/{other}")
    assert response.status == 404
    assert page.locator(".error-page h1").inner_text() == "404"
    assert page.locator("article.hazard-detail").count() == 0
    s.shot("other-enterprise-not-found")


# ---------------------------------------------------------------------------------------- scenario 3

def test_reinspection_rejects_once_then_verifies_and_admin_clears_the_enterprise_to_zero(sessions, park):
    major_id, general_id = needs("major_id", "general_id")
    admin = sessions("3-admin", phone=False)
    admin.login("admin")
    open_before = dashboard_open(admin)
    row = admin.page.locator(f"#by-enterprise tr[data-enterprise='{park.enterprise_id}']")
    assert row.locator("td").nth(1).inner_text().strip() == "2"
    admin.shot("dashboard-before")

    inspector = sessions("3-inspector")
    inspector.login("inspector")
    inspector.goto("/hazards/queue")
    queue = inspector.page.locator("#submitted").inner_text()
    assert MAJOR_TITLE in queue and GENERAL_TITLE in queue
    inspector.shot("reinspection-queue")
    open_hazard(inspector, major_id)
    inspector.page.locator("details[data-action=reject] summary").click()
    inspector.shot("reject-form")
    act(inspector, "reject", reason="证书复印件不清晰，请上传原件照片。")
    assert "status-rectifying" in status_of(inspector)

    enterprise = sessions("3-enterprise")
    enterprise.login(park.username)
    open_hazard(enterprise, major_id)
    assert "证书复印件不清晰" in enterprise.page.locator("#timeline").inner_text()
    enterprise.shot("rejected-with-reason")
    act(enterprise, "submit", note="已补充上传证书原件照片。")

    open_hazard(inspector, major_id)
    act(inspector, "verify", opinion="复查合格。")
    assert "status-verified" in status_of(inspector)
    open_hazard(inspector, general_id)
    act(inspector, "verify", opinion="现场复查，已整改到位。")
    assert "status-closed" in status_of(inspector)

    admin.goto("/hazards/queue")
    with admin.page.expect_navigation():
        admin.page.click(f"#verified a[href*='/hazards/{major_id}']")
    # 验收销号 on the admin's phone: opinion, date (today by default) and the people who accepted.
    phone = sessions("3-admin-phone")
    phone.login("admin")
    open_hazard(phone, major_id)
    phone.page.locator("details[data-action=close] summary").click()
    phone.page.fill("#close-acceptance_opinion", "重大隐患治理完成，治理效果评估报告结论明确，予以销号。")
    phone.page.fill("#close-accepted_by", "王验收、赵专家（外聘）")
    phone.page.locator("details[data-action=close]").scroll_into_view_if_needed()
    phone.shot("acceptance-step")
    assert_no_horizontal_scroll(phone)
    act(phone, "close")
    assert "status-closed" in status_of(phone)
    assert "赵专家（外聘）" in phone.page.locator("#acceptance ~ dl").inner_text()
    phone.shot("major-hazard-accepted")
    open_hazard(admin, major_id)
    assert "status-closed" in status_of(admin)
    admin.shot("major-hazard-closed")

    assert dashboard_open(admin) == open_before - 2
    # Cleared to zero: kept in the dashboard's table, marked 已清零.
    cleared_row = admin.page.locator(f"#by-enterprise tr[data-enterprise='{park.enterprise_id}']")
    assert cleared_row.get_attribute("data-cleared") == "1" and "已清零" in cleared_row.inner_text()
    admin.shot("dashboard-after")

    enterprise.goto("/portal/")
    assert "已清零" in enterprise.page.locator("main").inner_text()
    enterprise.shot("my-tasks-cleared-to-zero")
    enterprise.goto("/dashboard")
    assert enterprise.page.locator("[data-figure=open]").inner_text() == "0"
    enterprise.shot("dashboard-cleared-to-zero")


# ---------------------------------------------------------------------------------------- scenario 4

def test_enterprise_requests_an_extension_and_admin_approves_it(sessions, park):
    hazard_id, deadline, original = park.rows(
        "SELECT h.id, h.deadline, h.original_deadline FROM hazards h "
        "WHERE h.enterprise_id = (SELECT enterprise_id FROM users WHERE username = 'enterprise1') "
        "AND h.status IN ('open', 'rectifying') AND NOT EXISTS (SELECT 1 FROM extension_requests r "
        "WHERE r.hazard_id = h.id AND r.status = 'pending') ORDER BY h.deadline DESC, h.id LIMIT 1")[0]
    new_deadline = (max(date.fromisoformat(deadline), park_today()) + timedelta(days=14)).isoformat()

    enterprise = sessions("4-enterprise")
    enterprise.login("enterprise1")
    open_hazard(enterprise, hazard_id)
    enterprise.page.locator("details[data-action=request_extension] summary").click()
    enterprise.page.fill("#request_extension-new_deadline", new_deadline)
    enterprise.page.fill("#request_extension-reason", "进口阀门到货延迟，需待供应商发货后更换。")
    enterprise.shot("extension-request-form")
    with enterprise.page.expect_navigation():
        enterprise.page.click("details[data-action=request_extension] button[type=submit]")
    expect_success(enterprise)
    assert new_deadline in enterprise.page.locator(".flash-warning").inner_text()
    enterprise.shot("extension-requested")

    admin = sessions("4-admin", phone=False)
    admin.login("admin")
    admin.goto("/hazards/queue")
    admin.shot("queue-with-extension")
    with admin.page.expect_navigation():
        admin.page.click(f"#extensions a[href*='/hazards/{hazard_id}']")
    act(admin, "approve_extension", comment="同意延期。")
    assert dd_after(admin, "原整改期限") == original
    assert dd_after(admin, "当前整改期限") == new_deadline
    admin.shot("extension-approved")

    open_hazard(enterprise, hazard_id)
    assert dd_after(enterprise, "原整改期限") == original
    assert dd_after(enterprise, "当前整改期限") == new_deadline
    enterprise.shot("hazard-original-and-new-deadline")
    enterprise.goto("/portal/")
    task = enterprise.page.locator(f"ul.tasks li:has(a[href$='/hazards/{hazard_id}'])").inner_text()
    assert new_deadline in task and original in task
    enterprise.shot("my-tasks-new-deadline")


# ---------------------------------------------------------------------------------------- scenario 5

def test_language_switch_and_errors_beside_the_field(sessions):
    (inspection_id,) = needs("inspection_id")
    s = sessions("5-inspector")
    s.login("inspector")
    page = s.page
    path = f"/inspections/{inspection_id}/hazards/new"
    s.goto(path)
    assert page.locator("html").get_attribute("lang") == "zh-CN"

    with page.expect_navigation():
        page.click(".lang a[lang=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main h1").inner_text() == "File a hazard"
    s.shot("file-hazard-english")

    s.expect_status(422, path)
    submit(s)
    title_field = page.locator(".field.has-error:has(#title)")
    assert title_field.locator(".error").inner_text() == "This field is required."
    assert page.locator(".field.has-error:has(#category) .error").inner_text() == "This field is required."
    assert page.locator(".field.has-error").count() == 2
    s.shot("errors-beside-fields-english")

    with page.expect_navigation():
        page.click(".lang a[lang=zh-CN]")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("main h1").inner_text() == "登记隐患"
    page.fill("#title", "配电室门未关闭")
    page.select_option("#category", "equipment")
    page.check("input[name=deadline_preset][value='date']")
    submit(s)
    error = page.locator("fieldset.presets.has-error .error").inner_text()
    assert "日期" in error, error
    assert page.input_value("#title") == "配电室门未关闭"
    s.shot("error-beside-deadline-chinese")
    assert only_the_two_hazards_are_listed(page)


def only_the_two_hazards_are_listed(page):
    """Nothing was written by the refused forms: the inspection still lists only the two hazards."""
    with page.expect_navigation():
        page.click("main p.muted a")
    return page.locator("#found li").count() == 2
