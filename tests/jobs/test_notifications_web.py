"""The bell, the notifications page, mark read / mark all read; a user only ever sees their own."""
import re

import pytest
from flask import g

from safety_app import notifications
from safety_app.extensions import db
from safety_app.models import Notification

from ..conftest import login


def tell(user, title="隐患逾期1天未整改：YH-2026-000001 消防通道被杂物占用", link="http://park.test/hazards/7", key=None):
    notifications.notify([user], kind="overdue", title=title, body="企业：天津渤海石油化工有限公司\n已逾期：1天",
                         link=link, key=key, email=False)
    db.session.commit()
    return db.session.execute(db.select(Notification).order_by(Notification.id.desc())).scalars().first()


def _new_request_globals():
    """The test keeps one app context for all its requests, so ``g`` would carry a stale CSRF token."""
    g.pop("csrf_token", None)
    g.pop("unread_count", None)


def bell_count(page):
    found = re.search(r'data-unread="(\d+)"', page)
    return int(found.group(1)) if found else 0


def test_the_bell_shows_the_unread_count(client, park):
    tell(park.user_a)
    tell(park.user_a, title="第二条")
    page = login(client, park.user_a).get("/notifications/").get_data(as_text=True)
    assert bell_count(page) == 2


def test_the_list_shows_only_my_notifications_newest_first(client, park):
    tell(park.user_a, title="旧通知")
    tell(park.user_a, title="新通知")
    tell(park.user_b, title="别人的通知")
    page = login(client, park.user_a).get("/notifications/").get_data(as_text=True)
    assert page.index("新通知") < page.index("旧通知")
    assert "别人的通知" not in page


def test_mark_read_clears_the_bell(client, park):
    note = tell(park.user_a)
    login(client, park.user_a)
    assert bell_count(client.get("/notifications/").get_data(as_text=True)) == 1
    response = client.post(f"/notifications/{note.id}/read")
    assert response.status_code == 302
    assert db.session.get(Notification, note.id).read_at is not None
    _new_request_globals()
    assert bell_count(client.get("/notifications/").get_data(as_text=True)) == 0


def test_opening_a_notification_marks_it_read_and_goes_to_its_hazard(client, park):
    note = tell(park.user_a, link="http://park.test/hazards/7")
    login(client, park.user_a)
    response = client.post(f"/notifications/{note.id}/read", data={"open": "1"})
    assert response.headers["Location"] == "/hazards/7"
    assert db.session.get(Notification, note.id).read_at is not None


def test_a_link_to_another_site_is_never_followed(client, park):
    note = tell(park.user_a, link="https://evil.example//hazards/7")
    login(client, park.user_a)
    response = client.post(f"/notifications/{note.id}/read", data={"open": "1"})
    assert "evil.example" not in response.headers["Location"]


def test_mark_all_read(client, park):
    for n in range(3):
        tell(park.user_a, title=f"通知{n}")
    other = tell(park.user_b)
    login(client, park.user_a)
    page = client.post("/notifications/read-all", follow_redirects=True).get_data(as_text=True)
    assert "已将 3 条消息标为已读" in page
    assert notifications.unread_count(park.user_a) == 0
    assert db.session.get(Notification, other.id).read_at is None


def test_someone_elses_notification_answers_404_like_a_missing_one(client, park):
    theirs = tell(park.user_b)
    login(client, park.user_a)
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404
    assert db.session.get(Notification, theirs.id).read_at is None


def test_the_unread_filter(client, park):
    read = tell(park.user_a, title="已读的")
    tell(park.user_a, title="未读的")
    notifications.mark_read(read, park.user_a)
    page = login(client, park.user_a).get("/notifications/?unread=1").get_data(as_text=True)
    assert "未读的" in page and "已读的" not in page


def test_the_list_pages_twenty_at_a_time(client, park):
    for n in range(25):
        tell(park.user_a, title=f"第{n:02d}条")
    login(client, park.user_a)
    first = client.get("/notifications/").get_data(as_text=True)
    assert "第24条" in first and "第04条" not in first
    assert 'href="/notifications/?page=2"' in first and "第 1 页，共 2 页" in first
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert "第04条" in second and 'href="/notifications/?page=1"' in second


def test_the_notifications_page_needs_a_login(client, park):
    assert client.get("/notifications/").status_code == 302


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False


def test_mark_read_without_the_csrf_token_is_refused(csrf_client, park):
    note = tell(park.user_a)
    page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    csrf_client.post("/login", data={"username": "user_a", "password": "correct-horse-battery", "csrf_token": token})
    _new_request_globals()
    assert csrf_client.post(f"/notifications/{note.id}/read").status_code == 400
    assert db.session.get(Notification, note.id).read_at is None
    page = csrf_client.get("/notifications/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert csrf_client.post(f"/notifications/{note.id}/read", data={"csrf_token": token}).status_code == 302
    assert db.session.get(Notification, note.id).read_at is not None
