"""Hazards through the API: the ledger list, filing, reading, correcting and the lifecycle."""
from datetime import timedelta

from safety_app import clock
from safety_app.models import Event, Hazard

from .conftest import assert_error


def new_hazard(park, **values):
    body = {"enterprise_id": park.a.id, "title": "消防通道堵塞", "category": "fire",
            "deadline": (clock.today() + timedelta(days=7)).isoformat()}
    body.update(values)
    return body


def test_inspector_files_a_hazard(api, park):
    response = api(park.inspector).post("/hazards", json=new_hazard(
        park, location="罐区", found_on="2026-10-15", criterion={"set": "AQ3067-2026", "clause": "5.4.1"}))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["status"] == "open" and data["level"] == "major" and data["code"].startswith("YH-")
    assert data["criterion"] == {"set": "AQ3067-2026", "clause": "5.4.1"}
    assert data["found_by"]["id"] == park.inspector.id and data["version"] == 1
    assert Hazard.query.count() == 1


def test_filing_with_invalid_data_gets_422_and_writes_nothing(api, park):
    client = api(park.inspector)
    cases = [
        (new_hazard(park, title=""), "title"),
        (new_hazard(park, category="snacks"), "category"),
        (new_hazard(park, deadline="next week"), "deadline"),
        (new_hazard(park, deadline="2001-01-01"), "deadline"),
        (new_hazard(park, title="x" * 201), "title"),
        (new_hazard(park, title="a\x00b"), None),
        (new_hazard(park, colour="red"), "colour"),
        (new_hazard(park, enterprise_id=999999), "enterprise_id"),
    ]
    for body, field in cases:
        error = assert_error(client.post("/hazards", json=body), 422, "invalid")
        if field:
            assert error["field"] == field, body
    assert Hazard.query.count() == 0


def test_enterprise_user_files_only_its_own_self_inspection_hazards(api, park):
    # 企业自查 (issue 16): an enterprise token files at its own enterprise, source self_inspection.
    body = new_hazard(park)
    response = api(park.user_a).post("/hazards", json=body)
    assert response.status_code == 201 and response.get_json()["source"] == "self_inspection"
    assert api(park.user_a).post("/hazards", json={**body, "enterprise_id": park.b.id}).status_code == 422


def test_enterprise_user_gets_404_for_another_enterprises_hazard(api, park):
    other = park.hazard(park.b)
    assert_error(api(park.user_a).get(f"/hazards/{other.id}"), 404, "not_found")
    assert_error(api(park.user_a).get("/hazards/2147483647"), 404, "not_found")
    assert_error(api(park.user_a).get("/hazards/99999999999"), 404, "not_found")


def test_the_list_uses_the_ledger_filters_and_scope(api, park):
    park.hazard(park.a, major=True)
    park.hazard(park.a)
    park.hazard(park.b)
    admin = api(park.admin)
    assert admin.get("/hazards").get_json()["total"] == 3
    assert admin.get("/hazards?level=major").get_json()["total"] == 1
    assert admin.get(f"/hazards?enterprise={park.b.id}").get_json()["total"] == 1
    assert admin.get("/hazards?status=open&status=closed").get_json()["total"] == 3
    mine = api(park.user_a).get("/hazards").get_json()
    assert mine["total"] == 2 and {h["enterprise"]["id"] for h in mine["items"]} == {park.a.id}


def test_a_bad_filter_gets_400_naming_it(api, park):
    error = assert_error(api(park.admin).get("/hazards?deadline_to=soon"), 400, "bad_request")
    assert error["field"] == "deadline_to"


def test_detail_shows_allowed_actions_for_the_caller(api, park):
    hazard = park.hazard()
    assert api(park.user_a).get(f"/hazards/{hazard.id}").get_json()["allowed_actions"] == [
        "acknowledge", "request_extension"]
    assert api(park.admin).get(f"/hazards/{hazard.id}").get_json()["allowed_actions"] == ["withdraw",
                                                                                          "reclassify"]


