"""People, not names: a hazard's and a measure's responsible person is an active user of the
hazard's enterprise, who sees the task under "Assigned to me" and is notified (in-app + outbox)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from safety_app import clock, lifecycle
from safety_app.extensions import db
from safety_app.lifecycle_errors import Invalid
from safety_app.models import Hazard, Measure, Notification, OutboxMessage

from ..conftest import PASSWORD
from .conftest import self_filed


def _assigned(user):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                         Notification.kind == "assigned")).all()


@pytest.mark.parametrize("who", ["user_b", "inspector", "inactive", "missing"])
def test_a_responsible_user_outside_the_enterprise_is_refused_and_nothing_is_written(park, acceptor, who):
    if who == "inactive":
        acceptor.active = False
        db.session.commit()
    chosen = {"user_b": park.user_b, "inspector": park.inspector, "inactive": acceptor, "missing": 10**6}[who]
    with pytest.raises(Invalid) as refused:
        lifecycle.file_hazard(park.inspector, enterprise=park.a, title="液位计失灵", category="equipment",
                              deadline=clock.today() + timedelta(days=7), responsible_user=chosen)
    assert refused.value.field == "responsible_user_id"
    assert db.session.scalar(select(func.count(Hazard.id))) == 0
    hazard = park.hazard()
    with pytest.raises(Invalid):
        lifecycle.save_measure(hazard, park.user_a, description="更换液位计", responsible_user_id=getattr(
            chosen, "id", chosen))
    assert db.session.scalar(select(func.count(Measure.id))) == 0


def test_the_responsible_user_of_a_hazard_is_notified_in_app_and_by_mail(park, acceptor):
    acceptor.email = "manager@example.com"
    db.session.commit()
    hazard = lifecycle.file_hazard(park.inspector, enterprise=park.a, title="液位计失灵", category="equipment",
                                   deadline=clock.today() + timedelta(days=7), responsible_user=acceptor.id)
    assert hazard.responsible_user_id == acceptor.id and hazard.responsible_person == acceptor.name
    assert [n.hazard_id for n in _assigned(acceptor)] == [hazard.id]
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.recipient == "manager@example.com", OutboxMessage.subject.contains("整改责任人"))) == 1


def test_a_measure_assigned_to_a_user_notifies_them_once(park, acceptor):
    hazard = park.hazard()
    lifecycle.apply(hazard, "acknowledge", park.user_a, version=hazard.version)
    measure = lifecycle.save_measure(hazard, park.user_a, description="更换液位计", responsible_user_id=acceptor.id)
    assert measure.responsible_user_id == acceptor.id and measure.responsible_person == acceptor.name
    lifecycle.save_measure(hazard, park.user_a, measure, description="更换液位计并校验",
                           responsible_user_id=acceptor.id)
    assert len(_assigned(acceptor)) == 1
    lifecycle.save_measure(hazard, park.user_a, measure, responsible_user_id=None)
    assert measure.responsible_user_id is None


def test_the_measure_form_offers_the_enterprises_users(client, park, acceptor, login_as):
    hazard = park.hazard()
    lifecycle.apply(hazard, "acknowledge", park.user_a, version=hazard.version)
    login_as(park.user_a)
    html = client.get(f"/hazards/{hazard.id}/measures/new").get_data(as_text=True)
    assert f'value="{acceptor.id}"' in html and f'value="{park.user_b.id}"' not in html
    response = client.post(f"/hazards/{hazard.id}/measures/new", data={
        "version": hazard.version, "description": "加装防护罩", "responsible_user_id": str(park.user_b.id)})
    assert response.status_code == 422 and "请从本企业的用户中选择责任人" in response.get_data(as_text=True)
    response = client.post(f"/hazards/{hazard.id}/measures/new", data={
        "version": hazard.version, "description": "加装防护罩", "responsible_user_id": str(acceptor.id)})
    assert response.status_code == 302
    assert db.session.scalar(select(Measure.responsible_user_id)) == acceptor.id


def test_staff_choose_the_responsible_user_when_filing_on_site(client, park, acceptor, login_as):
    inspection = lifecycle.start_inspection(park.inspector, enterprise=park.a, inspection_type="routine")
    login_as(park.inspector)
    html = client.get(f"/inspections/{inspection.id}/hazards/new").get_data(as_text=True)
    assert f'value="{acceptor.id}"' in html and f'value="{park.user_b.id}"' not in html
    response = client.post(f"/inspections/{inspection.id}/hazards/new", data={
        "title": "静电接地断开", "category": "equipment", "deadline_preset": "7",
        "responsible_user_id": str(acceptor.id)})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    hazard = db.session.scalar(select(Hazard))
    assert hazard.source == "government_inspection" and hazard.responsible_user_id == acceptor.id


def test_the_portal_shows_what_is_assigned_to_me(client, park, acceptor, login_as):
    mine = self_filed(park, responsible_user=acceptor, actor=park.user_a)
    other = park.hazard(title="别人的隐患")
    measure_hazard = park.hazard(title="措施指派给我的隐患")
    lifecycle.apply(measure_hazard, "acknowledge", park.user_a, version=measure_hazard.version)
    lifecycle.save_measure(measure_hazard, park.user_a, description="整改", responsible_user_id=acceptor.id)
    login_as(acceptor)
    html = client.get("/portal/").get_data(as_text=True)
    assigned = html[html.index('id="assigned"'):html.index("</section>", html.index('id="assigned"'))]
    assert mine.code in assigned and measure_hazard.code in assigned and other.code not in assigned
    only = client.get("/portal/?mine=1").get_data(as_text=True)
    assert other.code not in only and mine.code in only
    login_as(park.user_a)
    assert "没有指派给您的任务" in client.get("/portal/").get_data(as_text=True)


def test_an_enterprise_token_files_only_for_its_own_enterprise_as_self_inspection(client, park, acceptor):
    token = client.post("/api/v1/tokens", json={"username": "user_a", "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    body = {"enterprise_id": park.a.id, "title": "巡检发现泄漏", "category": "equipment",
            "deadline": (clock.today() + timedelta(days=3)).isoformat(), "responsible_user_id": acceptor.id}
    response = client.post("/api/v1/hazards", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["source"] == "self_inspection" and data["responsible_user"] == {"id": acceptor.id,
                                                                                 "name": acceptor.name}
    assert client.post("/api/v1/hazards", json={**body, "enterprise_id": park.b.id},
                       headers=headers).status_code == 422
    bad = client.post("/api/v1/hazards", json={**body, "responsible_user_id": park.user_b.id}, headers=headers)
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "responsible_user_id"
    staff = client.post("/api/v1/tokens", json={"username": "inspector", "password": PASSWORD}).get_json()["token"]
    filed = client.post("/api/v1/hazards", json={**body, "title": "执法检查发现"},
                        headers={"Authorization": f"Bearer {staff}"}).get_json()
    assert filed["source"] == "government_inspection"
    listed = client.get("/api/v1/hazards?source=self_inspection", headers=headers).get_json()
    assert [h["title"] for h in listed["items"]] == ["巡检发现泄漏"]
    assert client.get("/api/v1/hazards?source=nonsense", headers=headers).status_code in (400, 422)
