"""A whole batch at a time: many points in one batch, rows out of time order, late and fresh rows
of one point together, and alarms that come out exactly as the evaluation of the point's whole
series says however the readings are split into batches (points whose readings reach no limit
and have no active alarm are not evaluated — that must change nothing)."""
import json
import random
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select

from safety_app import clock
from safety_app.api import monitoring as readings_api
from safety_app.api.common import _bad_text
from safety_app.api.spec import with_text_rules
from safety_app.extensions import db
from safety_app.models import Alarm, MeasurementPoint, Reading
from safety_app.monitoring import ingest
from safety_app.monitoring.alarms import PointState, evaluate_series
from safety_app.validation import CONTROL_CHARACTERS

from .helpers import add_point, iso

URL = "/api/v1/monitoring/readings"


def now():
    return clock.utcnow().replace(microsecond=0)


def alarm_events(point_id):
    rows = db.session.execute(select(Alarm).where(Alarm.point_id == point_id).order_by(Alarm.id)).scalars()
    return [(a.kind, a.raised_at, a.cleared_at, a.value, a.clear_value) for a in rows]


def test_one_batch_of_several_points_stores_each_and_evaluates_only_what_it_must(app, park, plant):
    t = now() - timedelta(minutes=1)
    quiet = add_point(plant.a1, "TI-102", "塔顶温度")
    # TI-101 has an H alarm from before; in this batch it comes back to normal and clears.
    ingest.ingest(park.a.id, [{"point_id": plant.ti.id, "time": iso(t), "value": 85.0}], now=now())
    rows = [
        {"point_id": quiet.id, "time": iso(t + timedelta(seconds=10)), "value": 41.0},
        {"point_id": plant.ti.id, "time": iso(t + timedelta(seconds=10)), "value": 50.0},
        {"point_id": quiet.id, "time": iso(t + timedelta(seconds=5)), "value": 40.0},     # older row after newer
        {"point_id": plant.pi.id, "time": iso(t + timedelta(seconds=5)), "value": 1.7},   # reaches H 1.6
        {"point_id": plant.ti.id, "time": iso(t - timedelta(seconds=5)), "value": 99.0},  # late: not evaluated
    ]
    result = ingest.ingest(park.a.id, rows, now=now())
    assert [r["status"] for r in result.results] == ["stored", "stored", "stored", "stored", "late"]
    assert result.counts == {"stored": 4, "late": 1, "duplicate": 0, "rejected": 0}
    assert [(a.point_id, a.kind) for a in result.alarms_raised] == [(plant.pi.id, "H")]
    assert len(result.alarms_cleared) == 1
    (ti_h,) = alarm_events(plant.ti.id)
    assert ti_h[2] == t + timedelta(seconds=10) and ti_h[4] == 50.0
    assert alarm_events(quiet.id) == []
    db.session.expire_all()
    newest = {p.id: (p.last_time, p.last_value) for p in db.session.execute(select(MeasurementPoint)).scalars()}
    assert newest[quiet.id] == (t + timedelta(seconds=10), 41.0)  # the newest row, not the last one sent
    assert newest[plant.ti.id] == (t + timedelta(seconds=10), 50.0)
    assert newest[plant.pi.id] == (t + timedelta(seconds=5), 1.7)
    assert db.session.scalar(select(db.func.count()).select_from(Reading)) == 6


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alarms_are_those_of_the_whole_series_however_it_is_split_into_batches(app, park, plant, seed):
    rng = random.Random(seed)
    end = now()
    start = end - timedelta(minutes=30)
    # A value wandering through all four limits (LL 10, L 20, H 80, HH 90) and hovering near them.
    values, value = [], 50.0
    for _ in range(300):
        value = min(max(value + rng.choice((-1, 1)) * rng.choice((1, 1, 2, 5, 10)), 0.0), 100.0)
        values.append(float(value))
    series = [(start + timedelta(seconds=5 * i), v) for i, v in enumerate(values)]
    rows = [{"point_id": plant.ti.id, "time": iso(time), "value": v} for time, v in series]
    i = 0
    while i < len(rows):
        size = rng.randint(1, 40)
        batch = rows[i:i + size]
        rng.shuffle(batch)  # a gateway may send a batch's rows in any order
        ingest.ingest(park.a.id, batch, now=end)
        i += size

    state = PointState({"LL": 10.0, "L": 20.0, "H": 80.0, "HH": 90.0})
    changes, _late = evaluate_series(state, series)
    expected, open_ = [], {}
    for change in changes:
        if change.action == "raise":
            open_[change.kind] = len(expected)
            expected.append([change.kind, change.time, None, change.value, None])
        else:
            index = open_.pop(change.kind)
            expected[index][2], expected[index][4] = change.time, change.value
    assert changes, "the series should cross limits"
    assert sorted(alarm_events(plant.ti.id), key=lambda e: (e[1], e[0])) == \
        sorted((tuple(e) for e in expected), key=lambda e: (e[1], e[0]))