def test_staff_correct_a_hazard_with_the_version_they_saw(api, park):
    hazard = park.hazard()
    response = api(park.inspector).patch(f"/hazards/{hazard.id}", json={"version": 1, "title": "安全阀未校验",
                                                                         "location": "2号罐"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["title"] == "安全阀未校验" and response.get_json()["version"] == 2
    assert Event.query.filter_by(action="edit").one().data == {"fields": ["location", "title"]}


def test_a_stale_version_gets_409_and_changes_nothing(api, park):
    hazard = park.hazard()
    client = api(park.inspector)
    client.patch(f"/hazards/{hazard.id}", json={"version": 1, "title": "第一次"})
    assert_error(client.patch(f"/hazards/{hazard.id}", json={"version": 1, "title": "第二次"}), 409, "stale_version")
    assert_error(client.post(f"/hazards/{hazard.id}/transitions", json={"action": "verify", "version": 1}),
                 409, "stale_version")
    assert client.get(f"/hazards/{hazard.id}").get_json()["title"] == "第一次"


def test_enterprise_user_cannot_correct_a_hazard(api, park):
    hazard = park.hazard()
    assert_error(api(park.user_a).patch(f"/hazards/{hazard.id}", json={"version": 1, "title": "x"}), 403)


def test_status_cannot_be_patched(api, park):
    hazard = park.hazard()
    error = assert_error(api(park.admin).patch(f"/hazards/{hazard.id}", json={"version": 1, "status": "closed"}), 422)
    assert error["field"] == "status"
    assert Hazard.query.get(hazard.id).status == "open"


def test_the_enterprise_acknowledges_through_a_transition(api, park):
    hazard = park.hazard()
    response = api(park.user_a).post(f"/hazards/{hazard.id}/transitions", json={"action": "acknowledge", "version": 1})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "rectifying"


def test_a_transition_in_the_wrong_state_or_role_is_refused(api, park):
    hazard = park.hazard()
    assert_error(api(park.inspector).post(f"/hazards/{hazard.id}/transitions",
                                          json={"action": "verify", "version": 1}), 409, "wrong_state")
    assert_error(api(park.user_a).post(f"/hazards/{hazard.id}/transitions",
                                       json={"action": "withdraw", "version": 1, "reason": "x"}), 403, "forbidden")
    assert_error(api(park.user_a).post(f"/hazards/{hazard.id}/transitions",
                                       json={"action": "fly", "version": 1}), 422, "invalid")


def test_submitting_without_measures_gets_422(api, park):
    hazard = park.hazard()
    client = api(park.user_a)
    client.post(f"/hazards/{hazard.id}/transitions", json={"action": "acknowledge", "version": 1})
    error = assert_error(client.post(f"/hazards/{hazard.id}/transitions",
                                     json={"action": "submit", "version": 2, "note": "已整改"}), 422)
    assert error["field"] == "measures"


def test_an_extension_request_needs_a_later_date(api, park):
    hazard = park.hazard()
    client = api(park.user_a)
    body = {"action": "request_extension", "version": 1, "reason": "设备到货延迟",
            "new_deadline": hazard.deadline.isoformat()}
    assert assert_error(client.post(f"/hazards/{hazard.id}/transitions", json=body), 422)["field"] == "new_deadline"
    body["new_deadline"] = (hazard.deadline + timedelta(days=10)).isoformat()
    data = client.post(f"/hazards/{hazard.id}/transitions", json=body).get_json()
    assert data["pending_extension"]["requested_deadline"] == body["new_deadline"]


def test_the_api_list_runs_the_same_number_of_queries_whatever_the_page_size(api, park, app):
    from tests.ledgers.conftest import count_queries

    for _ in range(12):
        park.hazard()
    client = api(park.admin)
    client.get("/hazards?per_page=2")
    with count_queries() as small:
        client.get("/hazards?per_page=2")
    with count_queries() as big:
        client.get("/hazards?per_page=12")
    assert len(small) == len(big) <= 4
    for url in ("/measures", "/inspections", "/enterprises", "/notifications"):
        with count_queries() as small:
            client.get(f"{url}?per_page=1")
        with count_queries() as big:
            client.get(f"{url}?per_page=100")
        assert len(small) == len(big), url
