"""Enterprise self-inspection (企业自查): an enterprise files hazards at its own enterprise; a
general one is rectified and accepted inside the enterprise by another user than the one who
rectified it (整改人 ≠ 验收人); a major one is reported to the office at once and closes only
through the office."""
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safety_app import clock, lifecycle
from safety_app.extensions import db
from safety_app.lifecycle_errors import NotAllowed, WrongState
from safety_app.models import Hazard, MajorHazardReport, Notification, SelfAcceptance

from ..loop.conftest import PLAN, acceptance, image_bytes
from .conftest import rectify_and_submit, self_filed


def _notifications(user, kind=None):
    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt).all()


def test_an_enterprise_user_files_a_hazard_with_photos_on_the_phone_form(client, park, acceptor, login_as):
    login_as(park.user_a)
    page = client.get("/portal/hazards/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="photos"' in html and 'name="criterion"' in html and "李安全" in html
    response = client.post("/portal/hazards/new", data={
        "title": "消防通道堵塞", "category": "equipment", "deadline_preset": "7", "location": "二号罐区",
        "responsible_user_id": str(acceptor.id), "photos": [(io.BytesIO(image_bytes()), "现场.jpg")],
    }, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    hazard = db.session.scalar(select(Hazard).where(Hazard.title == "消防通道堵塞"))
    assert hazard.source == "self_inspection" and hazard.enterprise_id == park.a.id
    assert hazard.responsible_user_id == acceptor.id and hazard.responsible_person == "李安全"
    assert [a.kind for a in hazard.attachments] == ["photo"]
    assert [n.hazard_id for n in _notifications(acceptor, "assigned")] == [hazard.id]
    detail = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert 'data-source="self_inspection"' in detail


def test_the_filing_form_refuses_bad_input_and_writes_nothing(client, park, login_as):
    login_as(park.user_a)
    response = client.post("/portal/hazards/new", data={
        "title": "", "category": "equipment", "deadline_preset": "7", "responsible_user_id": str(park.user_b.id)})
    assert response.status_code == 422
    response = client.post("/portal/hazards/new", data={
        "title": "越权指定", "category": "equipment", "deadline_preset": "7", "responsible_user_id": str(park.user_b.id)})
    assert response.status_code == 422
    assert "请从本企业的用户中选择责任人" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Hazard.id))) == 0


def test_staff_cannot_use_the_enterprise_filing_form(client, park, login_as):
    login_as(park.inspector)
    assert client.get("/portal/hazards/new").status_code == 403


def test_a_general_self_found_hazard_is_accepted_by_another_user_of_the_enterprise(park, acceptor):
    hazard = rectify_and_submit(self_filed(park), park.user_a)
    with pytest.raises(NotAllowed) as refused:
        lifecycle.apply(hazard, "accept", park.user_a, version=hazard.version, opinion="自己验收",
                        accepted_on=clock.today())
    assert "整改人 ≠ 验收人" in str(refused.value.message)
    assert hazard.status == "submitted" and not hazard.self_acceptances
    lifecycle.apply(hazard, "accept", acceptor, version=hazard.version, opinion="现场核查，报警器工作正常",
                    accepted_on=clock.today())
    assert hazard.status == "closed" and hazard.closed_on == clock.today()
    record = db.session.scalar(select(SelfAcceptance).where(SelfAcceptance.hazard_id == hazard.id))
    assert (record.accepted_by_id, record.rectified_by_id) == (acceptor.id, park.user_a.id)
    assert record.opinion == "现场核查，报警器工作正常" and record.event.action == "accept"


def test_the_responsible_user_counts_as_the_rectifier_too(park, acceptor):
    hazard = rectify_and_submit(self_filed(park, responsible_user=acceptor), park.user_a)
    assert not lifecycle.is_allowed(hazard, "accept", acceptor)
    assert not lifecycle.is_allowed(hazard, "accept", park.user_a)


def test_the_same_user_is_refused_on_the_web_with_a_clear_message(client, park, acceptor, login_as):
    hazard = rectify_and_submit(self_filed(park), park.user_a)
    login_as(park.user_a)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert 'data-action="accept"' not in page and 'data-hint="other-acceptor"' in page
    response = client.post(f"/hazards/{hazard.id}/actions/accept", data={
        "accept-version": hazard.version, "accept-opinion": "自己验收", "accept-accepted_on": clock.today().isoformat()})
    assert response.status_code == 403
    assert "整改人 ≠ 验收人" in response.get_data(as_text=True)
    login_as(acceptor)
    assert 'data-action="accept"' in client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    response = client.post(f"/hazards/{hazard.id}/actions/accept", data={
        "accept-version": hazard.version, "accept-opinion": "验收合格", "accept-accepted_on": clock.today().isoformat()})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Hazard, hazard.id).status == "closed"


