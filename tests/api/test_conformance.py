"""The API keeps its own description: what the OpenAPI states is what the server enforces, and
every answer under /api/ (the server's own errors too) is JSON with the documented shape."""
import re
from datetime import date, timedelta

import pytest

from safety_app import clock, validation
from safety_app.api import spec
from safety_app.extensions import db
from safety_app.models import Hazard, Inspection, Measure
from safety_app.web import CONTROL_CHARACTERS

from .conftest import assert_error


def _openapi(client):
    return client.get("/api/v1/openapi.json").get_json()


# --- ids, pages, nesting (issue 12, item 6) ----------------------------------------------------------

BIG = "99999999999999999999"


@pytest.mark.parametrize("method, path", [
    ("get", f"/hazards/{BIG}"), ("patch", f"/hazards/{BIG}"), ("post", f"/hazards/{BIG}/transitions"),
    ("get", f"/hazards/{BIG}/measures"), ("patch", "/hazards/{hazard}/measures/" + BIG),
    ("get", f"/hazards/{BIG}/attachments"), ("get", f"/attachments/{BIG}"), ("get", f"/enterprises/{BIG}"),
    ("get", f"/inspections/{BIG}"), ("post", f"/notifications/{BIG}/read"),
])
def test_api_20_digit_id_is_404_json(api, park, method, path):
    hazard = park.hazard()
    body = {"version": 1, "action": "verify"} if path.endswith("transitions") else {"version": 1}
    response = getattr(api(park.admin), method)(path.format(hazard=hazard.id), json=body)
    assert_error(response, 404, "not_found")


def test_api_page_beyond_64_bit_is_400_json(api, park):
    for path in ("/hazards", "/measures", "/enterprises", "/inspections", "/notifications"):
        error = assert_error(api(park.admin).get(f"{path}?page=99999999999999999999"), 400)
        assert error["field"] == "page"


def test_deeply_nested_json_is_400(api, park):
    body = "[" * 100_000 + "]" * 100_000
    error = assert_error(api(park.admin).post("/hazards", data=body, content_type="application/json"), 400)
    assert "8" in error["message"]


def test_json_nested_beyond_eight_levels_is_400(api, park):
    nested = "x"
    for _ in range(9):
        nested = [nested]
    assert_error(api(park.admin).post("/hazards", json={"title": nested}), 400, "bad_request")


# --- query parameters follow their description (item 7) ---------------------------------------------

@pytest.mark.parametrize("path", ["/hazards", "/measures", "/enterprises"])
def test_q_longer_than_max_length_is_400(api, park, path):
    error = assert_error(api(park.admin).get(f"{path}?q={'x' * 101}"), 400)
    assert error["field"] == "q"


def test_an_empty_date_filter_is_400(api, park):
    assert_error(api(park.admin).get("/inspections?to="), 400)
    assert assert_error(api(park.admin).get("/hazards?found_from="), 400)["field"] == "found_from"


def test_a_yes_no_filter_takes_only_the_documented_spellings(api, park):
    for word in ("true", "1", "yes", "false", "0", "no"):
        assert api(park.admin).get(f"/enterprises?active={word}").status_code == 200
        assert api(park.admin).get(f"/hazards?overdue={word}").status_code == 200
    assert assert_error(api(park.admin).get("/enterprises?active=maybe"), 400)["field"] == "active"
    assert park.a.active and api(park.admin).get("/enterprises?active=no").get_json()["total"] == 0


def test_a_single_parameter_given_twice_is_400(api, park):
    assert assert_error(api(park.admin).get("/hazards?level=major&level=general"), 400)["field"] == "level"


def test_text_pattern_refuses_exactly_what_the_server_refuses():
    pattern = re.compile(spec.TEXT_PATTERN)
    for code in range(0x3100):
        char = chr(code)
        assert bool(pattern.match(f"a{char}b")) == (CONTROL_CHARACTERS.search(char) is None), hex(code)


def test_openapi_states_the_text_rules_of_request_fields(client):
    body = _openapi(client)["paths"]["/api/v1/hazards"]["post"]["requestBody"]["content"]["application/json"]
    properties = body["schema"]["properties"]
    assert properties["title"]["pattern"] == spec.NONBLANK_PATTERN
    assert properties["description"]["pattern"] == spec.TEXT_PATTERN
    params = {p["name"]: p["schema"] for p in _openapi(client)["paths"]["/api/v1/enterprises"]["get"]["parameters"]}
    assert params["q"]["pattern"] == spec.TEXT_PATTERN


def test_a_blank_title_is_refused_as_the_pattern_says(api, park):
    assert not re.match(spec.NONBLANK_PATTERN, " \u3000 ")
    response = api(park.admin).post("/hazards", json={"enterprise_id": park.a.id, "title": " \u3000 ",
                                                       "category": "fire", "deadline": "2030-01-01"})
    assert assert_error(response, 422)["field"] == "title"


def test_openapi_states_the_rules_that_depend_on_stored_data(client):
    operation = _openapi(client)["paths"]["/api/v1/inspections"]["post"]
    assert {r["field"] for r in operation["x-data-rules"]} == {"enterprise_id", "inspected_on", "inspector_ids"}
    assert "inspector_ids" in operation["description"]


