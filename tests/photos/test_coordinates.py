"""The location of a finding, with consent: both filing forms carry the coordinates the browser gave
when "记录位置" was tapped (hidden fields), the core checks them (latitude -90..90, longitude
-180..180, accuracy >= 0, all three or none), the API takes and returns them, and the hazard page
shows them with a geo: link. WGS-84, stored as given (issue 17, part 4)."""
import math
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safety_app import clock, lifecycle
from safety_app.extensions import db
from safety_app.models import Event, Hazard, IdempotencyKey

from ..api.conftest import issue_token

HERE = {"latitude": "38.9855210", "longitude": "117.7461830", "location_accuracy_m": "12.5"}  # 南港工业区


def _count():
    return db.session.scalar(select(func.count(Hazard.id)))


def _inspection(park):
    return lifecycle.start_inspection(park.inspector, enterprise=park.a, inspection_type="routine")


def _file_on_site(client, inspection, **extra):
    return client.post(f"/inspections/{inspection.id}/hazards/new", data={
        "title": "静电接地线断开", "category": "equipment", "deadline_preset": "7", "client_key": "geo-key-0001",
        **extra})


def _geo_block(html):
    start = html.index("data-geo")
    return html[html.rindex("<fieldset", 0, start):html.index("</fieldset>", start)]


def test_both_filing_forms_offer_the_location_only_on_tap(client, park, login_as):
    inspection = _inspection(park)
    for user, url in ((park.inspector, f"/inspections/{inspection.id}/hazards/new"),
                      (park.user_a, "/portal/hazards/new")):
        login_as(user)
        html = client.get(url).get_data(as_text=True)
        block = _geo_block(html)
        assert "记录位置" in block and "仅在点击时获取一次位置" in block
        assert " hidden" in block.split(">")[0]  # without JavaScript the block is not shown
        for name in HERE:
            assert f'name="{name}" type="hidden"' in html or f'type="hidden" name="{name}"' in html or \
                f'id="{name}" name="{name}" type="hidden"' in html
        assert "js/geo." in html


def test_the_inspector_files_a_hazard_with_its_coordinates(client, park, login_as):
    inspection = _inspection(park)
    login_as(park.inspector)
    response = _file_on_site(client, inspection, **HERE)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    hazard = db.session.scalar(select(Hazard))
    assert (hazard.latitude, hazard.longitude, hazard.location_accuracy_m) == (38.985521, 117.746183, 12.5)
    event = db.session.scalar(select(Event).where(Event.action == "file"))
    assert event.data["position"] == [38.985521, 117.746183, 12.5]
    html = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert "位置坐标（WGS-84）" in html
    assert 'href="geo:38.985521,117.746183;u=12"' in html or 'href="geo:38.985521,117.746183;u=13"' in html
    assert "38.985521, 117.746183" in html and "±" in html


def test_a_hazard_filed_without_a_location_has_none(client, park, login_as):
    inspection = _inspection(park)
    login_as(park.inspector)
    assert _file_on_site(client, inspection, latitude="", longitude="", location_accuracy_m="").status_code == 302
    hazard = db.session.scalar(select(Hazard))
    assert (hazard.latitude, hazard.longitude, hazard.location_accuracy_m) == (None, None, None)
    assert "geo:" not in client.get(f"/hazards/{hazard.id}").get_data(as_text=True)


@pytest.mark.parametrize("bad, message", [
    ({"latitude": "91"}, "纬度须为 -90 至 90 之间的数字"),
    ({"latitude": "-90.5"}, "纬度须为 -90 至 90 之间的数字"),
    ({"longitude": "-181"}, "经度须为 -180 至 180 之间的数字"),
    ({"longitude": "东经117"}, "经度须为 -180 至 180 之间的数字"),
    ({"location_accuracy_m": "-1"}, "精度须为不小于 0 的米数"),
    ({"location_accuracy_m": "nan"}, "精度须为不小于 0 的米数"),
    ({"latitude": "inf"}, "纬度须为 -90 至 90 之间的数字"),
    ({"location_accuracy_m": ""}, "纬度、经度和精度须同时提供"),
    ({"latitude": "", "longitude": ""}, "纬度、经度和精度须同时提供"),
])
def test_bad_coordinates_are_refused_beside_the_location_and_nothing_is_written(client, park, login_as, bad,
                                                                                 message):
    inspection = _inspection(park)
    login_as(park.inspector)
    response = _file_on_site(client, inspection, **{**HERE, **bad})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    block = _geo_block(html)
    assert message in block and "has-error" in block.split(">")[0] and " hidden" not in block.split(">")[0]
    assert _count() == 0 and db.session.scalar(select(func.count(IdempotencyKey.id))) == 0
    assert 'value="静电接地线断开"' in html  # the rest of the form is kept


