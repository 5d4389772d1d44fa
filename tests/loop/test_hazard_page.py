"""The hazard page and the enterprise portal: only the buttons the user may press,
every action carries the version, a stale page is refused with 409."""
import re
from datetime import date, timedelta

from sqlalchemy import select

from safety_app import clock, lifecycle
from safety_app.extensions import db
from safety_app.models import Measure

from .conftest import PLAN, snapshot


def _buttons(page):
    return set(re.findall(r'/actions/([a-z_]+)"', page))


def test_enterprise_sees_only_its_own_buttons(client, park, login_as):
    hazard = park.hazard()
    login_as(park.user_a)
    assert _buttons(client.get(f"/hazards/{hazard.id}").get_data(as_text=True)) == {
        "acknowledge", "request_extension"}


def test_inspector_sees_verify_and_reject_on_a_submitted_hazard(client, park, drive, login_as):
    hazard = drive.hazard_in("submitted")
    login_as(park.inspector)
    assert _buttons(client.get(f"/hazards/{hazard.id}").get_data(as_text=True)) == {"verify", "reject"}


def test_admin_sees_close_and_withdraw_on_a_verified_major_hazard(client, park, drive, login_as):
    hazard = drive.hazard_in("verified")
    login_as(park.admin)
    # a major hazard not yet closed can also be listed for supervision and have production suspended
    assert _buttons(client.get(f"/hazards/{hazard.id}").get_data(as_text=True)) == {
        "close", "withdraw", "list_supervision", "record_suspension"}


def test_every_action_form_carries_the_hazard_version(client, park, login_as):
    hazard = park.hazard()
    login_as(park.user_a)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    for action in ("acknowledge", "request_extension"):
        assert f'name="{action}-version" type="hidden" value="{hazard.version}"' in page


def test_enterprise_acknowledges_through_the_page(client, park, login_as):
    hazard = park.hazard()
    login_as(park.user_a)
    response = client.post(f"/hazards/{hazard.id}/actions/acknowledge", data={"acknowledge-version": hazard.version})
    assert response.status_code == 302 and response.location.endswith(f"/hazards/{hazard.id}")
    db.session.refresh(hazard)
    assert hazard.status == "rectifying"


def test_stale_page_says_changed_by_someone_else_and_writes_nothing(client, park, login_as):
    hazard = park.hazard()
    seen = hazard.version
    lifecycle.save_measure(hazard, park.admin, description="管理员补充的措施")
    before = snapshot(hazard)
    login_as(park.user_a)
    response = client.post(f"/hazards/{hazard.id}/actions/acknowledge", data={"acknowledge-version": seen})
    assert response.status_code == 409
    assert "该隐患已被他人修改" in response.get_data(as_text=True)
    assert snapshot(hazard) == before


def test_reject_without_reason_shows_the_error_beside_the_field_in_chinese(client, park, drive, login_as):
    hazard = drive.hazard_in("submitted")
    before = snapshot(hazard)
    login_as(park.inspector)
    response = client.post(f"/hazards/{hazard.id}/actions/reject", data={"reject-version": hazard.version})
    assert response.status_code == 422
    assert "该字段是必填字段" in response.get_data(as_text=True)
    assert snapshot(hazard) == before


def test_form_errors_come_in_english_for_english_users(client, park, drive, login_as):
    hazard = drive.hazard_in("submitted")
    login_as(park.inspector)
    client.get("/lang/en")
    response = client.post(f"/hazards/{hazard.id}/actions/reject", data={"reject-version": hazard.version})
    assert "This field is required." in response.get_data(as_text=True)


def test_submit_without_evidence_is_refused_with_the_reason(client, park, drive, login_as):
    hazard = drive.hazard_in("rectifying")
    lifecycle.save_measure(hazard, park.user_a, description="措施", done_on=date.today() - timedelta(days=1))
    login_as(park.user_a)
    response = client.post(f"/hazards/{hazard.id}/actions/submit",
                           data={"submit-version": hazard.version, "submit-note": "已整改"})
    assert response.status_code == 422
    assert "佐证" in response.get_data(as_text=True)
    assert hazard.status == "rectifying"


def test_extension_request_through_the_page_keeps_the_original_deadline(client, park, login_as):
    hazard = park.hazard()
    original = hazard.deadline
    login_as(park.user_a)
    client.post(f"/hazards/{hazard.id}/actions/request_extension", data={
        "request_extension-version": hazard.version, "request_extension-reason": "进口备件未到",
        "request_extension-new_deadline": (original + timedelta(days=30)).isoformat()})
    db.session.refresh(hazard)
    assert hazard.deadline == original and len(hazard.extension_requests) == 1
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert "进口备件未到" in page and "request_extension" not in _buttons(page)