def well_formed_and_valid(body):
    """Whether the fast check takes ``body``, and whether the general validation would."""
    schema = with_text_rules(readings_api.BATCH)
    valid = not _bad_text(body) and not _bad_text(body, CONTROL_CHARACTERS.search) and \
        not list(Draft202012Validator(schema).iter_errors(body))
    return readings_api._well_formed(body), valid


def row(**changes):
    return {"point_id": 7, "time": "2026-12-01T08:00:00Z", "value": 1.5, **changes}


@pytest.mark.parametrize("body", [
    {"readings": [row()]},
    {"readings": [row(value=3)]},
    {"readings": [row(value=float("nan"))]},
    {"readings": [row(time="2026-12-01 16:00:00+08:00")]},
    {"readings": [row(point_id=7.0)]},            # valid, taken by the general path
    {"readings": [row(time="２０２６-12-01")]},      # valid text (rejected per row later), general path
    {"readings": [row(point_id=0)]},
    {"readings": [row(point_id=2**31)]},
    {"readings": [row(point_id=True)]},
    {"readings": [row(value=True)]},
    {"readings": [row(value="1.5")]},
    {"readings": [row(value=None)]},
    {"readings": [row(time="")]},
    {"readings": [row(time="   ")]},
    {"readings": [row(time="x" * 41)]},
    {"readings": [row(time="2026-12-01\x01")]},
    {"readings": [row(time="2026-12-01\x00")]},
    {"readings": [row(time="2026-12-01\ud800")]},
    {"readings": [row(time="2026-12-01\x85")]},
    {"readings": [{**row(), "unit": "°C"}]},
    {"readings": [{"point_id": 7, "time": "2026-12-01T08:00:00Z"}]},
    {"readings": [row(), [1, 2]]},
    {"readings": []},
    {"readings": [row()] * 1001},
    {"readings": [row()], "gateway": "G1"},
    {"rows": [row()]},
    [row()],
])
def test_the_quick_check_of_a_batch_never_takes_what_the_schema_refuses(body):
    quick, valid = well_formed_and_valid(body)
    assert not quick or valid


def test_a_valid_batch_outside_the_quick_path_is_answered_the_same(client, park, plant, token_of):
    headers = {"Authorization": f"Bearer {token_of(park.user_a)}"}
    t = now()
    body = {"readings": [{"point_id": float(plant.ti.id), "time": iso(t), "value": 50.0},
                         {"point_id": plant.ti.id, "time": "２０２６-12-01T08:00:00Z", "value": 50.0}]}
    assert not readings_api._well_formed(body)
    data = client.post(URL, json=body, headers=headers).get_json()
    assert [r["status"] for r in data["results"]] == ["stored", "rejected"]
    assert data["results"][1]["reason"] == "bad_time"


@pytest.mark.parametrize("bad_row, field", [
    ({"time": "2026-12-01\x01"}, None),
    ({"value": True}, "readings"),
    ({"unit": "°C"}, "unit"),
])
def test_a_malformed_row_still_refuses_the_whole_batch_with_422(client, park, plant, token_of, bad_row, field):
    headers = {"Authorization": f"Bearer {token_of(park.user_a)}"}
    good = {"point_id": plant.ti.id, "time": iso(now()), "value": 50.0}
    body = json.dumps({"readings": [good, {**good, "time": iso(now() - timedelta(seconds=5)), **bad_row}]})
    response = client.post(URL, data=body, content_type="application/json", headers=headers)
    assert response.status_code == 422
    assert response.get_json()["error"].get("field") == field
    assert db.session.scalar(select(db.func.count()).select_from(Reading)) == 0
