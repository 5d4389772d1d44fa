from safety_app.extensions import db

from .conftest import PASSWORD, login


def test_login_page_is_chinese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page
    assert 'lang="zh-CN"' in page


def test_english_can_be_chosen(client):
    client.get("/lang/en")
    page = client.get("/login").get_data(as_text=True)
    assert "Log in" in page


def test_admin_logs_in_and_out(client, park):
    login(client, park.admin)
    assert client.get("/").status_code in (200, 302)
    client.post("/logout")
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_wrong_password_is_refused_with_a_message(client, park):
    response = client.post("/login", data={"username": "admin", "password": "wrong-password"})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_form_needs_csrf_token(app, client, park):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400


def test_deactivated_user_is_logged_out_at_next_request(client, park):
    login(client, park.user_a)
    park.user_a.active = False
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_five_failed_logins_block_the_sixth_even_with_the_right_password(client, park):
    for _ in range(5):
        client.post("/login", data={"username": "admin", "password": "wrong-password"})
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 429
    seconds = response.headers["Retry-After"]
    assert int(seconds) > 0 and f"{seconds} 秒后再试" in response.get_data(as_text=True)


def test_password_change_enforces_the_rules(client, park):
    login(client, park.admin)
    response = client.post("/password", data={"current_password": PASSWORD, "new_password": "short",
                                              "confirm": "short"})
    assert response.status_code == 400
    response = client.post("/password", data={"current_password": PASSWORD, "new_password": "new-password-1",
                                              "confirm": "new-password-1"})
    assert response.status_code == 302
    db.session.refresh(park.admin)
    assert park.admin.check_password("new-password-1")


def test_security_headers_are_set(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_unknown_page_shows_a_friendly_404_without_trace(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite_lax(client, park):
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_secure_cookie_follows_preferred_scheme():
    from config import apply_https_settings

    for scheme, secure in (("https", True), ("http", False)):
        config = {"PREFERRED_URL_SCHEME": scheme, "PUBLIC_BASE_URL": "http://park.test",
                  "SESSION_COOKIE_SECURE": False}
        apply_https_settings(config)
        assert config["SESSION_COOKIE_SECURE"] is secure


def test_login_starts_a_new_session(client, park):
    with client.session_transaction() as s:
        s["planted"] = "by-someone-else"
    login(client, park.admin)
    with client.session_transaction() as s:
        assert "planted" not in s


def test_logout_ends_the_session_even_for_a_copied_cookie(client, park):
    login(client, park.admin)
    with client.session_transaction() as s:
        stolen = dict(s)
    client.post("/logout")
    with client.session_transaction() as s:
        s.update(stolen)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_throttle_is_kept_in_the_database_so_all_workers_share_it(app, park):
    from safety_app.models import LoginAttempt

    first, second = app.test_client(), app.test_client()  # think: two gunicorn workers
    for _ in range(3):
        first.post("/login", data={"username": "admin", "password": "wrong-password"})
    for _ in range(2):
        second.post("/login", data={"username": "admin", "password": "wrong-password"})
    assert db.session.query(LoginAttempt).count() == 5
    assert first.post("/login", data={"username": "admin", "password": PASSWORD}).status_code == 429


def test_throttle_lifts_after_fifteen_minutes(app, client, park, time_machine):
    time_machine.move_to("2026-11-29 09:00:00+08:00", tick=False)
    for _ in range(5):
        client.post("/login", data={"username": "admin", "password": "wrong-password"})
    assert client.post("/login", data={"username": "admin", "password": PASSWORD}).status_code == 429
    time_machine.move_to("2026-11-29 09:16:00+08:00", tick=False)
    assert client.post("/login", data={"username": "admin", "password": PASSWORD}).status_code == 302
