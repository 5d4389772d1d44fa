"""The API records re-inspection findings through the transitions and shows them on the hazard."""
from sqlalchemy import func, select

from safety_app import clock
from safety_app.extensions import db
from safety_app.models import ReinspectionFinding

from ..loop.conftest import Driver
from .conftest import assert_error


def _findings():
    return db.session.scalar(select(func.count(ReinspectionFinding.id)))


def test_the_api_takes_the_finding_and_shows_it(api, park):
    hazard = Driver(park).hazard_in("submitted")
    client = api(park.inspector)
    error = assert_error(client.post(f"/hazards/{hazard.id}/transitions",
                                     json={"action": "verify", "version": hazard.version}), 422)
    assert error["field"] == "opinion" and _findings() == 0
    response = client.post(f"/hazards/{hazard.id}/transitions", json={
        "action": "reject", "version": hazard.version, "opinion": "压力表未更换",
        "reinspected_on": clock.today().isoformat(), "inspectors": [park.inspector.id, park.inspector2.id]})
    assert response.status_code == 200, response.get_json()
    [finding] = response.get_json()["findings"]
    assert finding["result"] == "failed" and finding["opinion"] == "压力表未更换"
    assert [i["id"] for i in finding["inspectors"]] == [park.inspector.id, park.inspector2.id]
    assert finding["reinspected_on"] == clock.today().isoformat()


def test_the_openapi_description_declares_the_finding_fields(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/hazards/{hazard_id}/transitions"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert {"opinion", "reinspected_on", "inspectors"} <= set(body)
    assert {"opinion", "reinspected_on", "inspectors"} <= {r["field"] for r in operation["x-data-rules"]}
