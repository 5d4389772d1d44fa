"""“在此手机上保持登录 30 天”: an opt-in login that survives the phone's browser (WeChat's web view
discards session cookies) for ``remember_days`` (default 30, absolute), revocable by the user and
by the admin, ended by a password change or reset and by deactivation. An ordinary login is
unchanged: a browser-session cookie."""
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import select

from safety_app import settings
from safety_app.extensions import db
from safety_app.models import Event, UserSession

from ..conftest import PASSWORD

NEW_PASSWORD = "lantern-orchard-42"
DAY0 = "2026-11-02 09:00:00+08:00"


def _log_in(client, user, remember):
    data = {"username": user.username, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def _session_cookie(response):
    """The ``session`` cookie set by ``response`` (a Morsel), or None."""
    for header in response.headers.getlist("Set-Cookie"):
        jar = SimpleCookie()
        jar.load(header)
        if "session" in jar:
            return jar["session"]
    return None


def _phone_after_restart(app, cookie):
    """A browser that kept only the persistent cookies: a fresh client holding this session cookie."""
    phone = app.test_client()
    phone.set_cookie("session", cookie.value, domain="localhost")
    return phone


def _logged_in(client):
    return client.get("/account/devices").status_code == 200


@pytest.fixture
def clock_at(time_machine):
    def move(when):
        time_machine.move_to(when, tick=False)
    move(DAY0)
    return move


def test_the_login_form_offers_remembering_this_phone_unchecked(client, park):
    page = client.get("/login").get_data(as_text=True)
    assert "在此手机上保持登录 30 天" in page
    assert 'type="checkbox"' in page and 'name="remember"' in page
    assert "checked" not in page.split('name="remember"')[1].split(">")[0]


def test_a_remembered_login_sets_a_persistent_cookie_for_30_days(app, client, park, clock_at):
    app.config["SESSION_COOKIE_SECURE"] = True  # as on https
    cookie = _session_cookie(_log_in(client, park.user_a, remember=True))
    assert abs(int(cookie["max-age"]) - 30 * 86400) <= 5
    assert "2026" in cookie["expires"] and "Dec" in cookie["expires"]  # 2 December 2026
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == park.user_a.id))
    assert row.remembered_until - row.created_at == timedelta(days=30)


def test_an_ordinary_login_keeps_a_browser_session_cookie(app, client, park, clock_at):
    cookie = _session_cookie(_log_in(client, park.user_a, remember=False))
    assert not cookie["max-age"] and not cookie["expires"]  # the browser drops it when it closes
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert db.session.scalar(select(UserSession.remembered_until)) is None


def test_a_remembered_phone_stays_logged_in_past_the_ordinary_limits(app, client, park, clock_at):
    """Closed browser, and 45 days unused (remember_days 60): beyond an ordinary session cookie's
    31-day signature limit, the remembered one still logs in."""
    settings.set_many({"remember_days": 60})
    remembered = _session_cookie(_log_in(client, park.user_a, remember=True))
    ordinary = _session_cookie(_log_in(app.test_client(), park.user_a, remember=False))
    clock_at("2026-12-17 09:00:00+08:00")  # 45 days later
    assert _logged_in(_phone_after_restart(app, remembered))
    assert not _logged_in(_phone_after_restart(app, ordinary))


def test_a_remembered_phone_ends_30_days_after_login_however_often_used(app, client, park, clock_at):
    cookie = _session_cookie(_log_in(client, park.user_a, remember=True))
    phone = _phone_after_restart(app, cookie)
    for when in ("2026-11-12 09:00:00+08:00", "2026-11-22 09:00:00+08:00", "2026-12-02 08:59:00+08:00"):
        clock_at(when)
        response = phone.get("/account/devices")
        assert response.status_code == 200
    refreshed = _session_cookie(response)  # the refreshed cookie keeps the same end (absolute)
    assert 0 < int(refreshed["max-age"]) <= 60
    clock_at("2026-12-02 09:00:01+08:00")
    assert not _logged_in(phone)
    assert not _logged_in(_phone_after_restart(app, cookie))


def test_the_user_sees_and_ends_a_remembered_phone(app, client, park, clock_at):
    phone = _phone_after_restart(app, _session_cookie(_log_in(app.test_client(), park.user_a, remember=True)))
    _log_in(client, park.user_a, remember=False)
    page = client.get("/account/devices").get_data(as_text=True)
    assert "已记住的手机" in page and "保持登录至" in page and "2026-12-02 09:00" in page
    remembered = db.session.scalar(select(UserSession).where(UserSession.remembered_until.is_not(None)))
    assert client.post(f"/account/devices/session/{remembered.id}/revoke").status_code == 302
    assert not _logged_in(phone)
    assert _logged_in(client)


def test_the_user_ends_all_remembered_phones_and_keeps_this_browser(app, client, park, clock_at):
    phones = [_phone_after_restart(app, _session_cookie(_log_in(app.test_client(), park.user_a, remember=True)))
              for _ in range(2)]
    _log_in(client, park.user_a, remember=False)
    response = client.post("/account/devices/remembered/revoke")
    assert response.status_code == 302
    assert not any(_logged_in(p) for p in phones)
    assert _logged_in(client)
    assert "没有已记住的手机" in client.get("/account/devices").get_data(as_text=True)