def test_an_unknown_checklist_item_is_refused_by_the_schema(client):
    schema = _openapi(client)["paths"]["/api/v1/inspections"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    items = schema["properties"]["checklist"]["items"]["enum"]
    assert "criterion:AJZG3-2017-121:20" in items and "criterion:AQ3067-2026:5.5.6" in items
    assert "criterion:AQ3067-2026:5.8.1" not in items


def test_core_field_names_are_answered_as_api_field_names(api, park):
    response = api(park.admin).post("/inspections", json={"enterprise_id": park.a.id, "inspection_type": "routine",
                                                           "inspector_ids": [park.user_a.id]})
    assert assert_error(response, 422)["field"] == "inspector_ids"


# --- the date window (item 6, with the cores' window) ------------------------------------------------

def test_openapi_states_the_date_window_on_every_request_date(client):
    first, last = validation.date_window()
    pattern = re.compile(spec.date_window_pattern())
    assert pattern.match(first.isoformat()) and pattern.match(last.isoformat())
    assert not pattern.match((first - timedelta(days=1)).isoformat())
    assert not pattern.match(date(last.year + 1, 1, 1).isoformat())
    dates = []

    def collect(node):
        if isinstance(node, dict):
            if node.get("format") == "date":
                dates.append(node)
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    for item in _openapi(client)["paths"].values():
        for operation in item.values():
            collect(operation.get("requestBody", {}))
    assert len(dates) >= 7  # deadline, found_on, new_deadline, inspected_on, measure deadline and done_on (x2)
    assert all(d["pattern"] == spec.date_window_pattern() for d in dates)


@pytest.mark.parametrize("field", ["deadline", "found_on"])
def test_hazard_dates_outside_the_window_are_422(api, park, field):
    values = {"enterprise_id": park.a.id, "title": "t", "category": "fire", "deadline": "2030-01-01",
              field: "1999-12-31" if field == "found_on" else "2099-01-01"}
    assert assert_error(api(park.admin).post("/hazards", json=values), 422)["field"] == field
    assert Hazard.query.count() == 0


def test_a_measure_done_in_1900_is_422(api, park):
    hazard = park.hazard()
    response = api(park.user_a).post(f"/hazards/{hazard.id}/measures", json={"description": "d",
                                                                              "done_on": "1900-01-01"})
    assert assert_error(response, 422)["field"] == "done_on"
    assert Measure.query.count() == 0


def test_an_inspection_in_1999_is_422(api, park):
    response = api(park.admin).post("/inspections", json={"enterprise_id": park.a.id, "inspection_type": "routine",
                                                           "inspected_on": "1999-12-31"})
    assert assert_error(response, 422)["field"] == "inspected_on"
    assert Inspection.query.count() == 0


def test_an_extension_beyond_the_window_is_422(api, park):
    hazard = park.hazard()
    last = validation.date_window()[1]
    response = api(park.user_a).post(f"/hazards/{hazard.id}/transitions", json={
        "action": "request_extension", "version": hazard.version, "reason": "r",
        "new_deadline": (last + timedelta(days=1)).isoformat()})
    assert assert_error(response, 422)["field"] == "new_deadline"
    db.session.expire_all()
    assert db.session.get(Hazard, hazard.id).extension_requests == []


def test_the_last_day_of_the_window_is_accepted(api, park):
    last = validation.date_window(clock.today())[1]
    response = api(park.admin).post("/hazards", json={"enterprise_id": park.a.id, "title": "t", "category": "fire",
                                                       "deadline": last.isoformat()})
    assert response.status_code == 201, response.get_json()


# --- the server's own errors (item 7) ----------------------------------------------------------------

def test_405_carries_allow_header(api, park):
    response = api(park.admin).delete("/hazards")
    assert_error(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_405_for_trace_carries_allow_header(client):
    response = client.open("/api/v1/openapi.json", method="TRACE")
    assert_error(response, 405)
    assert "GET" in response.headers["Allow"]


def test_server_errors_under_api_are_json(api, park, app, monkeypatch):
    assert_error(api(park.admin).get("/no-such-thing"), 404, "not_found")
    assert_error(api(park.admin).put("/hazards"), 405)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    assert_error(api(park.admin).post("/hazards", data="x" * 5000, content_type="application/json"), 413)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "api.get_dashboard", broken)
    response = api(park.admin).get("/dashboard")
    assert_error(response, 500, "server_error")
    assert "boom" not in response.get_data(as_text=True)


def test_an_over_long_url_under_api_is_a_json_414(api, park):
    response = api(park.admin).get("/hazards?q=" + "x" * 5000)
    assert_error(response, 414, "uri_too_long")


def test_gunicorn_lets_long_request_lines_reach_the_app(app):
    import runpy
    from pathlib import Path

    settings = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert settings["limit_request_line"] > app.config["MAX_URL_LENGTH"] + len("GET  HTTP/1.1")


def test_an_inverted_date_range_matches_nothing(api, park):
    park.hazard()
    response = api(park.admin).get("/hazards?found_from=2026-12-31&found_to=2026-01-01")
    assert response.status_code == 200 and response.get_json()["total"] == 0


def test_an_integer_written_as_12_0_is_an_integer(api, park):
    response = api(park.admin).post("/hazards", json={"enterprise_id": float(park.a.id), "title": "t",
                                                       "category": "fire", "deadline": "2030-01-01"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["enterprise"]["id"] == park.a.id


def test_an_upload_with_an_unknown_form_field_is_422_naming_it(api, park):
    import io

    hazard = park.hazard()
    response = api(park.admin).post(f"/hazards/{hazard.id}/attachments", data={
        "file": (io.BytesIO(b"x"), "a.png"), "colour": "red"}, content_type="multipart/form-data")
    assert assert_error(response, 422)["field"] == "colour"