def test_the_self_inspection_form_takes_the_coordinates_too(client, park, acceptor, login_as):
    login_as(park.user_a)
    data = {"title": "消防通道堵塞", "category": "equipment", "deadline_preset": "7",
            "responsible_user_id": str(acceptor.id), "client_key": "geo-self-0001"}
    bad = client.post("/portal/hazards/new", data={**data, **HERE, "longitude": "200"})
    assert bad.status_code == 422 and "经度须为 -180 至 180 之间的数字" in _geo_block(bad.get_data(as_text=True))
    assert _count() == 0
    assert client.post("/portal/hazards/new", data={**data, **HERE}).status_code == 302
    hazard = db.session.scalar(select(Hazard))
    assert hazard.source == "self_inspection" and hazard.longitude == 117.746183


def test_the_core_checks_numbers_and_all_or_none():
    assert lifecycle.coordinates(None, None, None) == (None, None, None)
    assert lifecycle.coordinates("", " ", "") == (None, None, None)
    assert lifecycle.coordinates(-90, 180, 0) == (-90.0, 180.0, 0.0)
    assert lifecycle.coordinates(" 39.1 ", "117.2", "5") == (39.1, 117.2, 5.0)
    for bad, field in [((True, 1, 1), "latitude"), ((1, math.nan, 1), "longitude"),
                       ((1, 1, -0.1), "location_accuracy_m"), ((1, None, 1), "longitude"),
                       ((None, 1, 1), "latitude"), ((1, 1, math.inf), "location_accuracy_m")]:
        with pytest.raises(lifecycle.Invalid) as refused:
            lifecycle.coordinates(*bad)
        assert refused.value.field == field


def _api_body(park, **extra):
    return {"enterprise_id": park.a.id, "title": "罐区泄漏", "category": "equipment",
            "deadline": (clock.today() + timedelta(days=3)).isoformat(), **extra}


def test_the_api_takes_and_returns_the_coordinates(client, park):
    auth = {"Authorization": f"Bearer {issue_token(client, park.inspector)}"}
    made = client.post("/api/v1/hazards", headers=auth, json=_api_body(
        park, latitude=38.985521, longitude=117.746183, location_accuracy_m=8))
    assert made.status_code == 201, made.get_json()
    body = client.get(f"/api/v1/hazards/{made.get_json()['id']}", headers=auth).get_json()
    assert (body["latitude"], body["longitude"], body["location_accuracy_m"]) == (38.985521, 117.746183, 8.0)
    listed = client.get("/api/v1/hazards", headers=auth).get_json()["items"][0]
    assert listed["latitude"] == 38.985521
    plain = client.post("/api/v1/hazards", headers=auth, json=_api_body(park)).get_json()
    assert (plain["latitude"], plain["longitude"], plain["location_accuracy_m"]) == (None, None, None)


@pytest.mark.parametrize("extra, field", [
    ({"latitude": 90.01, "longitude": 117.0, "location_accuracy_m": 5}, "latitude"),
    ({"latitude": 39.0, "longitude": 180.5, "location_accuracy_m": 5}, "longitude"),
    ({"latitude": 39.0, "longitude": 117.0, "location_accuracy_m": -5}, "location_accuracy_m"),
    ({"latitude": 39.0, "longitude": 117.0}, "location_accuracy_m"),
    ({"longitude": 117.0, "location_accuracy_m": 5}, "latitude"),
    ({"latitude": "39.0", "longitude": 117.0, "location_accuracy_m": 5}, "latitude"),
])
def test_the_api_refuses_bad_coordinates_naming_the_field(client, park, extra, field):
    auth = {"Authorization": f"Bearer {issue_token(client, park.inspector)}"}
    response = client.post("/api/v1/hazards", headers=auth, json=_api_body(park, **extra))
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field
    assert _count() == 0