def test_an_acceptance_needs_an_opinion_and_a_sensible_date(park, acceptor):
    hazard = rectify_and_submit(self_filed(park), park.user_a)
    for data in ({"opinion": " ", "accepted_on": clock.today()},
                 {"opinion": "好", "accepted_on": clock.today() + timedelta(days=1)},
                 {"opinion": "好", "accepted_on": clock.today() - timedelta(days=3)}):
        with pytest.raises(lifecycle.Invalid):
            lifecycle.apply(hazard, "accept", acceptor, version=hazard.version, **data)
    assert hazard.status == "submitted"


def test_staff_may_still_verify_or_reject_a_self_found_hazard(park, drive):
    hazard = rectify_and_submit(self_filed(park), park.user_a)
    drive.apply(hazard, "reject", park.inspector, reason="探头型号不符")
    assert hazard.status == "rectifying"
    drive.apply(hazard, "submit", park.user_a, note="已更换为合格型号")
    drive.apply(hazard, "verify", park.inspector, opinion="复查合格")
    assert hazard.status == "closed"


def test_a_hazard_found_by_the_office_is_not_accepted_inside_the_enterprise(park, acceptor, drive):
    hazard = drive.hazard_in("submitted")
    with pytest.raises(WrongState):
        lifecycle.apply(hazard, "accept", acceptor, version=hazard.version, opinion="好", accepted_on=clock.today())
    assert hazard.status == "submitted"


def test_a_self_reported_major_hazard_reaches_the_office_and_closes_only_through_it(park, acceptor, drive):
    hazard = self_filed(park, major=True)
    assert hazard.level == "major" and hazard.source == "self_inspection"
    report = db.session.scalar(select(MajorHazardReport).where(MajorHazardReport.hazard_id == hazard.id))
    assert report is not None and report.source == "filed" and report.created_by_id == park.user_a.id
    for staff in (park.admin, park.inspector, park.inspector2):
        assert [n.hazard_id for n in _notifications(staff, "self_reported_major")] == [hazard.id]
    lifecycle.save_plan(hazard, park.user_a, **PLAN)
    lifecycle.apply(hazard, "acknowledge", park.user_a, version=hazard.version)
    drive.ready_to_submit(hazard)
    drive.apply(hazard, "submit", park.user_a, note="治理完成")
    with pytest.raises(WrongState) as refused:
        lifecycle.apply(hazard, "accept", acceptor, version=hazard.version, opinion="企业验收",
                        accepted_on=clock.today())
    assert "office" in str(refused.value.message) or "监管" in str(refused.value.message)
    assert hazard.status == "submitted"
    drive.apply(hazard, "verify", park.inspector, opinion="复查合格")
    assert hazard.status == "verified"
    drive.apply(hazard, "close", park.admin, **acceptance())
    assert hazard.status == "closed" and not hazard.self_acceptances


def test_reclassified_major_loses_the_enterprise_acceptance_and_back_to_general_regains_it(park, acceptor, drive):
    hazard = self_filed(park)
    drive.apply(hazard, "reclassify", park.inspector, level="major", major_ground="harm_difficulty", reason="危害和整改难度较大")
    assert hazard.level == "major"
    assert db.session.scalar(select(MajorHazardReport).where(MajorHazardReport.hazard_id == hazard.id)) is not None
    drive.apply(hazard, "reclassify", park.inspector, level="general", reason="复核为一般")
    rectify_and_submit(hazard, park.user_a)
    assert lifecycle.is_allowed(hazard, "accept", acceptor)


def test_the_api_accepts_inside_the_enterprise_and_refuses_the_rectifier(client, park, acceptor):
    from ..conftest import PASSWORD

    hazard = rectify_and_submit(self_filed(park), park.user_a)

    def call(username, opinion):
        token = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD}).get_json()["token"]
        return client.post(f"/api/v1/hazards/{hazard.id}/transitions", headers={"Authorization": f"Bearer {token}"},
                           json={"action": "accept", "version": hazard.version, "opinion": opinion,
                                 "accepted_on": clock.today().isoformat()})

    assert call("user_a", "自己验收").status_code == 403
    response = call("manager_a", "验收合格")
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["status"] == "closed"
    assert data["self_acceptances"][0]["accepted_by"]["id"] == acceptor.id
    assert data["self_acceptances"][0]["rectified_by"]["id"] == park.user_a.id
