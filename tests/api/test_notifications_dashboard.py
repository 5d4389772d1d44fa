"""Notifications (own only) and the dashboard figures through the API."""
from safety_app import dashboard
from safety_app.models import Notification

from .conftest import assert_error


def test_a_user_lists_and_marks_their_notifications(api, park):
    park.hazard()  # notifies user_a
    client = api(park.user_a)
    data = client.get("/notifications?unread=true").get_json()
    assert data["total"] == 1 and data["items"][0]["read"] is False
    note = client.post(f"/notifications/{data['items'][0]['id']}/read").get_json()
    assert note["read"] is True and note["read_at"]
    assert client.get("/notifications?unread=true").get_json()["total"] == 0


def test_mark_all_read(api, park):
    park.hazard()
    park.hazard()
    assert api(park.user_a).post("/notifications/read").get_json() == {"marked": 2}


def test_another_users_notification_answers_404(api, park):
    park.hazard(park.b)
    other = Notification.query.filter_by(user_id=park.user_b.id).first()
    assert_error(api(park.user_a).post(f"/notifications/{other.id}/read"), 404)
    assert Notification.query.get(other.id).read_at is None


def test_dashboard_figures_are_the_dashboards(api, park):
    park.hazard(park.a, major=True)
    park.hazard(park.b)
    data = api(park.admin).get("/dashboard").get_json()
    assert data == dashboard.figures(park.admin).as_dict()
    assert data["open"] == 2 and data["major_open"] == 1


def test_enterprise_dashboard_counts_only_their_enterprise(api, park):
    park.hazard(park.a)
    park.hazard(park.b)
    park.hazard(park.b)
    data = api(park.user_a).get("/dashboard").get_json()
    assert data["open"] == 1
    assert [e["name"] for e in data["enterprises"]] == [park.a.name]
    assert park.b.name not in str(data)
