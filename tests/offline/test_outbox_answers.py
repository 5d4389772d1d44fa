"""Measures, evidence and checklist results entered offline (issue 17, part 1): the outbox sends
each with a client key made once per form view (per tap for a result); the server saves a key once
— a replay answers with the first object and writes nothing — and answers the outbox in JSON, so
that it can tell a sent entry from a conflict: 409 ``stale_version`` (the hazard changed
meanwhile), 409 ``wrong_state`` (the action is refused in the hazard's state now), each with the
hazard's current state. Without the outbox's header the forms answer HTML as before."""
import io
import json
import re

from sqlalchemy import func, select

from safety_app import clock, lifecycle
from safety_app.extensions import db
from safety_app.models import Attachment, Event, IdempotencyKey, InspectionResult, Measure

from ..loop.conftest import image_bytes, snapshot

OUTBOX = {"X-Outbox": "1", "Accept": "application/json"}


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _measure(hazard, key, version=None, **extra):
    return {"description": "更换泵房机封", "version": str(hazard.version if version is None else version),
            "client_key": key, **extra}


def _photo(name="整改后.jpg"):
    return (io.BytesIO(image_bytes()), name)


def test_a_measure_sent_twice_with_its_key_is_saved_once(client, park, drive, login_as):
    hazard = drive.hazard_in("rectifying")
    login_as(park.user_a)
    page = client.get(f"/hazards/{hazard.id}/measures/new").get_data(as_text=True)
    assert 'name="client_key"' in page and "data-offline-form" in page  # one key per form view
    data = _measure(hazard, "measure-entry-0001", done_on=clock.today().isoformat())
    first = client.post(f"/hazards/{hazard.id}/measures/new", data=data, headers=OUTBOX)
    assert first.status_code == 201, first.get_data(as_text=True)
    body = first.get_json()
    db.session.expire_all()
    assert body["created"] is True and body["target"]["version"] == hazard.version
    events = _count(Event, Event.hazard_id == hazard.id)

    again = client.post(f"/hazards/{hazard.id}/measures/new", data=data, headers=OUTBOX)
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    assert again.get_json()["created"] is False
    assert _count(Measure, Measure.hazard_id == hazard.id) == 1
    assert _count(Event, Event.hazard_id == hazard.id) == events
    key = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == "measure-entry-0001"))
    assert (key.object_type, key.object_id) == ("measure", body["id"])

    # The plain form (no JavaScript) with the same key: nothing twice either.
    html = client.post(f"/hazards/{hazard.id}/measures/new", data=data)
    assert html.status_code == 302 and _count(Measure, Measure.hazard_id == hazard.id) == 1


def test_a_measure_on_a_stale_version_is_a_conflict_with_the_current_state_and_writes_nothing(
        client, park, drive, login_as):
    hazard = drive.hazard_in("rectifying")
    seen = hazard.version
    lifecycle.save_measure(hazard, park.user_a, description="先设警戒")  # someone else, meanwhile
    login_as(park.user_a)
    before = snapshot(hazard)
    answer = client.post(f"/hazards/{hazard.id}/measures/new", data=_measure(hazard, "stale-entry-0001", seen),
                         headers=OUTBOX)
    assert answer.status_code == 409
    body = answer.get_json()
    assert body["error"]["code"] == "stale_version" and body["conflict"] is True
    db.session.expire_all()
    assert body["target"]["version"] == hazard.version and body["target"]["url"] == f"/hazards/{hazard.id}"
    assert body["target"]["status"] == "rectifying" and body["target"]["code"] == hazard.code
    assert snapshot(hazard) == before and _count(IdempotencyKey) == 0

    # "以当前版本重新提交": the same key against the current version is saved.
    again = client.post(f"/hazards/{hazard.id}/measures/new",
                        data=_measure(hazard, "stale-entry-0001", body["target"]["version"]), headers=OUTBOX)
    assert again.status_code == 201 and _count(Measure, Measure.hazard_id == hazard.id) == 2


def test_a_measure_for_a_hazard_submitted_meanwhile_is_a_conflict_of_state(client, park, drive, login_as):
    hazard = drive.hazard_in("submitted")
    login_as(park.user_a)
    answer = client.post(f"/hazards/{hazard.id}/measures/new", data=_measure(hazard, "state-entry-0001"),
                         headers=OUTBOX)
    assert answer.status_code == 409
    body = answer.get_json()
    assert body["error"]["code"] == "wrong_state" and body["conflict"] is True
    assert body["target"]["status"] == "submitted" and body["target"]["status_label"] == "待复查"
    invalid = client.post(f"/hazards/{drive.hazard_in('rectifying').id}/measures/new",
                          data={"description": "", "version": "1", "client_key": "invalid-entry-01"}, headers=OUTBOX)
    assert invalid.status_code == 422 and invalid.get_json()["conflict"] is False
    assert invalid.get_json()["error"]["field"] == "description"