def test_enterprise_adds_and_completes_a_measure(client, park, login_as):
    hazard = park.hazard()
    login_as(park.user_a)
    response = client.post(f"/hazards/{hazard.id}/measures/new", data={
        "version": hazard.version, "description": "更换报警器", "responsible_person": "王工", "funds": "1200.50"})
    assert response.status_code == 302
    measure = db.session.execute(select(Measure)).scalar_one()
    db.session.refresh(hazard)
    response = client.post(f"/hazards/{hazard.id}/measures/{measure.id}", data={
        "version": hazard.version, "description": "更换报警器", "funds": "1200.50",
        "done_on": clock.today().isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(measure)
    assert measure.is_done and str(measure.funds) == "1200.50"


def test_measure_with_negative_funds_is_refused_in_chinese(client, park, login_as):
    hazard = park.hazard()
    login_as(park.user_a)
    response = client.post(f"/hazards/{hazard.id}/measures/new", data={
        "version": hazard.version, "description": "措施", "funds": "-5"})
    assert response.status_code == 422
    assert db.session.execute(select(Measure)).first() is None
    assert "Number must be" not in response.get_data(as_text=True)


def test_governance_plan_through_the_page_unlocks_acknowledge(client, park, login_as):
    hazard = park.hazard(major=True)
    login_as(park.user_a)
    refused = client.post(f"/hazards/{hazard.id}/actions/acknowledge", data={"acknowledge-version": hazard.version})
    assert refused.status_code == 422 and "治理方案" in refused.get_data(as_text=True)
    client.post(f"/hazards/{hazard.id}/plan", data={"version": hazard.version, **PLAN})
    db.session.refresh(hazard)
    assert hazard.plan.is_complete
    client.post(f"/hazards/{hazard.id}/actions/acknowledge", data={"acknowledge-version": hazard.version})
    db.session.refresh(hazard)
    assert hazard.status == "rectifying"


def test_detail_shows_overdue_days_and_both_deadlines(client, park, drive, login_as, time_machine):
    time_machine.move_to("2026-04-01 09:00 +08:00", tick=False)
    hazard = drive.hazard_in("open")
    lifecycle.apply(hazard, "request_extension", park.user_a, version=hazard.version, reason="理由",
                    new_deadline=date(2026, 4, 20))
    lifecycle.apply(hazard, "approve_extension", park.admin, version=hazard.version)
    time_machine.move_to("2026-04-25 09:00 +08:00", tick=False)
    login_as(park.user_a)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert "逾期 5 天" in page and "2026-04-08" in page and "2026-04-20" in page


def test_queue_lists_submitted_hazards_for_inspectors(client, park, drive, login_as):
    submitted = drive.hazard_in("submitted")
    open_one = park.hazard(title="尚未整改的隐患")
    login_as(park.inspector)
    page = client.get("/hazards/queue").get_data(as_text=True)
    assert submitted.code in page and open_one.code not in page


def test_enterprise_tasks_list_overdue_first_then_by_deadline(client, park, login_as, time_machine):
    time_machine.move_to("2026-04-01 09:00 +08:00", tick=False)
    later = park.hazard(title="期限较晚", deadline=date(2026, 4, 30))
    soon = park.hazard(title="期限较近", deadline=date(2026, 4, 10))
    overdue = park.hazard(title="已经逾期", deadline=date(2026, 4, 3))
    park.hazard(enterprise=park.b, title="乙企业的隐患", deadline=date(2026, 4, 1))
    time_machine.move_to("2026-04-05 09:00 +08:00", tick=False)
    login_as(park.user_a)
    page = client.get("/portal/").get_data(as_text=True)
    positions = [page.index(h.code) for h in (overdue, soon, later)]
    assert positions == sorted(positions)
    assert "乙企业的隐患" not in page and "逾期 2 天" in page


def test_staff_have_no_task_list(client, park, login_as):
    login_as(park.inspector)
    assert client.get("/portal/").status_code == 403


def test_admin_queue_shows_close_outs_and_pending_extensions(client, park, drive, login_as):
    verified = drive.hazard_in("verified")
    asking = drive.hazard_in("rectifying", pending_extension=True)
    forgotten = drive.hazard_in("open", pending_extension=True)
    lifecycle.apply(forgotten, "withdraw", park.admin, version=forgotten.version, reason="误报")
    login_as(park.admin)
    page = client.get("/hazards/queue").get_data(as_text=True)
    assert verified.code in page and asking.code in page and forgotten.code not in page
