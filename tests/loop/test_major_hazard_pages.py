"""Major hazards on the pages: filing by a ground, reclassify and acceptance forms only for who may
use them, the assessment upload, the acceptance shown on the hazard page."""
import io
import re
from datetime import timedelta

from sqlalchemy import select

from safety_app import clock
from safety_app.extensions import db
from safety_app.models import Hazard, Inspection

from .conftest import pdf_bytes, snapshot


def _buttons(page):
    return set(re.findall(r'/actions/([a-z_]+)"', page))


def _inspection(park):
    inspection = Inspection(enterprise=park.a, inspection_type="routine", inspected_on=clock.today(),
                            created_by=park.inspector, inspectors=[park.inspector], status="in_progress")
    db.session.add(inspection)
    db.session.commit()
    return inspection


def _file(client, inspection, **fields):
    data = {"title": "防火堤破损", "category": "equipment", "location": "罐区", "deadline_preset": "30", **fields}
    return client.post(f"/inspections/{inspection.id}/hazards/new", data=data, content_type="multipart/form-data")


def test_inspector_files_a_major_hazard_by_a_ground_on_the_filing_form(client, park, login_as):
    inspection = _inspection(park)
    login_as(park.inspector)
    assert "16号令第三条" in client.get(f"/inspections/{inspection.id}/hazards/new").get_data(as_text=True)
    response = _file(client, inspection, major_ground="suspension", major_reason="需局部停产后重建防火堤")
    assert response.status_code == 302
    hazard = db.session.execute(select(Hazard)).scalar_one()
    assert (hazard.level, hazard.major_ground) == ("major", "suspension")
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert "应当全部或者局部停产停业" in page and "需局部停产后重建防火堤" in page


def test_filing_form_without_a_reason_for_the_ground_files_nothing_and_says_why(client, park, login_as):
    inspection = _inspection(park)
    login_as(park.inspector)
    response = _file(client, inspection, major_ground="external", major_reason="")
    assert response.status_code == 422
    assert "请填写判定为重大事故隐患的理由" in response.get_data(as_text=True)
    assert db.session.execute(select(Hazard)).first() is None


def test_staff_see_reclassify_on_an_open_hazard_and_the_enterprise_does_not(client, park, login_as):
    hazard = park.hazard()
    login_as(park.inspector)
    assert "reclassify" in _buttons(client.get(f"/hazards/{hazard.id}").get_data(as_text=True))
    login_as(park.user_a)
    assert "reclassify" not in _buttons(client.get(f"/hazards/{hazard.id}").get_data(as_text=True))


def test_enterprise_cannot_reclassify_by_posting_the_form(client, park, login_as):
    hazard = park.hazard()
    login_as(park.user_a)
    before = snapshot(hazard)
    response = client.post(f"/hazards/{hazard.id}/actions/reclassify", data={
        "reclassify-version": hazard.version, "reclassify-level": "major", "reclassify-major_ground": "external",
        "reclassify-reason": "想改成重大"})
    assert response.status_code == 403
    assert snapshot(hazard) == before and hazard.level == "general"


def test_inspector_reclassifies_a_hazard_as_major_on_its_page(client, park, login_as):
    hazard = park.hazard()
    login_as(park.inspector)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert "改判为重大事故隐患" in page
    response = client.post(f"/hazards/{hazard.id}/actions/reclassify", data={
        "reclassify-version": hazard.version, "reclassify-level": "major",
        "reclassify-major_ground": "long_rectification", "reclassify-reason": "需更换整段管线"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Hazard, hazard.id).level == "major"
    assert "改判为一般事故隐患" in client.get(f"/hazards/{hazard.id}").get_data(as_text=True)


def test_reclassify_form_without_a_ground_shows_the_error_beside_it(client, park, login_as):
    hazard = park.hazard()
    login_as(park.admin)
    response = client.post(f"/hazards/{hazard.id}/actions/reclassify", data={
        "reclassify-version": hazard.version, "reclassify-level": "major", "reclassify-reason": "危害较大"})
    assert response.status_code == 422
    assert "请选择16号令第三条规定的一种情形" in response.get_data(as_text=True)


def test_enterprise_uploads_the_assessment_of_a_major_hazard_on_its_page(client, park, drive, login_as):
    hazard = drive.hazard_in("rectifying", major=True)
    login_as(park.user_a)
    assert "上传治理效果评估报告" in client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    response = client.post(f"/hazards/{hazard.id}/uploads", data={
        "version": hazard.version, "kind": "assessment", "files": [(io.BytesIO(pdf_bytes()), "评估报告.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 302 and response.location.endswith("#assessment")
    db.session.expire_all()
    assert [a.kind for a in db.session.get(Hazard, hazard.id).attachments] == ["assessment"]


def test_general_hazard_page_offers_no_assessment_upload(client, park, drive, login_as):
    hazard = drive.hazard_in("rectifying")
    login_as(park.user_a)
    assert "上传治理效果评估报告" not in client.get(f"/hazards/{hazard.id}").get_data(as_text=True)


def test_admin_sees_the_acceptance_form_on_a_verified_major_hazard(client, park, drive, login_as):
    hazard = drive.hazard_in("verified")
    login_as(park.admin)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    for name in ("close-acceptance_opinion", "close-accepted_on", "close-accepted_by"):
        assert f'name="{name}"' in page
    assert f'value="{clock.today().isoformat()}"' in page  # the date defaults to today
    login_as(park.inspector)
    assert 'name="close-accepted_by"' not in client.get(f"/hazards/{hazard.id}").get_data(as_text=True)


def test_admin_closes_with_the_acceptance_and_the_page_shows_it(client, park, drive, login_as):
    hazard = drive.hazard_in("verified")
    login_as(park.admin)
    response = client.post(f"/hazards/{hazard.id}/actions/close", data={
        "close-version": hazard.version, "close-acceptance_opinion": "治理效果良好，同意销号。",
        "close-accepted_on": clock.today().isoformat(), "close-accepted_by": "王验收、赵专家"})
    assert response.status_code == 302
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert "治理效果良好，同意销号。" in page and "王验收、赵专家" in page and "验收销号" in page
    assert db.session.get(Hazard, hazard.id).status == "closed"


def test_acceptance_dated_tomorrow_is_refused_beside_the_date(client, park, drive, login_as):
    hazard = drive.hazard_in("verified")
    login_as(park.admin)
    before = snapshot(hazard)
    response = client.post(f"/hazards/{hazard.id}/actions/close", data={
        "close-version": hazard.version, "close-acceptance_opinion": "同意销号",
        "close-accepted_on": (clock.today() + timedelta(days=1)).isoformat(), "close-accepted_by": "王验收"})
    assert response.status_code == 422
    assert "验收日期不能晚于今天" in response.get_data(as_text=True)
    assert snapshot(hazard) == before
