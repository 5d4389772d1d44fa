"""Measurement points: one set of rules (``monitoring.points``) behind the form and the API — tag,
kind, unit, limits LL < L < H < HH for those given, deadband, data-loss minutes; bad input gets a
clear message and writes nothing; who may edit (staff, the enterprise's safety manager or principal)."""
from sqlalchemy import func, select

from safety_app.extensions import db
from safety_app.models import MeasurementPoint
from safety_app.monitoring import points

FORM = {"tag": "ti-301", "name": "反应釜温度", "kind": "temperature", "unit": "°C", "ll": "", "l": "10",
        "h": "80", "hh": "95", "deadband": "1.5", "silence_minutes": "15", "active": "y"}


def _count():
    return db.session.scalar(select(func.count(MeasurementPoint.id)))


def test_staff_add_a_point_from_the_form(client, park, plant, login_as):
    login_as(park.inspector)
    before = _count()
    page = client.get(f"/monitoring/installations/{plant.a1}/points/new")
    assert page.status_code == 200
    response = client.post(f"/monitoring/installations/{plant.a1}/points/new", data=FORM)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _count() == before + 1
    point = db.session.scalar(select(MeasurementPoint).where(MeasurementPoint.tag == "TI-301"))
    assert (point.ll, point.l, point.h, point.hh, point.deadband, point.silence_minutes) == (None, 10, 80, 95, 1.5, 15)
    assert point.enterprise_id == park.a.id and point.active


def test_bad_input_gets_a_clear_chinese_message_and_writes_nothing(client, park, plant, login_as):
    login_as(park.inspector)
    before = _count()
    cases = [({"h": "20", "l": "30"}, "h", "H 必须大于 L"),
             ({"hh": "abc"}, "hh", "必须是数字"),
             ({"tag": "", "unit": ""}, "tag", "请填写位号"),
             ({"deadband": "-1"}, "deadband", "不能为负"),
             ({"silence_minutes": "0"}, "silence_minutes", "1 到 1440"),
             ({"tag": "TI-101"}, "tag", "已有相同位号"),
             ({"kind": "humidity"}, "kind", "温度、压力、液位、流量或气体浓度")]
    for change, _field, words in cases:
        response = client.post(f"/monitoring/installations/{plant.a1}/points/new", data={**FORM, **change})
        page = response.get_data(as_text=True)
        assert response.status_code == 422, change
        assert words in page, (change, words)
        assert "has-error" in page
    assert _count() == before


def test_the_core_refuses_nan_infinity_and_unordered_limits_the_same_way_for_everyone(app, park, plant):
    from safety_app.models import Installation

    installation = db.session.get(Installation, plant.a1)
    base = {"tag": "X-1", "name": "n", "kind": "flow", "unit": "m³/h"}
    for limits, field in (({"h": float("nan")}, "h"), ({"ll": float("inf")}, "ll"),
                          ({"ll": 5, "l": 5}, "l"), ({"l": 1, "hh": 0.5}, "hh"), ({"ll": 1, "h": 2, "hh": 2}, "hh")):
        _values, errors = points.validate({**base, **limits}, installation)
        assert set(errors) == {field}, (limits, errors)
    values, errors = points.validate({**base, "ll": 1, "hh": 9, "silence_minutes": "５"}, installation)
    assert not errors and values["silence_minutes"] == 5 and values["tag"] == "X-1"


def test_editing_a_point_keeps_it_unchanged_when_the_input_is_bad(client, park, plant, login_as):
    login_as(park.inspector)
    page = client.get(f"/monitoring/points/{plant.ti.id}/edit").get_data(as_text=True)
    assert 'value="80"' in page and 'value="TI-101"' in page
    response = client.post(f"/monitoring/points/{plant.ti.id}/edit",
                           data={**FORM, "tag": "TI-101", "l": "90", "h": "80"})
    assert response.status_code == 422
    db.session.expire_all()
    point = db.session.get(MeasurementPoint, plant.ti.id)
    assert (point.l, point.h) == (20, 80)
    response = client.post(f"/monitoring/points/{plant.ti.id}/edit",
                           data={**FORM, "tag": "TI-101", "h": "85", "hh": "", "active": ""})
    assert response.status_code == 302
    db.session.expire_all()
    point = db.session.get(MeasurementPoint, plant.ti.id)
    assert (point.h, point.hh, point.active) == (85, None, False)


def test_only_the_safety_manager_or_principal_of_the_enterprise_edits_its_points(client, park, plant, login_as):
    park.user_a.enterprise_role = "staff"
    db.session.commit()
    login_as(park.user_a)
    assert client.get(f"/monitoring/installations/{plant.a1}/points/new").status_code == 403
    assert client.post(f"/monitoring/points/{plant.ti.id}/edit", data=FORM).status_code == 403
    page = client.get(f"/monitoring/installations/{plant.a1}").get_data(as_text=True)
    assert f"/monitoring/points/{plant.ti.id}/edit" not in page
    park.user_a.enterprise_role = "principal"
    db.session.commit()
    assert client.get(f"/monitoring/points/{plant.ti.id}/edit").status_code == 200
    assert client.post(f"/monitoring/installations/{plant.a1}/points/new", data=FORM).status_code == 302
    # another enterprise's installation and point: 404, like a missing id
    assert client.get(f"/monitoring/installations/{plant.b1}/points/new").status_code == 404
    assert client.get(f"/monitoring/points/{plant.b_ti.id}/edit").status_code == 404


# --- the API: the same rules -------------------------------------------------------------------------

def _api(client, token):
    headers = {"Authorization": f"Bearer {token}"}

    def call(method, url, **kwargs):
        return client.open(f"/api/v1{url}", method=method, headers=headers, **kwargs)
    return call


