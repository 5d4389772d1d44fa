"""Dates outside the accepted window (2000-01-01 to 31 December five years ahead) answer 422 and
write nothing, whichever date it is: deadlines, inspection days, measures, extensions."""
from datetime import timedelta

from safety_app import clock
from safety_app.models import ExtensionRequest, Hazard, Inspection, Measure
from safety_app.validation import date_window

from .conftest import assert_error


def _last_day():
    return date_window()[1]


def test_deadline_in_2099_is_refused_and_nothing_written(api, park):
    response = api(park.inspector).post("/hazards", json={
        "enterprise_id": park.a.id, "title": "消防通道堵塞", "category": "fire", "deadline": "2099-01-01"})
    error = assert_error(response, 422, "invalid")
    assert error["field"] == "deadline"
    assert Hazard.query.count() == 0


def test_deadline_on_the_last_day_of_the_window_is_accepted(api, park):
    response = api(park.inspector).post("/hazards", json={
        "enterprise_id": park.a.id, "title": "消防通道堵塞", "category": "fire",
        "deadline": _last_day().isoformat()})
    assert response.status_code == 201, response.get_json()


def test_deadline_the_day_after_the_window_is_refused(api, park):
    response = api(park.inspector).post("/hazards", json={
        "enterprise_id": park.a.id, "title": "消防通道堵塞", "category": "fire",
        "deadline": (_last_day() + timedelta(days=1)).isoformat()})
    assert assert_error(response, 422, "invalid")["field"] == "deadline"
    assert Hazard.query.count() == 0


def test_inspection_dated_1900_is_refused_and_nothing_written(api, park):
    response = api(park.inspector).post("/inspections", json={
        "enterprise_id": park.a.id, "inspection_type": "routine", "inspected_on": "1900-01-01"})
    assert assert_error(response, 422, "invalid")["field"] == "inspected_on"
    assert Inspection.query.count() == 0


def _acknowledged(api, park):
    hazard = park.hazard()
    api(park.user_a).post(f"/hazards/{hazard.id}/transitions", json={"action": "acknowledge", "version": 1})
    return hazard


def test_measure_deadline_in_2099_is_refused_and_nothing_written(api, park):
    hazard = _acknowledged(api, park)
    response = api(park.user_a).post(f"/hazards/{hazard.id}/measures", json={
        "description": "更换安全阀", "deadline": "2099-12-31"})
    assert assert_error(response, 422, "invalid")["field"] == "deadline"
    assert Measure.query.count() == 0


def test_measure_done_in_1999_is_refused_and_the_measure_stays_open(api, park):
    hazard = _acknowledged(api, park)
    client = api(park.user_a)
    measure = client.post(f"/hazards/{hazard.id}/measures", json={"description": "更换安全阀"}).get_json()
    response = client.patch(f"/hazards/{hazard.id}/measures/{measure['id']}", json={"done_on": "1999-12-31"})
    assert assert_error(response, 422, "invalid")["field"] == "done_on"
    assert Measure.query.one().done_on is None


def test_extension_to_2099_is_refused_and_no_request_written(api, park):
    hazard = _acknowledged(api, park)
    response = api(park.user_a).post(f"/hazards/{hazard.id}/transitions", json={
        "action": "request_extension", "version": 2, "new_deadline": "2099-01-01", "reason": "备件未到"})
    assert assert_error(response, 422, "invalid")["field"] == "new_deadline"
    assert ExtensionRequest.query.count() == 0


def test_extension_within_the_window_is_still_accepted(api, park):
    hazard = _acknowledged(api, park)
    response = api(park.user_a).post(f"/hazards/{hazard.id}/transitions", json={
        "action": "request_extension", "version": 2, "reason": "备件未到",
        "new_deadline": (clock.today() + timedelta(days=60)).isoformat()})
    assert response.status_code == 200, response.get_json()
    assert ExtensionRequest.query.count() == 1
