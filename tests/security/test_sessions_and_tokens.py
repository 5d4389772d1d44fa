"""Web sessions and API tokens: a password change ends them, tokens expire and record their use,
"my sessions and devices" lists and revokes them (the admin for any user), and a deactivated
enterprise's users are refused everywhere."""
from sqlalchemy import select

from safety_app import settings
from safety_app.extensions import db
from safety_app.models import ApiToken, UserSession

from ..conftest import PASSWORD, login

NEW_PASSWORD = "lantern-orchard-42"


def _token(client, username, password=PASSWORD):
    response = client.post("/api/v1/tokens", json={"username": username, "password": password, "name": "手机"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["token"]


def _me(client, token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def _logged_in(client):
    return client.get("/account/devices").status_code == 200


def _change_password(client):
    return client.post("/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                          "confirm": NEW_PASSWORD})


def test_password_change_revokes_api_tokens(app, client, park):
    token = _token(app.test_client(), "inspector")
    login(client, park.inspector)
    assert _change_password(client).status_code == 302
    assert _me(client, token).status_code == 401


def test_password_change_ends_other_web_sessions_but_keeps_this_one(app, client, park):
    other = login(app.test_client(), park.inspector)
    login(client, park.inspector)
    assert _change_password(client).status_code == 302
    assert _logged_in(client)
    assert not _logged_in(other)


def test_a_copied_session_cookie_of_this_browser_survives_only_with_this_session(app, client, park):
    """The kept session is this browser's own row: its copy was not a different session."""
    login(client, park.inspector)
    _change_password(client)
    live = db.session.scalars(select(UserSession).where(UserSession.user_id == park.inspector.id,
                                                        UserSession.revoked_at.is_(None))).all()
    assert len(live) == 1


def test_admin_password_reset_ends_the_users_web_sessions_and_tokens(app, client, park):
    theirs = login(app.test_client(), park.inspector)
    token = _token(app.test_client(), "inspector")
    login(client, park.admin)
    response = client.post(f"/admin/users/{park.inspector.id}/password",
                           data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert not _logged_in(theirs)
    assert _me(client, token).status_code == 401
    assert not db.session.scalars(select(UserSession).where(UserSession.user_id == park.inspector.id,
                                                            UserSession.revoked_at.is_(None))).all()


def test_expired_token_is_refused(client, park, time_machine):
    time_machine.move_to("2026-11-01 09:00:00+08:00", tick=False)
    token = _token(client, "inspector")
    assert _me(client, token).status_code == 200
    time_machine.move_to("2026-12-02 09:00:00+08:00", tick=False)  # 31 days without use (limit 30)
    response = _me(client, token)
    assert response.status_code == 401
    assert "过期" in response.get_json()["error"]["message"]


def test_a_token_in_use_ends_at_the_absolute_limit(client, park, time_machine):
    settings.set_many({"token_idle_days": 30, "token_max_days": 60})
    time_machine.move_to("2026-09-01 09:00:00+08:00", tick=False)
    token = _token(client, "inspector")
    for day in ("2026-09-25", "2026-10-20"):  # used every few weeks: never idle for 30 days
        time_machine.move_to(f"{day} 09:00:00+08:00", tick=False)
        assert _me(client, token).status_code == 200
    time_machine.move_to("2026-11-01 09:00:00+08:00", tick=False)  # 61 days after issue
    assert _me(client, token).status_code == 401


def test_token_records_its_last_use_and_address(client, park, time_machine):
    time_machine.move_to("2026-11-01 09:00:00+08:00", tick=False)
    token = _token(client, "inspector")
    time_machine.move_to("2026-11-03 09:00:00+08:00", tick=False)
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    row = db.session.scalar(select(ApiToken))
    db.session.refresh(row)
    assert row.last_used_at.date().isoformat() == "2026-11-03" and row.last_address == "10.9.8.7"


def test_my_devices_page_lists_my_web_sessions_and_tokens(app, client, park):
    login(app.test_client(), park.user_a)
    _token(app.test_client(), "user_a")
    login(client, park.user_a)
    page = client.get("/account/devices").get_data(as_text=True)
    assert "我的会话与设备" in page and "当前浏览器" in page
    assert page.count("终止会话") == 2 and page.count("吊销令牌") == 1 and "手机" in page


def test_user_ends_another_of_their_sessions_from_the_devices_page(app, client, park):
    other = login(app.test_client(), park.user_a)
    login(client, park.user_a)
    row = db.session.scalars(select(UserSession).order_by(UserSession.id)).first()
    assert client.post(f"/account/devices/session/{row.id}/revoke").status_code == 302
    assert not _logged_in(other)
    assert _logged_in(client)


def test_user_revokes_a_token_from_the_devices_page(app, client, park):
    token = _token(app.test_client(), "user_a")
    login(client, park.user_a)
    row = db.session.scalar(select(ApiToken))
    assert client.post(f"/account/devices/token/{row.id}/revoke").status_code == 302
    assert _me(client, token).status_code == 401


def test_user_cannot_revoke_another_users_session_or_token(app, client, park):
    login(app.test_client(), park.user_a)
    _token(app.test_client(), "user_a")
    session_row = db.session.scalar(select(UserSession))
    token_row = db.session.scalar(select(ApiToken))
    login(client, park.inspector)
    assert client.post(f"/account/devices/session/{session_row.id}/revoke").status_code == 404
    assert client.post(f"/account/devices/token/{token_row.id}/revoke").status_code == 404
    db.session.refresh(session_row)
    db.session.refresh(token_row)
    assert session_row.revoked_at is None and token_row.revoked_at is None


def test_admin_lists_and_revokes_a_users_session_and_token(app, client, park):
    theirs = login(app.test_client(), park.inspector)
    token = _token(app.test_client(), "inspector")
    login(client, park.admin)
    page = client.get(f"/admin/users/{park.inspector.id}/devices").get_data(as_text=True)
    assert "终止会话" in page and "吊销令牌" in page
    session_row = db.session.scalar(select(UserSession).where(UserSession.user_id == park.inspector.id))
    token_row = db.session.scalar(select(ApiToken))
    assert client.post(f"/admin/users/{park.inspector.id}/devices/session/{session_row.id}/revoke").status_code == 302
    assert client.post(f"/admin/users/{park.inspector.id}/devices/token/{token_row.id}/revoke").status_code == 302
    assert not _logged_in(theirs)
    assert _me(client, token).status_code == 401


def test_admin_cannot_revoke_through_another_users_page(app, client, park):
    login(app.test_client(), park.inspector)
    session_row = db.session.scalar(select(UserSession))
    login(client, park.admin)
    url = f"/admin/users/{park.inspector2.id}/devices/session/{session_row.id}/revoke"
    assert client.post(url).status_code == 404


def _deactivate(enterprise):
    enterprise.active = False
    db.session.commit()


def test_deactivated_enterprise_user_cannot_log_in(client, park):
    _deactivate(park.a)
    response = client.post("/login", data={"username": "user_a", "password": PASSWORD})
    assert response.status_code == 401


def test_deactivated_enterprise_user_gets_no_token(client, park):
    _deactivate(park.a)
    response = client.post("/api/v1/tokens", json={"username": "user_a", "password": PASSWORD})
    assert response.status_code == 401


def test_deactivated_enterprise_users_existing_token_and_session_are_refused(app, client, park):
    token = _token(app.test_client(), "user_a")
    login(client, park.user_a)
    _deactivate(park.a)
    assert _me(client, token).status_code == 401
    assert not _logged_in(client)


def test_deactivating_an_enterprise_on_its_page_ends_its_users_sessions_and_tokens(app, client, park):
    login(app.test_client(), park.user_a)
    _token(app.test_client(), "user_a")
    login(client, park.admin)
    from tests.registry.test_enterprise_pages import GOOD

    data = {**GOOD, "credit_code": park.a.credit_code}
    data.pop("active", None)  # unticked: deactivate
    response = client.post(f"/enterprises/{park.a.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.refresh(park.a)
    assert park.a.active is False
    assert db.session.scalars(select(UserSession).where(UserSession.user_id == park.user_a.id,
                                                        UserSession.revoked_at.is_(None))).all() == []
    assert db.session.scalars(select(ApiToken).where(ApiToken.revoked_at.is_(None))).all() == []


def test_admin_sets_the_token_limits_in_the_settings(client, park, monkeypatch):
    from tests.registry.test_admin_settings import GOOD, robot_host_resolves_to_a_public_address

    robot_host_resolves_to_a_public_address.__wrapped__(monkeypatch)

    login(client, park.admin)
    response = client.post("/admin/settings", data={**GOOD, "token_idle_days": "7", "token_max_days": "30"})
    assert response.status_code == 302
    assert settings.get("token_idle_days") == 7 and settings.get("token_max_days") == 30
