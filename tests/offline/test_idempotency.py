"""A filing sent again with the same client key (an offline outbox replayed after its answer was
lost, a double tap) files nothing twice: web forms and API alike (issue 17, part 1)."""
import io
from datetime import timedelta

from sqlalchemy import func, select

from safety_app import clock, lifecycle
from safety_app.extensions import db
from safety_app.models import Attachment, Event, Hazard, IdempotencyKey

from ..conftest import PASSWORD
from ..loop.conftest import image_bytes


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_self_inspection_form_sent_twice_files_one_hazard_with_its_photo(client, park, acceptor, login_as):
    login_as(park.user_a)
    html = client.get("/portal/hazards/new").get_data(as_text=True)
    assert 'name="client_key"' in html  # every form carries a fresh key, also without JavaScript

    def send():
        return client.post("/portal/hazards/new", data={
            "title": "消防通道堵塞", "category": "equipment", "deadline_preset": "7",
            "responsible_user_id": str(acceptor.id), "client_key": "outbox-entry-0001",
            "photos": [(io.BytesIO(image_bytes()), "现场.jpg")]}, content_type="multipart/form-data")

    first = send()
    assert first.status_code == 302, first.get_data(as_text=True)[:1000]
    again = send()
    hazard = db.session.scalar(select(Hazard))
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert _count(Hazard) == 1 and _count(Attachment) == 1
    assert db.session.scalar(select(func.count(Event.id)).where(Event.action == "file")) == 1
    row = db.session.scalar(select(IdempotencyKey))
    assert (row.key, row.user_id, row.object_type, row.object_id) == ("outbox-entry-0001", park.user_a.id,
                                                                      "hazard", hazard.id)
    shown = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "已提交过" in shown and hazard.code in shown


def test_the_inspectors_form_replayed_files_once_and_another_key_files_again(client, park, login_as):
    inspection = lifecycle.start_inspection(park.inspector, enterprise=park.a, inspection_type="routine")
    login_as(park.inspector)
    data = {"title": "静电接地断开", "category": "equipment", "deadline_preset": "7", "client_key": "k-inspect-01"}
    url = f"/inspections/{inspection.id}/hazards/new"
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 302
    assert _count(Hazard) == 1
    assert client.post(url, data={**data, "client_key": "k-inspect-02"}).status_code == 302
    assert _count(Hazard) == 2


def test_a_key_is_per_user_and_a_refused_filing_does_not_use_it_up(client, park, acceptor, login_as):
    login_as(park.user_a)
    bad = client.post("/portal/hazards/new", data={"title": "", "category": "equipment", "deadline_preset": "7",
                                                   "client_key": "shared-key-01"})
    assert bad.status_code == 422 and _count(IdempotencyKey) == 0
    wrong_person = client.post("/portal/hazards/new", data={
        "title": "越权指定", "category": "equipment", "deadline_preset": "7",
        "responsible_user_id": str(park.user_b.id), "client_key": "shared-key-01"})
    assert wrong_person.status_code == 422 and _count(IdempotencyKey) == 0 and _count(Hazard) == 0
    good = {"title": "泄漏", "category": "equipment", "deadline_preset": "7", "client_key": "shared-key-01"}
    assert client.post("/portal/hazards/new", data=good).status_code == 302
    login_as(acceptor)  # the same key from another user is that user's own filing
    assert client.post("/portal/hazards/new", data=good).status_code == 302
    assert _count(Hazard) == 2
    malformed = client.post("/portal/hazards/new", data={**good, "client_key": "bad key!"})
    assert malformed.status_code == 422 and _count(Hazard) == 2


def test_the_api_files_once_per_idempotency_key(client, park):
    token = client.post("/api/v1/tokens", json={"username": "inspector", "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "api-outbox-0001"}
    body = {"enterprise_id": park.a.id, "title": "罐区泄漏", "category": "equipment",
            "deadline": (clock.today() + timedelta(days=3)).isoformat()}
    first = client.post("/api/v1/hazards", json=body, headers=headers)
    assert first.status_code == 201, first.get_json()
    again = client.post("/api/v1/hazards", json=body, headers=headers)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json()["id"] == first.get_json()["id"] and _count(Hazard) == 1
    other = client.post("/api/v1/hazards", json=body, headers={**headers, "Idempotency-Key": "api-outbox-0002"})
    assert other.status_code == 201 and other.get_json()["id"] != first.get_json()["id"]
    bad = client.post("/api/v1/hazards", json=body, headers={**headers, "Idempotency-Key": "x"})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "Idempotency-Key"
    assert _count(Hazard) == 2