def test_evidence_sent_twice_is_uploaded_once_and_a_late_replay_is_still_answered(client, park, drive, login_as):
    hazard = drive.hazard_in("rectifying")
    login_as(park.user_a)
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert 'data-offline-form="evidence"' in page and 'name="client_key"' in page and "data-photos" in page

    def send(version=None):
        return client.post(f"/hazards/{hazard.id}/uploads", headers=OUTBOX, content_type="multipart/form-data",
                           data={"version": str(hazard.version if version is None else version),
                                 "client_key": "evidence-entry-01", "files": [_photo()]})

    first = send()
    assert first.status_code == 201, first.get_data(as_text=True)
    attachment_id = first.get_json()["id"]
    again = send()
    assert again.status_code == 200 and again.get_json() == {**first.get_json(), "created": False}
    assert _count(Attachment, Attachment.hazard_id == hazard.id) == 1

    # The hazard moved on (submitted) before a lost answer was replayed: the replay is still "sent".
    lifecycle.save_measure(hazard, park.user_a, description="更换安全阀", done_on=clock.today())
    drive.apply(hazard, "submit", park.user_a, note="已更换")
    late = send(version=1)
    assert late.status_code == 200 and late.get_json()["id"] == attachment_id
    assert _count(Attachment, Attachment.hazard_id == hazard.id) == 1


def test_evidence_on_a_stale_version_or_a_closed_hazard_is_a_conflict(client, park, drive, login_as):
    hazard = drive.hazard_in("rectifying")
    seen = hazard.version
    lifecycle.save_measure(hazard, park.user_a, description="先停用")  # the hazard changed meanwhile
    login_as(park.user_a)
    stale = client.post(f"/hazards/{hazard.id}/uploads", headers=OUTBOX, content_type="multipart/form-data",
                        data={"version": str(seen), "client_key": "evidence-stale-1", "files": [_photo()]})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_version"
    assert _count(Attachment, Attachment.hazard_id == hazard.id) == 0 and _count(IdempotencyKey) == 0

    closed = drive.hazard_in("closed")
    answer = client.post(f"/hazards/{closed.id}/uploads", headers=OUTBOX, content_type="multipart/form-data",
                         data={"version": str(closed.version), "client_key": "evidence-closed-1",
                               "files": [_photo()]})
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "wrong_state"
    assert answer.get_json()["target"]["status"] == "closed"


def test_a_checklist_tap_replayed_after_a_newer_tap_changes_nothing(client, park, login_as):
    inspection = lifecycle.start_inspection(park.inspector, enterprise=park.a, inspection_type="routine")
    login_as(park.inspector)
    url = f"/inspections/{inspection.id}/results"
    first = client.post(url, data={"item": "fire", "result": "failed", "client_key": "tap-fire-0001"}, headers=OUTBOX)
    assert first.status_code == 200 and first.get_json()["result"] == "failed"
    newer = client.post(url, data={"item": "fire", "result": "passed", "client_key": "tap-fire-0002"}, headers=OUTBOX)
    assert newer.get_json()["result"] == "passed"
    replay = client.post(url, data={"item": "fire", "result": "failed", "client_key": "tap-fire-0001"},
                         headers=OUTBOX)
    assert replay.status_code == 200 and replay.get_json()["result"] == "passed"
    rows = db.session.scalars(select(InspectionResult).where(InspectionResult.inspection_id == inspection.id)).all()
    assert [(r.item, r.result) for r in rows] == [("fire", "passed")]

    # Completed meanwhile: a waiting tap is a conflict of state, never saved.
    inspection.status = "completed"
    db.session.commit()
    late = client.post(url, data={"item": "leadership", "result": "passed", "client_key": "tap-lead-0001"},
                       headers=OUTBOX)
    assert late.status_code == 409 and late.get_json()["conflict"] is True
    assert late.get_json()["error"]["code"] == "wrong_state"


def test_the_service_worker_keeps_the_hazard_page_the_measure_form_and_the_checklist_script(client):
    body = client.get("/sw.js").get_data(as_text=True)
    precache = re.search(r"var PRECACHE = (\[.*?\]);", body).group(1)
    assert re.search(r"/static/js/checklist\.[0-9a-f]+\.js", precache)
    keep = [re.compile(p) for p in json.loads(re.search(r"var KEEP_PAGES = (\[.*?\]);", body).group(1))]
    for path in ("/hazards/12", "/hazards/12/measures/new", "/hazards/12/measures/3", "/inspections/4"):
        assert any(p.search(path) for p in keep), path
    assert not any(p.search("/hazards/12/uploads") for p in keep)


def test_without_javascript_the_upload_sent_twice_is_stored_once(client, park, drive, login_as):
    hazard = drive.hazard_in("rectifying")
    login_as(park.user_a)
    data = {"version": str(hazard.version), "client_key": "plain-upload-01"}
    first = client.post(f"/hazards/{hazard.id}/uploads", content_type="multipart/form-data",
                        data={**data, "files": [_photo()]})
    again = client.post(f"/hazards/{hazard.id}/uploads", content_type="multipart/form-data",
                        data={**data, "files": [_photo()]})
    assert first.status_code == again.status_code == 302
    assert _count(Attachment, Attachment.hazard_id == hazard.id) == 1
    assert "已上传过" in client.get(again.headers["Location"]).get_data(as_text=True)
