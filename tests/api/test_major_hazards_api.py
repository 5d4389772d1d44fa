"""Major hazards through the API: file by a ground, reclassify, assessment upload, acceptance."""
import io
from datetime import timedelta

from safety_app import clock, lifecycle

from ..loop.conftest import Driver, add_evidence, pdf_bytes


def _create(api, park, **fields):
    return api(park.inspector).post("/hazards", json={
        "enterprise_id": park.a.id, "title": "防火堤破损", "category": "equipment",
        "deadline": (clock.today() + timedelta(days=30)).isoformat(), **fields})


def test_staff_file_a_major_hazard_by_a_ground_through_the_api(api, park):
    response = _create(api, park, major_ground="harm_difficulty", major_reason="危害和整改难度较大")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["level"], body["major_ground"], body["criterion"]) == ("major", "harm_difficulty", None)


def test_api_refuses_a_ground_without_a_reason(api, park):
    response = _create(api, park, major_ground="harm_difficulty")
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "major_reason"


def test_staff_reclassify_through_the_api(api, park):
    hazard = park.hazard()
    response = api(park.admin).post(f"/hazards/{hazard.id}/transitions", json={
        "action": "reclassify", "version": hazard.version, "level": "major", "major_ground": "external",
        "reason": "受外部管廊影响"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["level"] == "major"


def test_enterprise_uploads_the_assessment_and_admin_closes_with_the_acceptance(api, park):
    drive = Driver(park)
    hazard = drive.hazard_in("rectifying", major=True)
    response = api(park.user_a).post(f"/hazards/{hazard.id}/attachments", data={
        "kind": "assessment", "file": (io.BytesIO(pdf_bytes()), "评估报告.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["items"][0]["kind"] == "assessment"
    lifecycle.save_measure(hazard, park.user_a, description="重建防火堤", done_on=clock.today())
    add_evidence(hazard, park.user_a)
    drive.apply(hazard, "submit", park.user_a, note="已重建")
    drive.apply(hazard, "verify", park.inspector, opinion="复查合格")
    response = api(park.admin).post(f"/hazards/{hazard.id}/transitions", json={
        "action": "close", "version": hazard.version, "acceptance_opinion": "同意销号",
        "accepted_on": clock.today().isoformat(), "accepted_by": "王验收"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["acceptance"] == {"opinion": "同意销号", "accepted_on": clock.today().isoformat(),
                                                 "accepted_by": "王验收"}


def test_api_close_without_acceptance_is_refused(api, park):
    hazard = Driver(park).hazard_in("verified")
    response = api(park.admin).post(f"/hazards/{hazard.id}/transitions", json={
        "action": "close", "version": hazard.version})
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "acceptance_opinion"


def test_assessment_of_a_general_hazard_is_refused_by_the_api(api, park):
    hazard = Driver(park).hazard_in("rectifying")
    response = api(park.user_a).post(f"/hazards/{hazard.id}/attachments", data={
        "kind": "assessment", "file": (io.BytesIO(pdf_bytes()), "评估报告.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 422