def test_the_api_lists_adds_gets_and_changes_points_with_the_forms_rules(client, park, plant, token_of):
    api = _api(client, token_of(park.inspector))
    listed = api("GET", f"/installations/{plant.a1}/points").get_json()["items"]
    assert [p["tag"] for p in listed] == ["PI-201", "TI-101"]
    assert next(p for p in listed if p["tag"] == "TI-101")["l"] == 20
    before = _count()
    bad = api("POST", f"/installations/{plant.a1}/points",
              json={"tag": "LI-1", "name": "液位", "kind": "level", "unit": "%", "l": 50, "h": 40})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "h"
    assert "H 必须大于 L" in bad.get_json()["error"]["message"]
    duplicate = api("POST", f"/installations/{plant.a1}/points",
                    json={"tag": "ti-101", "name": "x", "kind": "level", "unit": "%"})
    assert duplicate.status_code == 422 and duplicate.get_json()["error"]["field"] == "tag"
    assert _count() == before
    created = api("POST", f"/installations/{plant.a1}/points",
                  json={"tag": "LI-1", "name": "液位", "kind": "level", "unit": "%", "l": 20, "h": 80})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["tag"] == "LI-1" and body["silence_minutes"] == 10 and body["active"] is True
    point_id = body["id"]
    refused = api("PATCH", f"/points/{point_id}", json={"l": 90})
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "h"
    changed = api("PATCH", f"/points/{point_id}", json={"name": "储罐液位", "l": None, "deadband": 2})
    assert changed.status_code == 200
    got = api("GET", f"/points/{point_id}").get_json()
    assert (got["name"], got["l"], got["h"], got["deadband"], got["kind"]) == ("储罐液位", None, 80, 2, "level")


def test_an_enterprise_user_without_the_role_reads_but_may_not_change_points(client, park, plant, token_of):
    api = _api(client, token_of(park.user_a))
    assert api("GET", f"/points/{plant.ti.id}").status_code == 200
    response = api("PATCH", f"/points/{plant.ti.id}", json={"name": "改"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert api("GET", f"/points/{plant.b_ti.id}").status_code == 404
    assert api("PATCH", f"/points/{plant.b_ti.id}", json={"name": "改"}).status_code == 404


def test_the_api_gives_an_installation_with_grading_persons_alarms_and_hazards(client, park, plant, token_of):
    from datetime import timedelta

    from safety_app import clock
    from safety_app.monitoring import ingest

    from .helpers import iso

    now = clock.utcnow().replace(microsecond=0)
    ingest.ingest(park.a.id, [{"point_id": plant.ti.id, "time": iso(now - timedelta(minutes=2 - i)), "value": v}
                              for i, v in enumerate((50.0, 85.0))], now=now)
    api = _api(client, token_of(park.user_a))
    page = api("GET", "/installations").get_json()
    assert page["total"] == 1 and page["items"][0]["id"] == plant.a1
    assert page["items"][0]["level"] != "none" and page["items"][0]["r"] > 0
    detail = api("GET", f"/installations/{plant.a1}").get_json()
    assert detail["substances"][0]["cas"] == "7664-41-7" and detail["substances"][0]["ratio"] == 5.0
    assert detail["persons"]["principal"]["id"] == park.user_a.id
    assert detail["persons"]["principal"]["phone"]
    assert detail["points"] == 2 and detail["open_hazards"] == 0
    assert detail["open_alarm_count"] == len(detail["open_alarms"]) == 1
    assert detail["open_alarms"][0]["tag"] == "TI-101" and detail["open_alarms"][0]["kind"] == "H"
    assert detail["assessment_due"]
    assert api("GET", f"/installations/{plant.b1}").status_code == 404
    staff = _api(client, token_of(park.inspector))
    assert staff("GET", "/installations").get_json()["total"] == 2
    assert staff("GET", "/installations?state=written_off").get_json()["total"] == 0


def test_the_installation_page_and_its_monitoring_link_each_other_and_the_park_table_counts_alarms(
        client, park, plant, login_as):
    from datetime import timedelta

    from safety_app import clock
    from safety_app.monitoring import ingest

    from .helpers import iso

    now = clock.utcnow().replace(microsecond=0)
    ingest.ingest(park.a.id, [{"point_id": plant.ti.id, "time": iso(now - timedelta(minutes=2 - i)), "value": v}
                              for i, v in enumerate((50.0, 95.0))], now=now)  # H and HH
    login_as(park.inspector)
    detail = client.get(f"/installations/{plant.a1}").get_data(as_text=True)
    assert f'href="/monitoring/installations/{plant.a1}" data-points="2"' in detail
    assert f'href="/monitoring/alarms?installation={plant.a1}" data-open-alarms="2"' in detail
    charts = client.get(f"/monitoring/installations/{plant.a1}").get_data(as_text=True)
    assert f'href="/installations/{plant.a1}" data-back' in charts
    assert f"/monitoring/points/{plant.ti.id}/edit" in charts
    table = client.get("/installations/").get_data(as_text=True)
    assert f'href="/monitoring/alarms?installation={plant.a1}" data-open-alarms="2"' in table
    assert f'href="/monitoring/alarms?installation={plant.b1}" data-open-alarms="0"' in table
    alarms = client.get(f"/monitoring/alarms?installation={plant.a1}").get_data(as_text=True)
    assert alarms.count("data-alarm=") == 2
    assert client.get(f"/monitoring/alarms?installation={plant.b1}").get_data(as_text=True).count("data-alarm=") == 0
    counts = client.get(f"/monitoring/alarms/counts?installation={plant.b1}").get_json()
    assert counts["open"] == 0
    login_as(park.user_b)
    assert client.get(f"/monitoring/alarms?installation={plant.a1}").status_code == 404