def test_a_user_cannot_end_another_users_remembered_phone(app, client, park, clock_at):
    phone = _phone_after_restart(app, _session_cookie(_log_in(app.test_client(), park.user_a, remember=True)))
    theirs = db.session.scalar(select(UserSession.id).where(UserSession.user_id == park.user_a.id))
    _log_in(client, park.user_b, remember=False)
    assert client.post(f"/account/devices/session/{theirs}/revoke").status_code == 404
    client.post("/account/devices/remembered/revoke")  # ends only B's own
    assert _logged_in(phone)


def test_the_admin_lists_and_ends_a_users_remembered_phones(app, client, park, clock_at):
    phone = _phone_after_restart(app, _session_cookie(_log_in(app.test_client(), park.user_a, remember=True)))
    _log_in(client, park.admin, remember=False)
    page = client.get(f"/admin/users/{park.user_a.id}").get_data(as_text=True)
    assert "已记住的手机" in page and "结束全部已记住的手机" in page
    response = client.post(f"/admin/users/{park.user_a.id}/devices/remembered/revoke")
    assert response.status_code == 302
    assert not _logged_in(phone)
    event = db.session.scalar(select(Event).where(Event.action == "user.forget_remembered"))
    assert event.actor_id == park.admin.id and event.data["user_id"] == park.user_a.id and event.data["count"] == 1
    assert _logged_in(client)


@pytest.mark.parametrize("who", ["user_b", "inspector"])
def test_only_the_admin_may_end_another_users_remembered_phones(app, client, park, clock_at, who):
    phone = _phone_after_restart(app, _session_cookie(_log_in(app.test_client(), park.user_a, remember=True)))
    _log_in(client, getattr(park, who), remember=False)
    assert client.post(f"/admin/users/{park.user_a.id}/devices/remembered/revoke").status_code == 403
    assert _logged_in(phone)


def test_a_password_change_elsewhere_ends_the_remembered_phone(app, client, park, clock_at):
    phone = _phone_after_restart(app, _session_cookie(_log_in(app.test_client(), park.user_a, remember=True)))
    _log_in(client, park.user_a, remember=False)
    assert client.post("/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                          "confirm": NEW_PASSWORD}).status_code == 302
    assert not _logged_in(phone)
    assert _logged_in(client)


def test_a_password_change_on_the_phone_keeps_it_remembered(app, client, park, clock_at):
    cookie = _session_cookie(_log_in(client, park.user_a, remember=True))
    response = client.post("/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                              "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    kept = _session_cookie(response) or cookie
    clock_at("2026-11-20 09:00:00+08:00")
    assert _logged_in(_phone_after_restart(app, kept))


def test_an_admin_password_reset_ends_the_remembered_phone(app, client, park, clock_at):
    phone = _phone_after_restart(app, _session_cookie(_log_in(app.test_client(), park.user_a, remember=True)))
    _log_in(client, park.admin, remember=False)
    response = client.post(f"/admin/users/{park.user_a.id}/password",
                           data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert not _logged_in(phone)


def test_deactivation_ends_the_remembered_phone(app, client, park, clock_at):
    phone = _phone_after_restart(app, _session_cookie(_log_in(app.test_client(), park.user_a, remember=True)))
    _log_in(client, park.admin, remember=False)
    response = client.post(f"/admin/users/{park.user_a.id}", data={"display_name": "甲企业用户", "active": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert not _logged_in(phone)
    assert db.session.scalar(select(UserSession.revoked_at).where(UserSession.user_id == park.user_a.id))


@pytest.mark.parametrize("value", ["0", "91", "abc"])
def test_the_admin_setting_remember_days_is_checked(client, park, value):
    _log_in(client, park.admin, remember=False)
    response = client.post("/admin/settings", data={**_settings_form(), "remember_days": value})
    assert response.status_code == 422
    assert settings.get("remember_days") == 30


def test_the_admin_sets_remember_days_and_the_login_form_says_it(app, client, park, clock_at):
    _log_in(client, park.admin, remember=False)
    response = client.post("/admin/settings", data={**_settings_form(), "remember_days": "7"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert settings.get("remember_days") == 7
    other = app.test_client()
    assert "在此手机上保持登录 7 天" in other.get("/login").get_data(as_text=True)
    cookie = _session_cookie(_log_in(other, park.user_a, remember=True))
    assert abs(int(cookie["max-age"]) - 7 * 86400) <= 5


def _settings_form():
    """The settings form with its required fields (no webhook: no name to resolve)."""
    return {"office_name": "大港街道应急办", "park_name": "大港石化产业园区", "notice_prefix": "港应急",
            "due_soon_days": "3", "escalation_days": "7", "smtp_port": "25", "smtp_sender": "safety@example.com"}
