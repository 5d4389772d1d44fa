"""POST /api/v1/monitoring/readings: per-row results, the rest of the batch stored, idempotent
replay, 413 over the limit, alarms raised and cleared on ingest with their notifications."""
import json
from datetime import timedelta

from sqlalchemy import func, select

from safety_app import clock
from safety_app.extensions import db
from safety_app.models import Alarm, MeasurementPoint, Notification, OutboxMessage, Reading

from .helpers import iso

URL = "/api/v1/monitoring/readings"


def post(client, token, rows=None, raw=None):
    headers = {"Authorization": f"Bearer {token}"}
    if raw is not None:
        return client.post(URL, data=raw, content_type="application/json", headers=headers)
    return client.post(URL, json={"readings": rows}, headers=headers)


def now():
    return clock.utcnow().replace(microsecond=0)


def stored_count(point=None):
    stmt = select(func.count()).select_from(Reading)
    if point is not None:
        stmt = stmt.where(Reading.point_id == point.id)
    return db.session.scalar(stmt)


def alarms(point, kind=None):
    stmt = select(Alarm).where(Alarm.point_id == point.id).order_by(Alarm.id)
    if kind:
        stmt = stmt.where(Alarm.kind == kind)
    return db.session.execute(stmt).scalars().all()


def test_bad_rows_are_refused_one_by_one_and_the_rest_is_stored(client, park, plant, token_of):
    t = now()
    rows = [
        {"point_id": plant.ti.id, "time": iso(t - timedelta(seconds=10)), "value": 50.0},       # 0 stored
        {"point_id": 999999, "time": iso(t), "value": 1.0},                                     # 1 unknown
        {"point_id": plant.b_ti.id, "time": iso(t), "value": 1.0},                              # 2 B's point
        {"point_id": plant.ti.id, "time": "NaN-time", "value": 1.0},                            # 3 bad time
        {"point_id": plant.ti.id, "time": iso(t + timedelta(minutes=6)), "value": 1.0},         # 4 future
        {"point_id": plant.ti.id, "time": iso(t + timedelta(minutes=4)), "value": 51.0},        # 5 within 5 min
        {"point_id": plant.ti.id, "time": iso(t - timedelta(days=31)), "value": 1.0},           # 6 too old
        {"point_id": plant.ti.id, "time": iso(t - timedelta(seconds=10)), "value": 52.0},       # 7 dup of 0
        {"point_id": plant.pi.id, "time": "2026-12-01T16:00:00+08:00", "value": 0.8},          # 8 offset time
    ]
    body = json.dumps({"readings": rows + [
        {"point_id": plant.ti.id, "time": iso(t - timedelta(seconds=5)), "value": float("nan")},   # 9
        {"point_id": plant.ti.id, "time": iso(t - timedelta(seconds=4)), "value": float("inf")},   # 10
        {"point_id": plant.ti.id, "time": iso(t - timedelta(seconds=3)), "value": float("-inf")},  # 11
    ]})
    assert "NaN" in body and "Infinity" in body
    response = post(client, token_of(park.user_a), raw=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    by_index = {r["index"]: r for r in data["results"]}
    assert [by_index[i]["status"] for i in range(12)] == [
        "stored", "rejected", "rejected", "rejected", "rejected", "stored", "rejected", "duplicate", "stored",
        "rejected", "rejected", "rejected"]
    assert [by_index[i].get("reason") for i in (1, 2, 3, 4, 6, 9, 10, 11)] == [
        "unknown_point", "unknown_point", "bad_time", "future", "too_old", "not_finite", "not_finite", "not_finite"]
    assert all(by_index[i]["message"] for i in (1, 2, 3, 4, 6, 7, 9))
    assert (data["stored"], data["duplicate"], data["rejected"]) == (3, 1, 8)
    assert stored_count(plant.ti) == 2 and stored_count(plant.pi) == 1 and stored_count(plant.b_ti) == 0
    reading = db.session.execute(select(Reading).where(Reading.point_id == plant.pi.id)).scalar_one()
    assert reading.time == t  # 16:00 park time is 08:00 UTC
    db.session.refresh(plant.ti)
    assert plant.ti.last_time == t + timedelta(minutes=4) and plant.ti.last_value == 51.0


def test_a_replayed_batch_is_reported_duplicate_and_stores_nothing_twice(client, park, plant, token_of):
    t = now()
    rows = [{"point_id": plant.ti.id, "time": iso(t - timedelta(seconds=5 * (3 - i))), "value": v}
            for i, v in enumerate((50.0, 85.0, 86.0))]
    first = post(client, token_of(park.user_a), rows).get_json()
    again = post(client, token_of(park.user_a), rows).get_json()
    assert (first["stored"], first["duplicate"], len(first["alarms_raised"])) == (3, 0, 1)
    assert (again["stored"], again["duplicate"], again["alarms_raised"]) == (0, 3, [])
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3
    assert stored_count(plant.ti) == 3
    assert len(alarms(plant.ti)) == 1


def test_a_batch_over_the_limit_is_refused_whole_with_413(client, park, plant, token_of, app):
    t = now()
    rows = [{"point_id": plant.ti.id, "time": iso(t - timedelta(seconds=i)), "value": 50.0} for i in range(1001)]
    response = post(client, token_of(park.user_a), rows)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert stored_count() == 0
    assert post(client, token_of(park.user_a), rows[:1000]).get_json()["stored"] == 1000


def test_malformed_batches_answer_in_the_apis_error_shape(client, park, plant, token_of):
    token = token_of(park.user_a)
    for body in ({"readings": []}, {"readings": [{"point_id": plant.ti.id, "time": iso(now())}]},
                 {"readings": [{"point_id": plant.ti.id, "time": iso(now()), "value": "hot"}]}, {"rows": []}):
        response = client.post(URL, json=body, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 422, body
        assert set(response.get_json()["error"]) >= {"code", "message"}
    assert stored_count() == 0


def test_only_enterprise_tokens_send_readings(client, park, plant, token_of):
    row = [{"point_id": plant.ti.id, "time": iso(now()), "value": 50.0}]
    assert post(client, token_of(park.inspector), row).status_code == 403
    assert post(client, token_of(park.admin), row).status_code == 403
    assert client.post(URL, json={"readings": row}).status_code == 401
    assert stored_count() == 0


def test_crossing_a_limit_raises_an_alarm_told_to_the_enterprise_and_the_staff(client, park, plant, token_of):
    t = now()
    rows = [{"point_id": plant.ti.id, "time": iso(t - timedelta(seconds=10)), "value": 70.0},
            {"point_id": plant.ti.id, "time": iso(t - timedelta(seconds=5)), "value": 91.0}]
    data = post(client, token_of(park.user_a), rows).get_json()
    assert sorted(a["kind"] for a in data["alarms_raised"]) == ["H", "HH"]
    hh = alarms(plant.ti, "HH")[0]
    assert (hh.state, hh.value, hh.limit_value, hh.raised_at) == ("active", 91.0, 90.0, t - timedelta(seconds=5))
    told = {n.user_id for n in db.session.execute(select(Notification).where(Notification.kind == "alarm")).scalars()}
    assert told == {park.user_a.id, park.admin.id, park.inspector.id, park.inspector2.id}
    assert park.user_b.id not in told
    mails = db.session.execute(select(OutboxMessage.recipient).where(
        OutboxMessage.idempotency_key.like(f"alarm:{hh.id}:raised:%"))).scalars().all()
    assert "ua@example.com" in mails and "ub@example.com" not in mails


def test_the_alarm_clears_with_hysteresis_and_hovering_raises_it_once(client, park, plant, token_of):
    token = token_of(park.user_a)
    t = now() - timedelta(minutes=1)
    values = (81.0, 79.0, 80.5, 78.5, 78.3)  # deadband 1.6 (2 % of the span 10..90): clears below 78.4
    rows = [{"point_id": plant.ti.id, "time": iso(t + timedelta(seconds=5 * i)), "value": v}
            for i, v in enumerate(values)]
    post(client, token, rows[:4])
    (h,) = alarms(plant.ti)
    assert h.state == "active"
    post(client, token, rows[4:])
    db.session.refresh(h)
    assert (h.state, h.cleared_at, h.clear_value) == ("cleared", t + timedelta(seconds=20), 78.3)
    assert len(alarms(plant.ti)) == 1


def test_a_late_reading_is_stored_but_not_evaluated(client, park, plant, token_of):
    token = token_of(park.user_a)
    t = now()
    post(client, token, [{"point_id": plant.ti.id, "time": iso(t), "value": 50.0}])
    data = post(client, token, [{"point_id": plant.ti.id, "time": iso(t - timedelta(minutes=2)), "value": 99.0}]) \
        .get_json()
    assert data["results"] == [{"index": 0, "status": "late"}] and data["late"] == 1
    assert stored_count(plant.ti) == 2 and alarms(plant.ti) == []
    assert db.session.get(MeasurementPoint, plant.ti.id).last_value == 50.0


def test_the_openapi_describes_the_batch_and_its_413(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/api/v1/monitoring/readings"]["post"]
    assert "413" in op["responses"]
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["readings"]["maxItems"] == 1000
    assert spec["components"]["schemas"]["ReadingBatchResult"]["properties"]["results"]
