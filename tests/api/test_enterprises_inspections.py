"""Enterprises and inspections through the API: the same visibility as the web."""
from .conftest import assert_error


def test_staff_list_every_enterprise(api, park):
    data = api(park.inspector).get("/enterprises").get_json()
    assert data["total"] == 2 and {e["name"] for e in data["items"]} == {park.a.name, park.b.name}


def test_enterprise_user_lists_only_their_enterprise(api, park):
    data = api(park.user_a).get("/enterprises").get_json()
    assert [e["id"] for e in data["items"]] == [park.a.id]


def test_enterprise_user_gets_404_for_another_enterprise(api, park):
    client = api(park.user_a)
    assert client.get(f"/enterprises/{park.a.id}").get_json()["credit_code"] == park.a.credit_code
    assert_error(client.get(f"/enterprises/{park.b.id}"), 404, "not_found")
    assert_error(client.get("/enterprises/999999"), 404, "not_found")


def test_enterprise_search_and_paging(api, park):
    client = api(park.admin)
    assert client.get("/enterprises?q=南港").get_json()["total"] == 1
    page = client.get("/enterprises?per_page=1&page=2").get_json()
    assert page["pages"] == 2 and len(page["items"]) == 1
    assert_error(client.get("/enterprises?per_page=0"), 400)


def test_inspector_starts_an_inspection_and_reads_it_back(api, park):
    client = api(park.inspector)
    response = client.post("/inspections", json={
        "enterprise_id": park.a.id, "inspection_type": "routine", "inspector_ids": [park.inspector2.id],
        "checklist": ["fire"], "summary": "罐区检查"})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert {i["id"] for i in created["inspectors"]} == {park.inspector.id, park.inspector2.id}
    got = client.get(f"/inspections/{created['id']}").get_json()
    assert got["summary"] == "罐区检查" and got["hazards"] == []
    assert client.get(f"/inspections?enterprise={park.a.id}").get_json()["total"] == 1


def test_starting_an_inspection_with_bad_data_gets_422(api, park):
    client = api(park.inspector)
    error = assert_error(client.post("/inspections", json={"enterprise_id": park.a.id,
                                                            "inspection_type": "picnic"}), 422)
    assert error["field"] == "inspection_type"
    error = assert_error(client.post("/inspections", json={"enterprise_id": park.a.id, "inspection_type": "routine",
                                                            "inspected_on": "2999-01-01"}), 422)
    assert error["field"] == "inspected_on"


def test_enterprise_user_cannot_start_an_inspection(api, park):
    response = api(park.user_a).post("/inspections", json={"enterprise_id": park.a.id, "inspection_type": "routine"})
    assert_error(response, 403)


def test_enterprise_user_gets_404_for_another_enterprises_inspection(api, park):
    inspection = api(park.inspector).post("/inspections", json={
        "enterprise_id": park.b.id, "inspection_type": "routine"}).get_json()
    assert_error(api(park.user_a).get(f"/inspections/{inspection['id']}"), 404)
    assert api(park.user_a).get("/inspections").get_json()["total"] == 0
