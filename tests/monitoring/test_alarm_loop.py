"""The alarm loop on the web: list with open counts, acknowledge, cause and action, close, and
"turn into a hazard" in one step; another enterprise's alarm answers 404."""
import re
from datetime import timedelta

from sqlalchemy import select

from safety_app import clock
from safety_app.extensions import db
from safety_app.models import Alarm, Hazard
from safety_app.monitoring import ingest

from .helpers import iso


def feed(point, *values):
    db.session.refresh(point)
    t = point.last_time or clock.utcnow().replace(microsecond=0) - timedelta(minutes=5)  # after the newest reading
    t += timedelta(seconds=5)
    ingest.ingest(point.enterprise_id, [{"point_id": point.id, "time": iso(t + timedelta(seconds=5 * i)), "value": v}
                                        for i, v in enumerate(values)])
    return db.session.execute(select(Alarm).where(Alarm.point_id == point.id).order_by(Alarm.id.desc())).scalars().first()


def test_the_alarm_list_counts_open_alarms_and_refreshes_them_from_json(client, park, plant, login_as):
    feed(plant.ti, 50.0, 85.0)                  # H active
    feed(plant.b_ti, 50.0, 95.0)                # B's H and HH
    login_as(park.user_a)
    assert client.get("/monitoring/alarms/counts").get_json() == {"open": 1, "active": 1, "unacknowledged": 1}
    page = client.get("/monitoring/alarms").get_data(as_text=True)
    assert "TI-101" in page and "储罐温度" in page and "乙企业" not in page
    assert re.search(r"alarm-counts\.[0-9a-f]{12}\.js", page) and 'data-counts-url="/monitoring/alarms/counts"' in page
    login_as(park.inspector)
    assert client.get("/monitoring/alarms/counts").get_json() == {"open": 3, "active": 3, "unacknowledged": 3}


def test_acknowledge_record_and_close_once_the_condition_cleared(client, park, plant, login_as):
    alarm = feed(plant.ti, 50.0, 85.0)
    login_as(park.user_a)
    assert client.post(f"/monitoring/alarms/{alarm.id}/acknowledge").status_code == 302
    db.session.refresh(alarm)
    assert alarm.acknowledged_by_id == park.user_a.id and alarm.acknowledged_at == clock.utcnow()
    client.post(f"/monitoring/alarms/{alarm.id}/close")
    db.session.refresh(alarm)
    assert alarm.closed_at is None                           # still active
    client.post(f"/monitoring/alarms/{alarm.id}/record", data={"cause": "", "action": "降温"})
    db.session.refresh(alarm)
    assert alarm.cause == ""                                  # both required, nothing written
    client.post(f"/monitoring/alarms/{alarm.id}/record", data={"cause": "冷却水中断", "action": "恢复冷却水并降负荷"})
    feed(plant.ti, 70.0)                                      # clears
    response = client.post(f"/monitoring/alarms/{alarm.id}/close", follow_redirects=True)
    db.session.refresh(alarm)
    assert (alarm.state, alarm.cause, alarm.closed_by_id) == ("cleared", "冷却水中断", park.user_a.id)
    assert alarm.closed_at is not None
    assert client.get("/monitoring/alarms/counts").get_json()["open"] == 0
    assert response.status_code == 200


def test_closing_an_active_alarm_is_refused_with_a_message(client, park, plant, login_as):
    alarm = feed(plant.ti, 50.0, 85.0)
    login_as(park.user_a)
    client.post(f"/monitoring/alarms/{alarm.id}/record", data={"cause": "原因", "action": "措施"})
    page = client.post(f"/monitoring/alarms/{alarm.id}/close", follow_redirects=True).get_data(as_text=True)
    db.session.refresh(alarm)
    assert alarm.closed_at is None and "flash-error" in page


def test_staff_turn_an_alarm_into_a_hazard_in_one_step(client, park, plant, login_as):
    alarm = feed(plant.ti, 50.0, 95.0)
    login_as(park.inspector)
    form = client.get(f"/monitoring/alarms/{alarm.id}/hazard").get_data(as_text=True)
    assert "液氨储罐区 TI-101" in form
    deadline = (clock.today() + timedelta(days=5)).isoformat()
    response = client.post(f"/monitoring/alarms/{alarm.id}/hazard", data={
        "title": "储罐温度超高高限", "category": "equipment", "deadline": deadline, "description": ""})
    assert response.status_code == 302
    db.session.refresh(alarm)
    hazard = db.session.get(Hazard, alarm.hazard_id)
    assert (hazard.enterprise_id, hazard.source, hazard.installation_id) == (park.a.id, "monitoring_alarm", plant.a1)
    assert "TI-101" in hazard.description and hazard.status == "open"
    assert alarm.acknowledged_by_id == park.inspector.id
    again = client.post(f"/monitoring/alarms/{alarm.id}/hazard", data={
        "title": "重复", "category": "equipment", "deadline": deadline})
    assert again.status_code == 422
    assert db.session.scalar(select(Hazard.id).where(Hazard.title == "重复")) is None


def test_enterprise_users_cannot_file_hazards_from_alarms(client, park, plant, login_as):
    alarm = feed(plant.ti, 50.0, 95.0)
    login_as(park.user_a)
    assert client.get(f"/monitoring/alarms/{alarm.id}/hazard").status_code == 403
    assert "Turn into a hazard" not in client.get(f"/monitoring/alarms/{alarm.id}").get_data(as_text=True)


def test_another_enterprises_alarm_and_installation_answer_404(client, park, plant, login_as):
    alarm = feed(plant.b_ti, 50.0, 95.0)
    login_as(park.user_a)
    for url in (f"/monitoring/alarms/{alarm.id}", f"/monitoring/installations/{plant.b1}"):
        assert client.get(url).status_code == 404
    for action in ("acknowledge", "close"):
        assert client.post(f"/monitoring/alarms/{alarm.id}/{action}").status_code == 404
    assert client.post(f"/monitoring/alarms/{alarm.id}/record", data={"cause": "x", "action": "y"}).status_code == 404
    db.session.refresh(alarm)
    assert alarm.acknowledged_at is None and alarm.cause == ""


def test_the_installation_page_charts_each_point_over_24_hours(client, park, plant, login_as):
    t = clock.utcnow().replace(microsecond=0)
    rows = [{"point_id": plant.ti.id, "time": iso(t - timedelta(minutes=10 * i)), "value": 40.0 + (i % 7)}
            for i in range(140)]
    ingest.ingest(park.a.id, rows)
    login_as(park.user_a)
    page = client.get(f"/monitoring/installations/{plant.a1}").get_data(as_text=True)
    assert page.count("<svg") >= 2 and "TI-101" in page and "PI-201" in page
    assert "暂无数据" in page          # PI-201 has no readings
    assert ">HH<" in page and ">H<" in page  # limit lines are labelled
